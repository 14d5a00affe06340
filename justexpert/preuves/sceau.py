"""The platform's seal: PAdES B-LTA signatures on the PDFs the platform generates (lists, receipts,
convocations, traces): the seal, its timestamp, the validation data (certificates and CRLs, in the
document security store) and a document timestamp over all of it, so the seal can still be
validated after its certificates expire; ``prolonger`` adds a new document timestamp before the
last one's certificate expires.

Protects against: a generated PDF altered after it left the platform (any change breaks the seal
in pyHanko, poppler's pdfsig, Adobe…), and a seal without certain date (every seal carries an
RFC 3161 timestamp of the platform's authority, so its time does not depend on the server clock
alone when an external authority is configured). Production reads the seal key and its
certificate chain from files named by the environment (docs/signatures.md); development and demo
generate a seal certificate and its own small CA under DATA_DIR/secrets, outside git.

Does not protect against: someone who can read the seal key on the server, nor a PDF that was
wrong before sealing. The seal says "issued by the platform", not "approved by a person".
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from justexpert.lib.env import ConfigurationError, env_str
from justexpert.lib.fichiers import ecrire_prive, verrou

from . import conf, horodatage

logger = logging.getLogger(__name__)

MOTIF_DEFAUT = "Document émis par la plateforme Justexpert"
CHEMIN_CRL_SCEAU = "/preuves/ancres/sceau-ac.crl"  # fixed forever, like the anchors document
NOM_CHAMP = "SceauJustexpert"


class HorodateurPlateforme(TimeStamper):
    """pyHanko timestamper backed by the platform's authority (preuves.horodatage).

    With settings.TSA_URL: the external authority over HTTP. Without: the built-in authority,
    called in-process (no network round trip; same tokens as its HTTP endpoint). Every token is
    checked as the checkpoints' are (horodatage.controler_reponse: roots, path, clock tolerance).
    """

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        url = conf.tsa_url()
        try:
            if url:
                reponse = await asyncio.to_thread(horodatage._demander, url, req)
                horodatage.controler_reponse(reponse, req)
            else:
                tsa = conf.tsa_integree()
                reponse = horodatage.repondre(req, tsa)
                horodatage.controler_reponse(reponse, req, autres=[tsa.ac.public_bytes(serialization.Encoding.DER)])
        except horodatage.HorodatageIndisponible as exc:
            # A refused token is treated like an unreachable authority: the seal goes without it.
            raise OSError(str(exc)) from exc  # pyHanko's contract: I/O problems raise IOError
        return reponse


def ancres_horodatage() -> list[asn1_x509.Certificate]:
    """Roots trusted for timestamp tokens: JUSTEXPERT_TSA_AC_FILE, or the built-in authority's CA."""
    if conf.tsa_url():
        return [asn1_x509.Certificate.load(der) for der in (conf.tsa_ac() or [])]
    tsa = conf.tsa_integree()
    return [asn1_x509.Certificate.load(tsa.ac.public_bytes(serialization.Encoding.DER))]


def certificats_horodatage() -> list[asn1_x509.Certificate]:
    if conf.tsa_url():
        return []
    tsa = conf.tsa_integree()
    return [asn1_x509.Certificate.load(tsa.certificat.public_bytes(serialization.Encoding.DER))]


def crls_horodatage() -> list[asn1_crl.CertificateList]:
    der = conf.crl_tsa_integree()
    return [asn1_crl.CertificateList.load(der)] if der else []


# --- The seal's key and certificates -----------------------------------------------------------


@dataclass(frozen=True)
class Sceau:
    cle: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificat: x509.Certificate
    chaine: tuple[x509.Certificate, ...]  # intermediates (and root) sent with the signature
    ancres: tuple[x509.Certificate, ...]  # roots trusted for verifying our own seals
    crls: tuple[bytes, ...]  # DER CRLs of the development CA (production: fetched or in PKI_CRL_DIR)

    def der(self) -> bytes:
        return self.certificat.public_bytes(serialization.Encoding.DER)


def _nom(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Justexpert (développement)"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _ecrire(chemin: Path, contenu: bytes) -> None:
    ecrire_prive(chemin, contenu)  # 0600 from creation, atomic replacement


def _generer_sceau(dossier: Path) -> None:
    """Development seal: its own CA (kept, to issue CRLs) and an RSA-3072 seal certificate."""
    maintenant = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cle_ac = ec.generate_private_key(ec.SECP256R1())
    nom_ac = _nom("Justexpert AC du sceau de développement")
    ac = (
        x509.CertificateBuilder()
        .subject_name(nom_ac)
        .issuer_name(nom_ac)
        .public_key(cle_ac.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - dt.timedelta(days=1))
        .not_valid_after(maintenant + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle_ac.public_key()), critical=False)
        .sign(cle_ac, hashes.SHA256())
    )
    pkcs8 = serialization.PrivateFormat.PKCS8
    _ecrire(dossier / "sceau-ac-cle.pem", cle_ac.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.NoEncryption()))
    _ecrire(dossier / "sceau-ac.pem", ac.public_bytes(serialization.Encoding.PEM))
    _emettre_certificat_sceau(dossier, ac, cle_ac)


