#!/usr/bin/env python3
"""Offline verifier of Justexpert receipts ("accusés"): needs only `cryptography` (45 or later) and
`asn1crypto`.

This file is the whole verifier; `tools/verifier_accuse.py` is a byte-for-byte copy that anyone
can download and run (tests/preuves/test_verificateur.py checks that the two stay identical), and
the platform's own checks (vector tests, timestamp token checks, the page "Vérifier un accusé")
import it from here, so there is one implementation only.

What it protects against: a receipt whose event, leaf, inclusion proof, checkpoint, signature or
timestamp token was altered, or a document that is not the one recorded; a timestamp token whose
certificate does not chain to the authority you trust through real CAs (the certification path
is built and checked by cryptography's path validator, `cryptography.x509.verification`: cA and
keyCertSign on every issuer, path length, validity of every certificate, extended key usage
timeStamping alone and critical on the signer); a token dated before the checkpoint it is over.
Each check is reported in plain French as proven or not proven. Every statement comes from
signed material (leaf, signed note, token); the receipt's unsigned labels ("autorite",
"qualifie", "date") are not believed.

What it does not do: decide whether the log's public key and the timestamp authority are the ones
you trust. The receipt carries both; compare the key fingerprint with the one the platform
publishes (`--cle`), and give the authority's root certificate (`--ac`) to check its chain. The
chain is validated at the token's time (genTime): offline, it is the only time there is; the
platform validated it against its own clock when the token arrived. Whether an authority is
qualified (eIDAS) is a fact of the EU trusted lists, not of the token. Without a checkpoint kept
by a third party, it cannot prove the log was not rewritten later (`manage.py verifier_journal
--temoin` does that on the platform side).

Usage: python verifier_accuse.py ACCUSE.pdf|ACCUSE.json [--document FICHIER] [--ancres FICHIER|URL]
       (or, instead of --ancres, [--cle CLE] [--ac AC.pem])
A PDF accusé carries its JSON as the embedded file « accuse.json »; reading it needs `pypdf`.
``--ancres``: the platform's published trust anchors (``/preuves/ancres.json``, format
justexpert-ancres/1), a copy you kept or its address: every log key it lists (current and retired)
and its timestamp roots are the trusted ones.
``--document``: a sealed PDF the platform extended (a document timestamp appended later) is not
byte for byte the document deposited but starts with it: the SHA-256 is also taken at the end of
each PDF revision (``%%EOF``) while the file is read, and such a copy is reported as containing
the deposited document (what follows it is left to a PDF validator).
Exit status: 0 everything proven (or nothing false), 1 a check failed, 2 unreadable input,
3 proven except the certain date (timestamp pending).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

try:
    from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder, Store, VerificationError
except ImportError:  # pragma: no cover (the platform pins a recent cryptography)
    raise ImportError("verifier_accuse.py a besoin de cryptography 45 ou plus récent : pip install -U cryptography") from None

FORMAT_ACCUSE = "justexpert-accuse/1"
FORMAT_ANCRES = "justexpert-ancres/1"
TAILLE_HASH = 32


class PreuveInvalide(Exception):
    """A proof, signature or token does not verify; the message says why, in French."""


# --- RFC 9162 hashes and proof verification (sections 2.1.1, 2.1.3.2, 2.1.4.2) -------------------


def hash_feuille(donnees: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + donnees).digest()


def hash_noeud(gauche: bytes, droite: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + gauche + droite).digest()


def _verifier_tailles(*valeurs: bytes) -> None:
    for valeur in valeurs:
        if len(valeur) != TAILLE_HASH:
            raise PreuveInvalide("un hash de la preuve ne fait pas 32 octets")


def verifier_inclusion(index: int, taille: int, feuille: bytes, preuve: list[bytes], racine: bytes) -> None:
    """RFC 9162 §2.1.3.2: raise PreuveInvalide unless `feuille` (a leaf hash) is leaf `index` of the
    tree of `taille` leaves whose root is `racine`."""
    _verifier_tailles(feuille, racine, *preuve)
    if index < 0 or index >= taille:
        raise PreuveInvalide("l'index de la feuille est hors de l'arbre")
    fn, sn, r = index, taille - 1, feuille
    for p in preuve:
        if sn == 0:
            raise PreuveInvalide("preuve d'inclusion trop longue")
        if fn & 1 or fn == sn:
            r = hash_noeud(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hash_noeud(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise PreuveInvalide("preuve d'inclusion trop courte")
    if r != racine:
        raise PreuveInvalide("la preuve d'inclusion ne mène pas à la racine annoncée")


def verifier_coherence(taille1: int, taille2: int, racine1: bytes, racine2: bytes, preuve: list[bytes]) -> None:
    """RFC 9162 §2.1.4.2: raise PreuveInvalide unless the tree of `taille2` leaves (root `racine2`)
    extends the tree of `taille1` leaves (root `racine1`). A proof from size 0 is refused."""
    if taille1 <= 0:
        raise PreuveInvalide("une preuve de cohérence part d'un arbre non vide")
    if taille1 > taille2:
        raise PreuveInvalide("la première taille dépasse la seconde")
    if taille1 == taille2:
        if preuve:
            raise PreuveInvalide("tailles égales : la preuve doit être vide")
        if racine1 != racine2:
            raise PreuveInvalide("tailles égales mais racines différentes")
        return  # the vectors' convention: equal sizes are settled before any hash length check
    _verifier_tailles(racine1, racine2, *preuve)
    if not preuve:
        raise PreuveInvalide("preuve de cohérence vide")
    chemin = list(preuve)
    if taille1 & (taille1 - 1) == 0:  # taille1 is a power of two: its root is the first node
        chemin.insert(0, racine1)
    fn, sn = taille1 - 1, taille2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = chemin[0]
    for c in chemin[1:]:
        if sn == 0:
            raise PreuveInvalide("preuve de cohérence trop longue")
        if fn & 1 or fn == sn:
            fr = hash_noeud(c, fr)
            sr = hash_noeud(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = hash_noeud(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise PreuveInvalide("preuve de cohérence trop courte")
    if fr != racine1 or sr != racine2:
        raise PreuveInvalide("la preuve de cohérence ne relie pas les deux racines")


# --- Signed notes (transparency-log checkpoints, golang.org/x/mod/sumdb/note, C2SP signed-note) ----


def id_cle(nom: str, cle_publique: bytes) -> bytes:
    """The 4-byte key hash of an Ed25519 note key: SHA-256(name ‖ "\\n" ‖ 0x01 ‖ key)[:4]."""
    return hashlib.sha256(nom.encode() + b"\n\x01" + cle_publique).digest()[:4]


def cle_verification(nom: str, cle_publique: bytes) -> str:
    """The note verifier key string: name+hash+base64(0x01 ‖ key)."""
    encodee = base64.b64encode(b"\x01" + cle_publique).decode()
    return f"{nom}+{id_cle(nom, cle_publique).hex()}+{encodee}"


def empreinte_cle(cle_publique: bytes) -> str:
    """SHA-256 of the raw public key, hex: what a reader compares with the published one."""
    return hashlib.sha256(cle_publique).hexdigest()


@dataclass(frozen=True)
class PointDeControle:
    origine: str
    taille: int
    racine: bytes
    extensions: tuple[str, ...]
    corps: str


def lire_point_de_controle(note: str) -> PointDeControle:
    """Parse the body of a checkpoint note (origin, size, base64 root, extension lines)."""
    corps, separateur, _ = note.partition("\n\n")
    if not separateur:
        raise PreuveInvalide("note signée sans ligne de signature")
    lignes = corps.split("\n")
    if len(lignes) < 3:
        raise PreuveInvalide("point de contrôle incomplet (origine, taille, racine)")
    origine, taille_txt, racine_txt, *extensions = lignes
    if not taille_txt.isdigit() or (taille_txt != "0" and taille_txt.startswith("0")):
        raise PreuveInvalide("taille du point de contrôle illisible")
    try:
        racine = base64.b64decode(racine_txt, validate=True)
    except binascii.Error:
        raise PreuveInvalide("racine du point de contrôle illisible") from None
    _verifier_tailles(racine)
    return PointDeControle(origine, int(taille_txt), racine, tuple(extensions), corps + "\n")


def verifier_note(note: str, nom: str, cle_publique: bytes) -> PointDeControle:
    """Check the Ed25519 signature of `nom` on the note and return the parsed checkpoint."""
    point = lire_point_de_controle(note)
    signatures = note[len(point.corps) + 1 :]
    attendu = id_cle(nom, cle_publique)
    cle = ed25519.Ed25519PublicKey.from_public_bytes(cle_publique)
    for ligne in signatures.split("\n"):
        if not ligne.startswith("— "):
            continue
        signataire, _, valeur = ligne[2:].rpartition(" ")
        if signataire != nom:
            continue
        try:
            brut = base64.b64decode(valeur, validate=True)
        except binascii.Error:
            continue
        if len(brut) != 68 or brut[:4] != attendu:
            continue
        try:
            cle.verify(brut[4:], point.corps.encode())
        except InvalidSignature:
            raise PreuveInvalide("la signature du point de contrôle est invalide") from None
        return point
    raise PreuveInvalide("aucune signature de la clé du journal sur le point de contrôle")


# --- RFC 3161 timestamp tokens --------------------------------------------------------------------

_HASHES: dict[str, type[hashes.SHA256] | type[hashes.SHA384] | type[hashes.SHA512]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

# Policy OID of Justexpert's built-in development authority (never qualified).
POLITIQUE_INTEGREE = "1.3.6.1.4.1.58279.1.1"
POLITIQUES_CONNUES = {
    POLITIQUE_INTEGREE: "autorité intégrée de développement de Justexpert",
    "0.4.0.2023.1.1": "ETSI EN 319 421, « best practices time-stamp policy »",
}
PROFONDEUR_MAX = 8


@dataclass(frozen=True)
class Horodatage:
    date: dt.datetime
    autorite: str  # the signing certificate's subject (signed material, not a label)
    nonce: int | None
    numero: int
    politique: str = ""  # TSTInfo policy OID
    precision: dt.timedelta | None = None  # TSTInfo accuracy, when given
    chemin: tuple[str, ...] = ()  # subjects of the validated path (leaf to root), when roots were given
    chemin_valide_le: dt.datetime | None = None  # the time the path was validated at


def _charger_certificats(jeton: cms.SignedData, autres: list[bytes]) -> list[x509.Certificate]:
    certificats = [
        x509.load_der_x509_certificate(c.chosen.dump()) for c in (jeton["certificates"] or []) if c.name == "certificate"
    ]
    return certificats + [x509.load_der_x509_certificate(der) for der in autres]


def _precision(tst: tsp.TSTInfo) -> dt.timedelta | None:
    precision = tst["accuracy"].native if tst["accuracy"] else None
    if not precision:
        return None
    return dt.timedelta(
        seconds=precision.get("seconds") or 0,
        milliseconds=precision.get("millis") or 0,
        microseconds=precision.get("micros") or 0,
    )


def verifier_jeton(
    jeton_der: bytes,
    donnees: bytes | None,
    *,
    nonce: int | None = None,
    certificats: list[bytes] | None = None,
    ac: list[bytes] | None = None,
    moment: dt.datetime | None = None,
    empreinte: bytes | None = None,
) -> Horodatage:
    """RFC 3161 §2.4.2 checks of a TimeStampToken over `donnees` (or over the digest `empreinte`):
    message imprint, nonce (when given), CMS signature, signer certificate (extended key usage
    timeStamping only and critical, valid at genTime, matched by the ESS signing-certificate
    attribute) and, when `ac` (DER root certificates) is given, a certification path from the
    signer to one of them validated by cryptography's path validator (x509.verification) at
    `moment` (default: the token's genTime, the only time an offline verifier has)."""
    try:
        info = cms.ContentInfo.load(jeton_der)
        if info["content_type"].native != "signed_data":
            raise PreuveInvalide("le jeton d'horodatage n'est pas une structure signée CMS")
        signe = info["content"]
        contenu = signe["encap_content_info"]
        if contenu["content_type"].native != "tst_info":
            raise PreuveInvalide("le jeton ne contient pas d'information d'horodatage")
        tst_der = contenu["content"].contents
        tst = tsp.TSTInfo.load(tst_der)
        imprint = tst["message_imprint"]
        algo = imprint["hash_algorithm"]["algorithm"].native
        if algo not in _HASHES:
            raise PreuveInvalide(f"algorithme d'empreinte non accepté : {algo}")
        if empreinte is None:
            h = hashes.Hash(_HASHES[algo]())
            h.update(donnees or b"")
            empreinte = h.finalize()
        if imprint["hashed_message"].native != empreinte:
            raise PreuveInvalide("le jeton d'horodatage porte sur d'autres données")
        if nonce is not None and tst["nonce"].native != nonce:
            raise PreuveInvalide("le nonce du jeton ne correspond pas à la demande")
        date = tst["gen_time"].native
        signataires = signe["signer_infos"]
        if len(signataires) != 1:
            raise PreuveInvalide("le jeton doit avoir exactement un signataire")
        signataire = signataires[0]
        certs = _charger_certificats(signe, certificats or [])
        sid = signataire["sid"]
        if sid.name != "issuer_and_serial_number":
            raise PreuveInvalide("identification du signataire non prise en charge")
        serie = sid.chosen["serial_number"].native
        emetteur = sid.chosen["issuer"].dump()
        cert = next(
            (c for c in certs if c.serial_number == serie and c.issuer.public_bytes() == emetteur),
            None,
        )
        if cert is None:
            raise PreuveInvalide("le certificat de l'autorité d'horodatage est absent")
        attributs = {a["type"].native: a["values"][0] for a in signataire["signed_attrs"]}
        if attributs.get("content_type") is None or attributs["content_type"].native != "tst_info":
            raise PreuveInvalide("attribut de type de contenu absent ou faux")
        algo_signature = signataire["digest_algorithm"]["algorithm"].native
        if algo_signature not in _HASHES:
            raise PreuveInvalide(f"algorithme de signature non accepté : {algo_signature}")
        h = hashes.Hash(_HASHES[algo_signature]())
        h.update(tst_der)
        if attributs.get("message_digest") is None or attributs["message_digest"].native != h.finalize():
            raise PreuveInvalide("l'empreinte signée ne correspond pas au contenu du jeton")
        _verifier_certificat_signataire(cert, attributs)
        attrs_der = signataire["signed_attrs"].dump()
        attrs_der = b"\x31" + attrs_der[1:]  # signed over the DER SET OF, not the [0] tag (RFC 5652 §5.4)
        _verifier_signature(cert, signataire["signature"].native, attrs_der, _HASHES[algo_signature]())
        politique = tst["policy"].dotted
        precision = _precision(tst)
    except PreuveInvalide:
        raise
    except Exception as exc:  # any parsing failure of untrusted bytes is a refusal, never a crash
        raise PreuveInvalide(f"jeton d'horodatage illisible ({type(exc).__name__})") from None
    if not cert.not_valid_before_utc <= date <= cert.not_valid_after_utc:
        raise PreuveInvalide("le certificat de l'autorité n'était pas valide à la date du jeton")
    chemin: tuple[str, ...] = ()
    valide_le = None
    if ac is not None:
        valide_le = moment or date
        racines = [x509.load_der_x509_certificate(d) for d in ac]
        chemin = tuple(c.subject.rfc4514_string() for c in valider_chemin_horodatage(cert, certs, racines, valide_le))
    return Horodatage(
        date=date,
        autorite=cert.subject.rfc4514_string(),
        nonce=tst["nonce"].native,
        numero=tst["serial_number"].native,
        politique=politique,
        precision=precision,
        chemin=chemin,
        chemin_valide_le=valide_le,
    )


def _verifier_certificat_signataire(cert: x509.Certificate, attributs: dict) -> None:
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise PreuveInvalide("le certificat n'est pas un certificat d'horodatage") from None
    if not eku.critical or list(eku.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise PreuveInvalide("le certificat doit avoir l'usage horodatage seul, marqué critique (RFC 3161 §2.3)")
    der = cert.public_bytes(encoding=Encoding.DER)
    if "signing_certificate_v2" in attributs:
        ident = attributs["signing_certificate_v2"]["certs"][0]
        algo = ident["hash_algorithm"]["algorithm"].native
        attendu = hashlib.new(algo, der).digest() if algo in _HASHES else None
        if attendu != ident["cert_hash"].native:
            raise PreuveInvalide("l'attribut signing-certificate ne désigne pas ce certificat")
    elif "signing_certificate" in attributs:
        if attributs["signing_certificate"]["certs"][0]["cert_hash"].native != hashlib.sha1(der).digest():  # noqa: S324 (ESS v1 is SHA-1 by definition)
            raise PreuveInvalide("l'attribut signing-certificate ne désigne pas ce certificat")
    else:
        raise PreuveInvalide("attribut signing-certificate absent (RFC 3161 §2.4.2)")


def _verifier_signature(cert: x509.Certificate, signature: bytes, donnees: bytes, algo: hashes.HashAlgorithm) -> None:
    cle = cert.public_key()
    try:
        if isinstance(cle, rsa.RSAPublicKey):
            cle.verify(signature, donnees, padding.PKCS1v15(), algo)
        elif isinstance(cle, ec.EllipticCurvePublicKey):
            cle.verify(signature, donnees, ec.ECDSA(algo))
        else:
            raise PreuveInvalide("type de clé de l'autorité non pris en charge")
    except InvalidSignature:
        raise PreuveInvalide("la signature du jeton d'horodatage est invalide") from None


# Path validation is cryptography's (x509.verification: chain building, signatures, validity of
# every certificate at the given time, cA and path length from basicConstraints, unknown critical
# extensions refused). What is ours is only the policy, RFC 5280 §4.2.1 and RFC 3161 §2.3:
# every issuer asserts cA and keyCertSign; the signer has extendedKeyUsage timeStamping alone,
# marked critical, and is no CA.


def _usage_emetteur(_politique: object, _cert: x509.Certificate, usage: x509.KeyUsage) -> None:
    if not usage.key_cert_sign:
        raise ValueError("un émetteur doit avoir l'usage keyCertSign (RFC 5280 §4.2.1.3)")


def _usage_etendu_emetteur(_politique: object, _cert: x509.Certificate, usage: x509.ExtendedKeyUsage | None) -> None:
    if usage is not None and not {ExtendedKeyUsageOID.TIME_STAMPING, ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE} & set(usage):
        raise ValueError("un émetteur restreint à d'autres usages ne peut pas certifier une autorité d'horodatage")


def _usage_etendu_horodatage(_politique: object, _cert: x509.Certificate, usage: x509.ExtendedKeyUsage) -> None:
    if list(usage) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise ValueError("l'usage étendu doit être timeStamping seul (RFC 3161 §2.3)")


def _contraintes_horodatage(_politique: object, _cert: x509.Certificate, contraintes: x509.BasicConstraints | None) -> None:
    if contraintes is not None and contraintes.ca:
        raise ValueError("le certificat d'une autorité d'horodatage ne peut pas être une AC")


def _usage_horodatage(_politique: object, _cert: x509.Certificate, usage: x509.KeyUsage | None) -> None:
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise ValueError("l'usage de clé doit permettre la signature (digitalSignature ou nonRepudiation)")


def valider_chemin_horodatage(
    cert: x509.Certificate, autres: list[x509.Certificate], racines: list[x509.Certificate], moment: dt.datetime
) -> list[x509.Certificate]:
    """The validated path from the timestamping certificate `cert` to one of `racines`, at `moment`
    (intermediates taken from `autres`), or PreuveInvalide saying why not."""
    if not racines:
        raise PreuveInvalide("aucune autorité de confiance n'est donnée pour l'horodatage")
    critique, indifferent = Criticality.CRITICAL, Criticality.AGNOSTIC
    politique_ac = (
        ExtensionPolicy.permit_all()
        .require_present(x509.BasicConstraints, indifferent, None)
        .require_present(x509.KeyUsage, indifferent, _usage_emetteur)
        .may_be_present(x509.ExtendedKeyUsage, indifferent, _usage_etendu_emetteur)
    )
    politique_horodatage = (
        ExtensionPolicy.permit_all()
        .require_present(x509.ExtendedKeyUsage, critique, _usage_etendu_horodatage)
        .may_be_present(x509.BasicConstraints, indifferent, _contraintes_horodatage)
        .may_be_present(x509.KeyUsage, indifferent, _usage_horodatage)
    )
    verificateur = (
        PolicyBuilder()
        .store(Store(racines))
        .time(moment)
        .max_chain_depth(PROFONDEUR_MAX)
        .extension_policies(ca_policy=politique_ac, ee_policy=politique_horodatage)
        .build_client_verifier()
    )
    try:
        return verificateur.verify(cert, [c for c in autres if c != cert]).chain
    except VerificationError as exc:
        date = moment.astimezone(dt.UTC).strftime("%d/%m/%Y %H:%M:%S UTC")
        raise PreuveInvalide(
            f"le certificat de l'autorité d'horodatage ne remonte pas, par un chemin valide le {date}, "
            f"à l'autorité de confiance donnée ({_raison(exc)})"
        ) from None


def _raison(exc: Exception) -> str:
    """The validator's reason, without the certificate dump it appends."""
    texte = str(exc).split(" (encountered processing", 1)[0]
    for prefixe in ("validation failed: ", "candidates exhausted: ", "Python extension validator failed: ValueError: "):
        texte = texte.removeprefix(prefixe)
    return texte


# --- Receipts ------------------------------------------------------------------------------------

# The subjects of a report: the receipt read, the event it shows, the document, the checkpoint's
# signature, the expected key, the event's place in the log, the certain date, the order of events,
# the trust in the timestamping authority, its qualification, the checkpoint published.
SUJETS = (
    "accuse",
    "evenement",
    "document",
    "point",
    "cle",
    "inclusion",
    "date",
    "chronologie",
    "autorite",
    "qualification",
    "publication",
    "prolongation",  # what follows the deposited bytes in an extended copy of a sealed PDF
)


@dataclass
class Rapport:
    """What is proven (True), not proven (False) and not established (None), in plain French.

    ``sujets`` says the same per subject (``SUJETS``), for a reader that summarises the checks in
    its own words (the platform's verify page); ``faits`` holds what was read from signed material
    (the event's type, time and reference, the token's date and authority).
    """

    lignes: list[tuple[bool | None, str]] = field(default_factory=list)
    sujets: dict[str, bool | None] = field(default_factory=dict)
    faits: dict[str, object] = field(default_factory=dict)

    def ajouter(self, etat: bool | None, texte: str, sujet: str = "autre") -> None:
        self.lignes.append((etat, texte))
        avant = self.sujets.get(sujet, True)
        # A failure outweighs a doubt, which outweighs a proof.
        self.sujets[sujet] = False if False in (avant, etat) else (None if None in (avant, etat) else True)

    @property
    def valide(self) -> bool:
        return all(etat is not False for etat, _ in self.lignes)

    @property
    def complet(self) -> bool:
        return all(etat is True for etat, _ in self.lignes)

    def texte(self) -> str:
        marques = {True: "[prouvé]     ", False: "[NON PROUVÉ] ", None: "[à établir]  "}
        return "\n".join(marques[etat] + texte for etat, texte in self.lignes)


def _b64(valeur: object, nom: str) -> bytes:
    if not isinstance(valeur, str):
        raise PreuveInvalide(f"champ « {nom} » absent ou mal formé")
    try:
        return base64.b64decode(valeur, validate=True)
    except binascii.Error:
        raise PreuveInvalide(f"champ « {nom} » : base64 invalide") from None


def _json_du_pdf(pdf: bytes) -> bytes:
    """The receipt attached to a PDF accusé (its embedded file « accuse.json »), read with the
    well-kept PDF library pypdf, needed for PDF input only (``pip install pypdf``)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        raise PreuveInvalide(
            "lire un accusé PDF demande le module pypdf (pip install pypdf), ou donnez le fichier « accuse.json » qu'il contient"
        ) from None
    try:
        pieces = PdfReader(io.BytesIO(pdf)).attachments
        contenus = pieces.get("accuse.json")
    except Exception:  # untrusted input: any parse error is "unreadable"
        raise PreuveInvalide("ce PDF est illisible") from None
    if not contenus:
        raise PreuveInvalide("ce PDF ne contient pas d'accusé Justexpert (pièce jointe « accuse.json » absente)")
    return contenus[0]


@dataclass(frozen=True)
class Ancres:
    """Trust anchors read from a published document: the log keys (raw 32 bytes → "actuelle" or
    "retiree") and the timestamp roots (DER). ``source`` names the document in sentences."""

    source: str
    cles: dict[bytes, str]
    racines_horodatage: list[bytes]


def lire_ancres(texte: str | bytes, source: str | None = None) -> Ancres:
    """Parse a trust anchors document (justexpert-ancres/1); raise PreuveInvalide in French when
    it is not one. Each certificate's fingerprint is checked against its PEM."""
    try:
        doc = json.loads(texte)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise PreuveInvalide("le fichier d'ancres n'est pas un JSON lisible") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_ANCRES:
        raise PreuveInvalide(f"ce fichier n'est pas un document d'ancres de confiance (format attendu : {FORMAT_ANCRES})")
    try:
        cles = {}
        for cle in doc["journal"]["cles"]:
            brut = _b64(cle.get("cle_publique"), "journal.cles.cle_publique")
            if len(brut) != TAILLE_HASH or empreinte_cle(brut) != cle.get("empreinte"):
                raise PreuveInvalide("une clé du journal ne correspond pas à son empreinte")
            cles[brut] = "actuelle" if cle.get("etat") == "actuelle" else "retiree"
        racines = []
        for racine in doc["horodatage"]["racines"]:
            der = x509.load_pem_x509_certificate(racine["pem"].encode()).public_bytes(Encoding.DER)
            if hashlib.sha256(der).hexdigest() != racine.get("empreinte_sha256"):
                raise PreuveInvalide("un certificat racine d'horodatage ne correspond pas à son empreinte")
            racines.append(der)
    except (KeyError, TypeError, AttributeError, ValueError):
        raise PreuveInvalide("document d'ancres incomplet ou mal formé") from None
    adresse = doc.get("adresse") if isinstance(doc.get("adresse"), str) else None
    return Ancres(source or f"les ancres de confiance « {adresse or 'fournies'} »", cles, racines)


def lire_accuse(texte: str | bytes) -> dict:
    """Parse a receipt, given as its JSON or as the PDF accusé that carries it; raise
    PreuveInvalide with a French message when it is not one."""
    if isinstance(texte, bytes) and texte.lstrip()[:5] == b"%PDF-":
        texte = _json_du_pdf(texte)
    try:
        accuse = json.loads(texte)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: nesting deeper than the interpreter's stack ("[" * 1000), never a receipt.
        raise PreuveInvalide("le fichier n'est pas un JSON lisible") from None
    if not isinstance(accuse, dict) or accuse.get("format") != FORMAT_ACCUSE:
        raise PreuveInvalide(f"ce fichier n'est pas un accusé Justexpert (format attendu : {FORMAT_ACCUSE})")
    return accuse


def verifier_accuse(
    accuse: dict,
    *,
    document_sha256: str | None = None,
    cle_attendue: bytes | None = None,
    ac: list[bytes] | None = None,
    source_cle: str = "la plateforme que vous avez indiquée",
    ancres: Ancres | None = None,
    revisions: Mapping[str, int] | None = None,
) -> Rapport:
    """Check every part of a receipt and say what is proven. Never raises on bad content.
    ``source_cle`` names where ``cle_attendue`` comes from, in the sentences of the report.
    ``ancres`` (a published anchors document) stands for both ``cle_attendue`` (any key it lists)
    and ``ac`` (its timestamp roots). ``revisions`` (``EmpreintesRevisions.revisions`` of the
    document): a document that starts with the deposited one, such as a sealed PDF the platform
    extended with document timestamps, is recognised as containing it."""
    rapport = Rapport()
    if ancres is not None and ac is None:
        ac = ancres.racines_horodatage
    try:
        _verifier_accuse(accuse, rapport, document_sha256, cle_attendue, ac, source_cle, ancres, revisions)
    except PreuveInvalide as exc:
        rapport.ajouter(False, f"Accusé inexploitable : {exc}.", "accuse")
    except Exception as exc:  # untrusted input: a refusal, never a crash
        rapport.ajouter(False, f"Accusé mal formé ({type(exc).__name__}).", "accuse")
    return rapport


def _verifier_accuse(
    accuse: dict,
    rapport: Rapport,
    document_sha256: str | None,
    cle_attendue: bytes | None,
    ac: list[bytes] | None,
    source_cle: str,
    ancres: Ancres | None = None,
    revisions: Mapping[str, int] | None = None,
) -> None:
    feuille = _b64(accuse.get("feuille"), "feuille")
    evenement = json.loads(feuille)
    if evenement != accuse.get("evenement"):
        rapport.ajouter(False, "L'événement affiché ne correspond pas à la feuille enregistrée.", "evenement")
        return
    h = hash_feuille(feuille)
    rapport.faits.update(
        evenement_type=evenement.get("type"), evenement_le=_instant(evenement.get("le")), evenement_id=evenement.get("id")
    )
    rapport.ajouter(
        True,
        f"L'événement « {evenement.get('type')} » du {evenement.get('le')} (référence {evenement.get('id')}) "
        f"a pour empreinte de feuille {h.hex()}.",
        "evenement",
    )
    if document_sha256 is not None:
        attendu = evenement.get("document_sha256")
        if attendu is None:
            rapport.ajouter(
                False, "Cet événement ne porte sur aucun document : le document fourni ne peut pas y être rattaché.", "document"
            )
        elif attendu == document_sha256.lower():
            rapport.ajouter(True, f"Le document fourni est bien celui de l'événement (SHA-256 {attendu}).", "document")
        elif revisions and attendu in revisions:
            rapport.ajouter(
                True,
                f"Les {revisions[attendu]} premiers octets du document fourni sont exactement le document de l'événement "
                f"(SHA-256 {attendu}) : c'est une copie prolongée, complétée après le dépôt.",
                "document",
            )
            rapport.ajouter(
                None,
                "Ce qui suit le document déposé n'est pas vérifié par cet outil : dans une copie prolongée par la "
                "plateforme, ce ne sont que des horodatages de document et leurs données de validation ; un validateur "
                "PDF (pdfsig, pyHanko) le confirme.",
                "prolongation",
            )
        else:
            rapport.ajouter(
                False, "Le document fourni n'est PAS celui de l'événement : son empreinte SHA-256 diffère.", "document"
            )
    elif evenement.get("document_sha256"):
        rapport.ajouter(None, "Aucun document fourni : son identité avec celui de l'événement n'est pas vérifiée.", "document")

    point = accuse.get("point_de_controle")
    if not point:
        rapport.ajouter(
            None, "Pas encore de point de contrôle : l'inscription au journal n'est pas encore prouvable.", "inclusion"
        )
        return
    cle = _b64(point.get("cle_publique"), "point_de_controle.cle_publique")
    nom = point.get("nom_cle")
    if not isinstance(nom, str) or len(cle) != 32:
        raise PreuveInvalide("clé publique du journal mal formée")
    note = point.get("note")
    if not isinstance(note, str):
        raise PreuveInvalide("note signée absente")
    try:
        cp = verifier_note(note, nom, cle)
    except PreuveInvalide as exc:
        rapport.ajouter(False, f"Point de contrôle non authentique : {exc}.", "point")
        return
    rapport.faits.update(taille=cp.taille, nom_cle=nom)
    rapport.ajouter(True, f"Le point de contrôle (taille {cp.taille}) est signé par la clé du journal « {nom} ».", "point")
    if ancres is not None:
        etat = ancres.cles.get(cle)
        if etat is None:
            rapport.ajouter(False, f"Cette clé n'est PAS parmi les clés du journal publiées dans {ancres.source}.", "cle")
        else:
            quelle = (
                "la clé actuelle"
                if etat == "actuelle"
                else "une clé retirée depuis (les points qu'elle a signés restent valables)"
            )
            rapport.ajouter(True, f"Cette clé est {quelle} du journal, publiée dans {ancres.source}.", "cle")
    elif cle_attendue is not None:
        if cle_attendue == cle:
            rapport.ajouter(True, f"Cette clé est bien la clé publiée par {source_cle}.", "cle")
        else:
            rapport.ajouter(False, f"Cette clé n'est PAS la clé publiée par {source_cle}.", "cle")
    else:
        rapport.ajouter(
            None,
            f"Comparez l'empreinte de la clé du journal ({empreinte_cle(cle)}) avec celle publiée par la plateforme.",
            "cle",
        )

    index = accuse.get("index")
    preuve = [_b64(p, "preuve_inclusion") for p in accuse.get("preuve_inclusion") or []]
    if not isinstance(index, int):
        raise PreuveInvalide("index de feuille absent")
    try:
        verifier_inclusion(index, cp.taille, h, preuve, cp.racine)
        rapport.faits["index"] = index
        rapport.ajouter(True, f"L'événement est inscrit au journal (feuille n° {index} sur {cp.taille}).", "inclusion")
    except PreuveInvalide as exc:
        rapport.ajouter(False, f"L'inscription de l'événement au journal n'est pas prouvée : {exc}.", "inclusion")

    horo = accuse.get("horodatage") or {}
    if horo.get("statut") != "fait" or not horo.get("jeton"):
        rapport.ajouter(None, "Horodatage en attente : la date certaine n'est pas encore établie.", "date")
        return
    # Only signed material speaks from here: the token (its time, policy and signer certificate).
    # The receipt's "autorite", "qualifie" and "date" fields are the platform's unsigned labels.
    try:
        resultat = verifier_jeton(
            _b64(horo["jeton"], "horodatage.jeton"),
            note.encode(),
            nonce=horo.get("nonce"),
            certificats=[_b64(c, "horodatage.certificats") for c in horo.get("certificats") or []],
            ac=ac,
        )
    except PreuveInvalide as exc:
        rapport.ajouter(False, f"Date certaine non prouvée : {exc}.", "date")
        return
    date = _date(resultat.date)
    politique = POLITIQUES_CONNUES.get(resultat.politique)
    rapport.faits.update(
        date_certaine=resultat.date, autorite=resultat.autorite, integree=resultat.politique == POLITIQUE_INTEGREE
    )
    rapport.ajouter(
        True,
        f"Le point de contrôle existait le {date} : jeton RFC 3161 valide, signé par « {resultat.autorite} », "
        f"politique {resultat.politique}{f' ({politique})' if politique else ''}. "
        "L'événement est donc antérieur ou égal à cette date.",
        "date",
    )
    _chronologie(rapport, evenement, cp, resultat)
    if resultat.politique == POLITIQUE_INTEGREE:
        rapport.ajouter(
            True, "Autorité intégrée de développement : cet horodatage n'est PAS qualifié (démonstration).", "qualification"
        )
    elif horo.get("qualifie"):
        rapport.ajouter(
            None,
            "L'accusé dit l'autorité qualifiée eIDAS ; le jeton ne le prouve pas (cette mention n'est pas signée) : "
            f"vérifiez « {resultat.autorite} » dans la liste de confiance de l'Union européenne.",
            "qualification",
        )
    if ac is None:
        rapport.ajouter(
            None,
            "La confiance dans l'autorité d'horodatage n'est pas établie : indiquez les ancres de confiance de la "
            "plateforme (--ancres) ou le certificat racine de l'autorité (--ac).",
            "autorite",
        )
    else:
        rapport.ajouter(
            True,
            "Le certificat de l'autorité d'horodatage remonte à l'autorité de confiance indiquée : chemin "
            f"« {' » → « '.join(resultat.chemin)} » validé à la date du jeton ({date}), la seule date dont dispose "
            "un vérificateur hors ligne.",
            "autorite",
        )


def _date(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%d/%m/%Y à %H:%M:%S UTC")


def _instant(texte: object) -> dt.datetime | None:
    if not isinstance(texte, str):
        return None
    try:
        instant = dt.datetime.fromisoformat(texte)
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None


def heure_du_point(point: PointDeControle) -> dt.datetime | None:
    """The server time written in a checkpoint's "horodatage <instant>" line (signed with the note)."""
    for ligne in point.extensions:
        if ligne.startswith("horodatage "):
            return _instant(ligne.removeprefix("horodatage "))
    return None


def ecart_admis(resultat: Horodatage) -> dt.timedelta:
    """How far before the server's time a genuine token may be dated: its stated accuracy, plus one
    second because genTime may be truncated to the second (RFC 3161 §2.4.2)."""
    return (resultat.precision or dt.timedelta(0)) + dt.timedelta(seconds=1)


def _chronologie(rapport: Rapport, evenement: dict, point: PointDeControle, resultat: Horodatage) -> None:
    """The event, then its checkpoint, then the token: a token dated before the checkpoint it is
    over was back-dated, whatever its signature says."""
    le = _instant(evenement.get("le"))
    coupe = heure_du_point(point)
    marge = ecart_admis(resultat)
    if le is not None and coupe is not None and le > coupe + dt.timedelta(seconds=1):
        rapport.ajouter(
            False,
            f"L'événement ({_date(le)}) est daté d'après le point de contrôle qui le contient ({_date(coupe)}) : "
            "horloges du serveur incohérentes.",
            "chronologie",
        )
    elif coupe is not None and resultat.date + marge < coupe:
        rapport.ajouter(
            False,
            f"Le jeton ({_date(resultat.date)}) est daté d'avant le point de contrôle qu'il horodate ({_date(coupe)}) : "
            "jeton antidaté ou horloges incohérentes.",
            "chronologie",
        )
    elif le is not None and resultat.date + marge < le:
        rapport.ajouter(
            False,
            f"Le jeton ({_date(resultat.date)}) est daté d'avant l'événement ({_date(le)}) : jeton antidaté ou horloges incohérentes.",
            "chronologie",
        )
    else:
        rapport.ajouter(
            True,
            "Chronologie cohérente : événement enregistré le "
            f"{_date(le) if le else '?'} (heure du serveur), point de contrôle coupé le {_date(coupe) if coupe else '?'}, "
            f"jeton du {_date(resultat.date)}.",
            "chronologie",
        )


# --- Documents: the whole file and its PDF revisions ------------------------------------------

FIN_REVISION = b"%%EOF"
MAX_REVISIONS = 1000  # a sealed PDF has a handful; a file full of markers costs no more than this


class EmpreintesRevisions:
    """SHA-256 of the whole stream and of each prefix ending at a PDF revision's end: right after
    ``%%EOF``, and after its end of line (CR, LF or CRLF), since writers differ. Streams: holds back
    at most the few bytes that could begin a marker cut by a chunk boundary."""

    RETENUE = len(FIN_REVISION) + 1  # a marker starting before the retained tail has its EOL in view

    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self._attente = b""
        self._lus = 0  # bytes hashed so far
        self.revisions: dict[str, int] = {}  # prefix hash -> prefix length

    def update(self, donnees: bytes) -> None:
        self._traiter(self._attente + donnees if self._attente else bytes(donnees), fin=False)

    def _traiter(self, tampon: bytes, *, fin: bool) -> None:
        limite = len(tampon) if fin else max(0, len(tampon) - self.RETENUE)
        coupes: list[int] = []
        i = tampon.find(FIN_REVISION)
        while 0 <= i < limite and len(self.revisions) + len(coupes) < MAX_REVISIONS:
            p = i + len(FIN_REVISION)
            coupes.append(p)
            if tampon[p : p + 1] in (b"\r", b"\n"):
                coupes.append(p + 1)
            if tampon[p : p + 2] == b"\r\n":
                coupes.append(p + 2)
            i = tampon.find(FIN_REVISION, p)
        vue, pos = memoryview(tampon), 0  # slices of a view: no copy of the chunk
        for coupe in coupes:
            self._h.update(vue[pos:coupe])
            self.revisions.setdefault(self._h.copy().hexdigest(), self._lus + coupe)
            pos = coupe
        fin_lue = max(limite, pos)
        self._h.update(vue[pos:fin_lue])
        self._lus += fin_lue
        self._attente = tampon[fin_lue:]

    def hexdigest(self) -> str:
        """The whole stream's SHA-256 (call once, at the end)."""
        self._traiter(self._attente, fin=True)
        return self._h.hexdigest()


def _sha256_fichier(chemin: str) -> tuple[str, dict[str, int]]:
    """The file's SHA-256 and those of its PDF revisions, read in 1 MiB blocks."""
    h = EmpreintesRevisions()
    with open(chemin, "rb") as fichier:
        while bloc := fichier.read(1 << 20):
            h.update(bloc)
    return h.hexdigest(), h.revisions


def _lire_pem(chemin: str) -> list[bytes]:
    with open(chemin, "rb") as fichier:
        contenu = fichier.read()
    return [c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(contenu)]


TAILLE_MAX_ANCRES = 1 << 20


def charger_ancres(chemin_ou_adresse: str) -> Ancres:
    """The anchors document from a file, or fetched from its address (http or https only)."""
    if chemin_ou_adresse.startswith(("https://", "http://")):
        from urllib.request import Request, urlopen

        requete = Request(chemin_ou_adresse, headers={"Accept": "application/json"})  # noqa: S310 (scheme checked)
        with urlopen(requete, timeout=20) as reponse:  # noqa: S310
            contenu = reponse.read(TAILLE_MAX_ANCRES + 1)
        source = f"les ancres de confiance lues à l'adresse « {chemin_ou_adresse} »"
    else:
        with open(chemin_ou_adresse, "rb") as fichier:
            contenu = fichier.read(TAILLE_MAX_ANCRES + 1)
        source = f"le fichier d'ancres de confiance « {chemin_ou_adresse} »"
    if len(contenu) > TAILLE_MAX_ANCRES:
        raise PreuveInvalide("document d'ancres trop volumineux (1 Mo au plus)")
    return lire_ancres(contenu, source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Vérifie hors ligne un accusé Justexpert (nécessite cryptography ≥ 45 et asn1crypto)."
    )
    parser.add_argument(
        "accuse", help="l'accusé : le PDF remis par la plateforme (il contient le JSON ; module pypdf) ou son JSON"
    )
    parser.add_argument("--document", help="le document concerné, pour vérifier son empreinte")
    parser.add_argument(
        "--ancres",
        help="les ancres de confiance publiées par la plateforme (fichier justexpert-ancres/1 ou son adresse "
        "https://…/preuves/ancres.json) : remplacent --cle et --ac",
    )
    parser.add_argument("--cle", help="clé publique du journal publiée par la plateforme (base64)")
    parser.add_argument(
        "--ac",
        help="certificat(s) racine de l'autorité d'horodatage de confiance (PEM) ; le chemin de certification est "
        "validé à la date du jeton",
    )
    args = parser.parse_args(argv)
    try:
        with open(args.accuse, "rb") as fichier:
            accuse = lire_accuse(fichier.read())
        document, revisions = _sha256_fichier(args.document) if args.document else (None, None)
        cle = base64.b64decode(args.cle, validate=True) if args.cle else None
        ac = _lire_pem(args.ac) if args.ac else None
        ancres = charger_ancres(args.ancres) if args.ancres else None
    except (OSError, ValueError, PreuveInvalide) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    rapport = verifier_accuse(accuse, document_sha256=document, cle_attendue=cle, ac=ac, ancres=ancres, revisions=revisions)
    print(rapport.texte())
    if not rapport.valide:
        print("Résultat : au moins une vérification a échoué.")
        return 1
    if not rapport.complet:
        print("Résultat : rien de faux, mais tout n'est pas prouvé (voir les lignes « à établir »).")
        return 0 if all(etat is not None or "Horodatage en attente" not in t for etat, t in rapport.lignes) else 3
    print("Résultat : tout est prouvé.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
