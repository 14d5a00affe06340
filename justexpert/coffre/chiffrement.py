"""Encrypted object format of coffre: AES-256-GCM over fixed-size segments, one data key per document.

Protects against: reading a stored object without the key-encryption key (confidentiality of the
storage backend and its backups); any change to a stored object going unnoticed: a flipped byte, a
truncation (at or inside a segment), reordered segments, a segment spliced from another document,
bytes appended after the end. Each segment is sealed with the associated data
``header || segment index (8 bytes) || final flag (1 byte)``, and the header holds the document id.
Does not protect against: an attacker holding the key-encryption keys and the database; replacing a
whole object by an older version of the *same* document (there is none: documents are immutable).

Layout of an object::

    header  = b"JXCOFFRE" | version (1) | segment size (4, big endian) | document id (16)
    segment = nonce (12, random) | ciphertext (n) | tag (16)      n = segment size, except the last

The last segment carries the final flag and may be shorter (or empty for an empty document). The
writer holds at most one segment of plaintext; the reader at most one segment of ciphertext.
The data key is wrapped (AES-256-GCM again) by a key-encryption key with the document id as
associated data, so a wrapped key copied onto another row does not open.
"""

from __future__ import annotations

import hashlib
import os
import struct
import uuid
from collections.abc import Callable, Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"JXCOFFRE"
VERSION = 1
TAILLE_ENTETE = len(MAGIC) + 1 + 4 + 16
NONCE = 12
TAG = 16
SURCOUT_SEGMENT = NONCE + TAG


class ObjetCorrompu(Exception):
    """The stored bytes do not decrypt, or do not match the recorded hash."""


def entete(document_id: uuid.UUID, taille_segment: int) -> bytes:
    return MAGIC + bytes([VERSION]) + struct.pack(">I", taille_segment) + document_id.bytes


def _aad(tete: bytes, index: int, final: bool) -> bytes:
    return tete + struct.pack(">QB", index, 1 if final else 0)