def _emettre_certificat_sceau(dossier: Path, ac: x509.Certificate, cle_ac: ec.EllipticCurvePrivateKey) -> None:
    """Issue the development seal certificate (RSA-3072) under its CA, with the CRL distribution
    point the platform serves (CHEMIN_CRL_SCEAU)."""
    maintenant = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cle = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_nom("Sceau de la plateforme Justexpert (développement)"))
        .issuer_name(ac.subject)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - dt.timedelta(days=1))
        .not_valid_after(min(maintenant + dt.timedelta(days=1825), ac.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # digitalSignature + nonRepudiation (contentCommitment): what PDF readers expect of a seal.
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(cle_ac.public_key()), critical=False)
        .add_extension(conf.point_de_distribution(CHEMIN_CRL_SCEAU), critical=False)
        .sign(cle_ac, hashes.SHA256())
    )
    pkcs8 = serialization.PrivateFormat.PKCS8
    _ecrire(dossier / "sceau-cle.pem", cle.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.NoEncryption()))
    # Written last: its presence means the set is complete.
    _ecrire(
        dossier / "sceau-certificats.pem",
        cert.public_bytes(serialization.Encoding.PEM) + ac.public_bytes(serialization.Encoding.PEM),
    )


def _cle_ac(dossier: Path) -> ec.EllipticCurvePrivateKey:
    cle_ac = serialization.load_pem_private_key((dossier / "sceau-ac-cle.pem").read_bytes(), password=None)
    assert isinstance(cle_ac, ec.EllipticCurvePrivateKey)
    return cle_ac


def _a_point_de_distribution(cert: x509.Certificate) -> bool:
    try:
        cert.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    except x509.ExtensionNotFound:
        return False
    return True


