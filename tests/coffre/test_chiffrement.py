"""Properties of the encrypted object format: every kind of tampering is refused on read."""

from __future__ import annotations

import io
import os
import uuid

import pytest

from justexpert.coffre.chiffrement import (
    SURCOUT_SEGMENT,
    TAILLE_ENTETE,
    Chiffreur,
    LecteurAleatoire,
    ObjetCorrompu,
    dechiffrer,
    desenvelopper,
    envelopper,
    nouvelle_cle,
    taille_chiffree,
)

SEG = 1024


def objet(clair: bytes, cle: bytes, doc: uuid.UUID, seg: int = SEG) -> tuple[bytes, str]:
    sortie = io.BytesIO()
    chiffreur = Chiffreur(cle, doc, seg, sortie.write)
    for i in range(0, len(clair), 700):
        chiffreur.ecrire(clair[i : i + 700])
    empreinte = chiffreur.terminer()
    return sortie.getvalue(), empreinte


def lire(donnees: bytes, cle: bytes, doc: uuid.UUID, empreinte: str | None = None) -> bytes:
    return b"".join(dechiffrer(io.BytesIO(donnees), cle, doc, empreinte))


def segments(donnees: bytes, seg: int = SEG) -> tuple[bytes, list[bytes]]:
    tete, reste = donnees[:TAILLE_ENTETE], donnees[TAILLE_ENTETE:]
    pas = seg + SURCOUT_SEGMENT
    return tete, [reste[i : i + pas] for i in range(0, len(reste), pas)]


@pytest.mark.parametrize("taille", [0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 17])
def test_round_trip_for_every_segment_boundary(taille):
    cle, doc, clair = nouvelle_cle(), uuid.uuid4(), os.urandom(taille)
    donnees, empreinte = objet(clair, cle, doc)
    assert len(donnees) == taille_chiffree(taille, SEG)
    assert lire(donnees, cle, doc, empreinte) == clair


def test_plaintext_is_absent_from_stored_bytes():
    cle, doc = nouvelle_cle(), uuid.uuid4()
    marqueur = b"MARQUEUR-" + os.urandom(8).hex().encode()
    donnees, _ = objet(marqueur * 500, cle, doc)
    assert marqueur not in donnees
    assert marqueur[:12] not in donnees


def test_any_flipped_byte_is_refused():
    cle, doc = nouvelle_cle(), uuid.uuid4()
    donnees, empreinte = objet(os.urandom(2 * SEG + 100), cle, doc)
    for position in range(len(donnees)):
        modifie = bytearray(donnees)
        modifie[position] ^= 0x01
        with pytest.raises(ObjetCorrompu):
            lire(bytes(modifie), cle, doc, empreinte)


def test_truncation_at_any_length_is_refused():
    cle, doc = nouvelle_cle(), uuid.uuid4()
    donnees, empreinte = objet(os.urandom(3 * SEG), cle, doc)
    for longueur in range(0, len(donnees), 97):
        with pytest.raises(ObjetCorrompu):
            lire(donnees[:longueur], cle, doc, empreinte)
    # Exactly at a segment boundary: the last remaining segment was not sealed as final.
    tete, segs = segments(donnees)
    with pytest.raises(ObjetCorrompu):
        lire(tete + b"".join(segs[:-1]), cle, doc)


def test_bytes_appended_after_the_end_are_refused():
    cle, doc = nouvelle_cle(), uuid.uuid4()
    donnees, empreinte = objet(os.urandom(SEG + 5), cle, doc)
    with pytest.raises(ObjetCorrompu):
        lire(donnees + b"\x00", cle, doc, empreinte)


def test_reordered_segments_are_refused():
    cle, doc = nouvelle_cle(), uuid.uuid4()
    donnees, _ = objet(os.urandom(3 * SEG + 10), cle, doc)
    tete, segs = segments(donnees)
    segs[0], segs[1] = segs[1], segs[0]
    with pytest.raises(ObjetCorrompu):
        lire(tete + b"".join(segs), cle, doc)


def test_segment_spliced_from_another_document_is_refused():
    # Same data key on purpose: only the document id in the associated data tells them apart.
    cle, doc_a, doc_b = nouvelle_cle(), uuid.uuid4(), uuid.uuid4()
    a, _ = objet(os.urandom(3 * SEG), cle, doc_a)
    b, _ = objet(os.urandom(3 * SEG), cle, doc_b)
    tete_a, segs_a = segments(a)
    _, segs_b = segments(b)
    segs_a[1] = segs_b[1]
    with pytest.raises(ObjetCorrompu):
        lire(tete_a + b"".join(segs_a), cle, doc_a)
    with pytest.raises(ObjetCorrompu):  # a whole object of another document
        lire(b, cle, doc_a)


def test_hash_mismatch_is_refused_on_full_read():
    cle, doc = nouvelle_cle(), uuid.uuid4()
    donnees, _ = objet(b"contenu", cle, doc)
    with pytest.raises(ObjetCorrompu):
        lire(donnees, cle, doc, "0" * 64)


def test_wrong_key_is_refused():
    doc = uuid.uuid4()
    donnees, _ = objet(b"contenu", nouvelle_cle(), doc)
    with pytest.raises(ObjetCorrompu):
        lire(donnees, nouvelle_cle(), doc)


def test_wrapped_key_is_bound_to_its_document():
    kek, cle, doc = nouvelle_cle(), nouvelle_cle(), uuid.uuid4()
    enveloppe = envelopper(cle, kek, doc)
    assert desenvelopper(enveloppe, kek, doc) == cle
    with pytest.raises(ObjetCorrompu):
        desenvelopper(enveloppe, kek, uuid.uuid4())
    with pytest.raises(ObjetCorrompu):
        desenvelopper(enveloppe, nouvelle_cle(), doc)


def test_random_access_reader_matches_plaintext():
    cle, doc, clair = nouvelle_cle(), uuid.uuid4(), os.urandom(5 * SEG + 333)
    donnees, _ = objet(clair, cle, doc)

    def ouvrir(position: int) -> io.BytesIO:
        flux = io.BytesIO(donnees)
        flux.seek(position)
        return flux

    with LecteurAleatoire(ouvrir, cle, doc, len(clair)) as lecteur:
        for debut, n in [(0, 10), (SEG - 3, 10), (2 * SEG, SEG), (len(clair) - 5, 100), (len(clair), 5), (17, 4 * SEG)]:
            lecteur.seek(debut)
            assert lecteur.read(n) == clair[debut : debut + n]
        lecteur.seek(0)
        assert lecteur.read() == clair