def taille_chiffree(taille: int, taille_segment: int) -> int:
    """Size of the stored object for a plaintext of ``taille`` bytes."""
    segments = max(1, -(-taille // taille_segment))
    return TAILLE_ENTETE + taille + segments * SURCOUT_SEGMENT


def nouvelle_cle() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def envelopper(cle: bytes, kek: bytes, document_id: uuid.UUID) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(kek).encrypt(nonce, cle, b"coffre-cle-v1" + document_id.bytes)


def desenvelopper(enveloppe: bytes, kek: bytes, document_id: uuid.UUID) -> bytes:
    try:
        return AESGCM(kek).decrypt(enveloppe[:NONCE], enveloppe[NONCE:], b"coffre-cle-v1" + document_id.bytes)
    except InvalidTag:
        raise ObjetCorrompu("data key does not unwrap") from None


class Chiffreur:
    """Streaming encrypter and hasher: ``ecrire()`` plaintext as it comes, ``terminer()`` at the end.

    Encrypted bytes go to ``sortie`` (a callable taking bytes) segment by segment; SHA-256 of the
    plaintext and its size are computed in the same pass.
    """

    def __init__(self, cle: bytes, document_id: uuid.UUID, taille_segment: int, sortie: Callable[[bytes], object]) -> None:
        self._aes = AESGCM(cle)
        self._tete = entete(document_id, taille_segment)
        self._segment = taille_segment
        self._sortie = sortie
        self._tampon = bytearray()
        self._index = 0
        self.sha256 = hashlib.sha256()
        self.taille = 0
        sortie(self._tete)

    def _sceller(self, donnees: bytes | bytearray | memoryview, final: bool) -> None:
        nonce = os.urandom(NONCE)
        chiffre = self._aes.encrypt(nonce, donnees, _aad(self._tete, self._index, final))
        # Two writes rather than one concatenation: no extra copy of the segment.
        self._sortie(nonce)
        self._sortie(chiffre)
        self._index += 1

    def ecrire(self, donnees: bytes | bytearray | memoryview) -> None:
        if not donnees:
            return
        self.sha256.update(donnees)
        self.taille += len(donnees)
        self._tampon += donnees
        # Keep the last full segment back: only at the end do we know whether it is the final one.
        while len(self._tampon) > self._segment:
            self._sceller(memoryview(self._tampon)[: self._segment], final=False)
            del self._tampon[: self._segment]

    def terminer(self) -> str:
        self._sceller(self._tampon, final=True)
        self._tampon = bytearray()
        return self.sha256.hexdigest()


def _lire_exactement(source: BinaryIO, n: int) -> bytes:
    morceaux = []
    while n > 0:
        morceau = source.read(n)
        if not morceau:
            break
        morceaux.append(morceau)
        n -= len(morceau)
    return b"".join(morceaux)


def lire_entete(source: BinaryIO, document_id: uuid.UUID) -> tuple[bytes, int]:
    tete = _lire_exactement(source, TAILLE_ENTETE)
    if len(tete) != TAILLE_ENTETE or not tete.startswith(MAGIC) or tete[len(MAGIC)] != VERSION:
        raise ObjetCorrompu("bad header")
    (taille_segment,) = struct.unpack(">I", tete[len(MAGIC) + 1 : len(MAGIC) + 5])
    if tete[-16:] != document_id.bytes or taille_segment < 1:
        raise ObjetCorrompu("header of another document")
    return tete, taille_segment


def dechiffrer(source: BinaryIO, cle: bytes, document_id: uuid.UUID, sha256_attendu: str | None = None) -> Iterator[bytes]:
    """Yield the plaintext segment by segment; raise ObjetCorrompu on any tampering.

    With ``sha256_attendu``, the plaintext hash is checked at the end of the read, before the
    generator finishes (a consumer that reads to the end gets the error instead of a clean end).
    """
    tete, taille_segment = lire_entete(source, document_id)
    aes = AESGCM(cle)
    empreinte = hashlib.sha256()
    complet = taille_segment + SURCOUT_SEGMENT
    courant = _lire_exactement(source, complet)
    index = 0
    while True:
        if len(courant) < SURCOUT_SEGMENT:
            raise ObjetCorrompu("truncated object")
        suivant = _lire_exactement(source, complet) if len(courant) == complet else b""
        final = not suivant
        try:
            clair = aes.decrypt(courant[:NONCE], courant[NONCE:], _aad(tete, index, final))
        except InvalidTag:
            raise ObjetCorrompu(f"segment {index} does not authenticate") from None
        empreinte.update(clair)
        if final and sha256_attendu is not None and empreinte.hexdigest() != sha256_attendu:
            raise ObjetCorrompu("plaintext hash mismatch")
        if clair:
            yield clair
        if final:
            return
        courant = suivant
        index += 1


class LecteurAleatoire:
    """Seekable, read-only plaintext view of an object (for zip inspection and HTTP ranges).

    ``ouvrir_brut(position)`` returns a binary stream of the stored object from that offset. Every
    segment read is authenticated; the whole-file hash is not checked (partial reads cannot).
    """

    def __init__(self, ouvrir_brut: Callable[[int], BinaryIO], cle: bytes, document_id: uuid.UUID, taille: int) -> None:
        self._ouvrir = ouvrir_brut
        self._aes = AESGCM(cle)
        with ouvrir_brut(0) as brut:
            self._tete, self._segment = lire_entete(brut, document_id)
        self._taille = taille
        self._nb = max(1, -(-taille // self._segment))
        self._pos = 0
        self._cache: tuple[int, bytes] | None = None
        self._brut: BinaryIO | None = None
        self._pos_brut = -1

    def _segment_clair(self, index: int) -> bytes:
        if self._cache and self._cache[0] == index:
            return self._cache[1]
        debut = TAILLE_ENTETE + index * (self._segment + SURCOUT_SEGMENT)
        if self._brut is None or self._pos_brut != debut:
            self.close()
            self._brut = self._ouvrir(debut)
        final = index == self._nb - 1
        longueur = (self._taille - index * self._segment if final else self._segment) + SURCOUT_SEGMENT
        chiffre = _lire_exactement(self._brut, longueur)
        self._pos_brut = debut + len(chiffre)
        try:
            clair = self._aes.decrypt(chiffre[:NONCE], chiffre[NONCE:], _aad(self._tete, index, final))
        except InvalidTag:
            raise ObjetCorrompu(f"segment {index} does not authenticate") from None
        self._cache = (index, clair)
        return clair

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self._taille - self._pos
        n = max(0, min(n, self._taille - self._pos))
        morceaux = []
        while n > 0:
            index, decalage = divmod(self._pos, self._segment)
            morceau = self._segment_clair(index)[decalage : decalage + n]
            morceaux.append(morceau)
            self._pos += len(morceau)
            n -= len(morceau)
        return b"".join(morceaux)

    def seek(self, position: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._taille}[whence]
        self._pos = max(0, base + position)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if self._brut is not None:
            self._brut.close()
            self._brut = None

    def __enter__(self) -> LecteurAleatoire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