def _charger_certificats(chemin: str, variable: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(Path(chemin).read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{variable}={chemin!r} cannot be read as PEM certificates: {exc}") from exc


@cache
def _sceau(cle_fichier: str | None, certificats_fichier: str | None, ac_fichier: str | None, dossier: str) -> Sceau:
    if cle_fichier or certificats_fichier:
        if not (cle_fichier and certificats_fichier):
            raise ConfigurationError("JUSTEXPERT_SCEAU_CLE_FILE and JUSTEXPERT_SCEAU_CERTIFICATS_FILE go together.")
        try:
            cle = serialization.load_pem_private_key(Path(cle_fichier).read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigurationError(
                f"JUSTEXPERT_SCEAU_CLE_FILE={cle_fichier!r} is not a readable PEM private key: {exc}"
            ) from None
        if not isinstance(cle, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ConfigurationError("The seal key must be RSA or ECDSA.")
        certs = _charger_certificats(certificats_fichier, "JUSTEXPERT_SCEAU_CERTIFICATS_FILE")
        publique = serialization.PublicFormat.SubjectPublicKeyInfo
        if certs[0].public_key().public_bytes(serialization.Encoding.DER, publique) != cle.public_key().public_bytes(
            serialization.Encoding.DER, publique
        ):
            raise ConfigurationError("JUSTEXPERT_SCEAU_CERTIFICATS_FILE must start with the certificate of the seal key.")
        ancres = _charger_certificats(ac_fichier, "JUSTEXPERT_SCEAU_AC_FILE") if ac_fichier else []
        return Sceau(cle, certs[0], tuple(certs[1:]), tuple(ancres), ())
    if not conf._cles_generees_permises():
        raise ConfigurationError(
            "JUSTEXPERT_SCEAU_CLE_FILE and JUSTEXPERT_SCEAU_CERTIFICATS_FILE must name the seal in production."
        )
    chemin = Path(dossier)
    with verrou(chemin / ".sceau.verrou"):  # one process generates the set, the others read it
        if not (chemin / "sceau-certificats.pem").exists():
            _generer_sceau(chemin)
        cert, ac = x509.load_pem_x509_certificates((chemin / "sceau-certificats.pem").read_bytes())
        if not _a_point_de_distribution(cert):  # a set generated before the CRL was served: same CA, new certificate
            _emettre_certificat_sceau(chemin, ac, _cle_ac(chemin))
            cert, ac = x509.load_pem_x509_certificates((chemin / "sceau-certificats.pem").read_bytes())
    cle = serialization.load_pem_private_key((chemin / "sceau-cle.pem").read_bytes(), password=None)
    assert isinstance(cle, rsa.RSAPrivateKey)
    return Sceau(cle, cert, (ac,), (ac,), (conf.crl_vide(chemin, "sceau-ac.crl", ac, _cle_ac(chemin)),))


def sceau() -> Sceau:
    return _sceau(
        env_str("JUSTEXPERT_SCEAU_CLE_FILE"),
        env_str("JUSTEXPERT_SCEAU_CERTIFICATS_FILE"),
        env_str("JUSTEXPERT_SCEAU_AC_FILE"),
        str(Path(settings.DATA_DIR) / "secrets"),
    )


def ancres_sceau() -> list[asn1_x509.Certificate]:
    """Roots to trust for the platform's own seal (added to the PKI trust list when verifying)."""
    return [_asn1(c) for c in sceau().ancres]


def crls_sceau() -> list[asn1_crl.CertificateList]:
    return [asn1_crl.CertificateList.load(der) for der in sceau().crls]


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signataire(s: Sceau) -> signers.SimpleSigner:
    cle = asn1_keys.PrivateKeyInfo.load(
        s.cle.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return signers.SimpleSigner(
        signing_cert=_asn1(s.certificat),
        signing_key=cle,
        cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in s.chaine]),
    )


def contexte_validation() -> ValidationContext:
    """What the seal embeds as validation data: the seal's and the timestamp authority's chains and
    CRLs. Development material is all local; with a seal or an authority from real CAs, missing
    CRLs or OCSP answers are fetched from the addresses their certificates give."""
    s = sceau()
    reel = bool(conf.tsa_url()) or not s.crls
    return ValidationContext(
        trust_roots=[*ancres_sceau(), *ancres_horodatage()],
        other_certs=[_asn1(c) for c in s.chaine] + certificats_horodatage(),
        crls=crls_sceau() + crls_horodatage(),
        allow_fetching=reel,
        revocation_mode="soft-fail" if reel else "hard-fail",
    )


async def async_sceller_pdf(pdf: bytes, *, motif: str = MOTIF_DEFAUT) -> bytes:
    s = sceau()
    ecrivain = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    nom = NOM_CHAMP
    existants = {nom_champ for nom_champ, _, _ in fields.enumerate_sig_fields(ecrivain)}
    n = 1
    while nom in existants:  # a PDF sealed twice keeps both seals
        n += 1
        nom = f"{NOM_CHAMP}{n}"
    base = signers.PdfSignatureMetadata(
        field_name=nom,
        reason=motif,
        location="Justexpert",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    lta = dataclasses.replace(base, embed_validation_info=True, use_pades_lta=True, validation_context=contexte_validation())
    sortie = io.BytesIO()
    try:
        try:
            signeur = signers.PdfSigner(lta, signer=_signataire(s), timestamper=HorodateurPlateforme())
            await signeur.async_sign_pdf(ecrivain, output=sortie)
        except (PathBuildingError, PathValidationError, SigningError) as exc:
            # Validation data out of reach (a CA's CRL server down, a root not configured): seal
            # B-T now rather than refuse the document; the archival task adds the rest later.
            logger.warning("seal without validation data: %s", exc)
            ecrivain = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            sortie = io.BytesIO()
            signeur = signers.PdfSigner(base, signer=_signataire(s), timestamper=HorodateurPlateforme())
            await signeur.async_sign_pdf(ecrivain, output=sortie)
    except (OSError, TimestampRequestError) as exc:
        # The authority is down: seal anyway (PAdES B-B, time claimed by the server) rather than
        # refuse to issue the document; the seal's time is then shown as "déclarée, non certaine".
        logger.warning("seal without timestamp: authority unavailable (%s)", type(exc).__name__)
        ecrivain = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        sortie = io.BytesIO()
        await signers.PdfSigner(base, signer=_signataire(s)).async_sign_pdf(ecrivain, output=sortie)
    return sortie.getvalue()


def sceller_pdf(pdf: bytes, *, motif: str = MOTIF_DEFAUT) -> bytes:
    """Seal a PDF generated by the platform: PAdES B-LTA (B-T when validation data are out of
    reach, B-B only while the authority is down)."""
    return asyncio.run(async_sceller_pdf(pdf, motif=motif))


def prolonger(pdf: bytes) -> bytes:
    """Extend a sealed PDF's life: the validation data of its last timestamp go into its security
    store, then a new document timestamp covers everything (pyHanko's archival timestamp chain).
    Incremental: the earlier revisions, and so every seal in them, are kept byte for byte."""
    sortie = io.BytesIO()
    # The validation data of the new timestamp (and of the earlier ones: same authorities, their
    # CRLs as of today) go into the security store after it (pyHanko's default for document
    # timestamps); the platform's authority signs SHA-256 imprints only.
    asyncio.run(
        PdfTimeStamper(HorodateurPlateforme()).async_timestamp_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
            md_algorithm="sha256",
            validation_context=contexte_validation(),
            output=sortie,
        )
    )
    return sortie.getvalue()


def fin_du_dernier_horodatage(pdf: bytes) -> dt.datetime | None:
    """When the certificate of the newest document timestamp of a sealed PDF expires; None when it
    has none (a B-T or B-B seal: to be extended at once)."""
    horodatages = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_timestamp_signatures
    return horodatages[-1].signer_cert.not_valid_after if horodatages else None
