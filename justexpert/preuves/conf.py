"""Configuration and keys of the evidence log.

Protects against: a log signed by a key that sits in git, or a production instance silently
signing with a generated development key. Production reads the Ed25519 log key from
JUSTEXPERT_PREUVES_CLE (PEM, or JUSTEXPERT_PREUVES_CLE_FILE naming a file) and uses the external
authority of settings.TSA_URL. Development and demo (DEBUG or DEMO) generate their keys on first
use under DATA_DIR/secrets, outside git, mode 0600.

Does not protect against: someone who can read the key file or the environment of the server.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

from justexpert.lib.env import ConfigurationError, env_bool, env_int, env_str, secrets_generes_permis
from justexpert.lib.fichiers import ecrire_prive, verrou

from . import repere

NOM_TSA_INTEGREE = "Autorité d'horodatage intégrée (non qualifiée)"


def problemes_production() -> list[str]:
    """What a production environment lacks or has malformed for preuves, read from the environment
    only (settings/production.py calls this before settings exist; the deploy check calls it too).
    Empty when complete. Each message names the variable."""
    problemes = []
    pem = env_str("JUSTEXPERT_PREUVES_CLE")
    if not pem:
        problemes.append("JUSTEXPERT_PREUVES_CLE (or _FILE) must hold the Ed25519 key that signs the evidence log.")
    else:
        try:
            _charger_cle_journal(pem)
        except ConfigurationError as exc:
            problemes.append(str(exc))
    url = env_str("JUSTEXPERT_TSA_URL")
    if url:
        if not url.startswith(("https://", "http://")):
            problemes.append(f"JUSTEXPERT_TSA_URL={url!r} must be an http(s) address of an RFC 3161 authority.")
        try:
            racines = tsa_ac()
        except ConfigurationError as exc:
            problemes.append(str(exc))
        else:
            if not racines:
                problemes.append(
                    "JUSTEXPERT_TSA_URL is set without trusted roots: JUSTEXPERT_TSA_AC_FILE must name the PEM root "
                    "certificate(s) of the authority (without them, any authority answering that URL would be trusted)."
                )
    elif not env_bool("JUSTEXPERT_TSA_INTEGREE_EN_PRODUCTION", False):
        problemes.append(
            "JUSTEXPERT_TSA_URL must name the RFC 3161 authority (with JUSTEXPERT_TSA_AC_FILE); "
            "JUSTEXPERT_TSA_INTEGREE_EN_PRODUCTION=1 allows the built-in, non-qualified one on a test instance only."
        )
    if probleme := repere.probleme_production():
        problemes.append(probleme)
    for lire in (tsa_tolerance, tsa_delai):
        try:
            lire()
        except ConfigurationError as exc:
            problemes.append(str(exc))
    return problemes


def origine_configuree() -> str | None:
    return env_str("JUSTEXPERT_PREUVES_ORIGINE") or None


def origine() -> str:
    """The name a new log takes when its first checkpoint is cut (signed-note convention: a
    host/path): JUSTEXPERT_PREUVES_ORIGINE, else the host of JUSTEXPERT_SITE_URL + "/preuves". The
    log then keeps the name stored with it (services.origine_journal), whatever these become."""
    return origine_configuree() or f"{urlsplit(settings.SITE_URL).netloc or 'justexpert'}/preuves"


def tsa_url() -> str:
    return getattr(settings, "TSA_URL", "") or ""


def tsa_qualifiee() -> bool:
    """Only an external authority declared qualified (eIDAS) is shown as such."""
    return bool(tsa_url()) and env_bool("JUSTEXPERT_TSA_QUALIFIEE", False)


def tsa_nom() -> str:
    if not tsa_url():
        return NOM_TSA_INTEGREE
    return env_str("JUSTEXPERT_TSA_NOM") or urlsplit(tsa_url()).netloc


def tsa_delai() -> int:
    return env_int("JUSTEXPERT_TSA_DELAI_SECONDES", 10, minimum=1)


def tsa_ac() -> list[bytes] | None:
    """Root certificates trusted for the external authority: JUSTEXPERT_TSA_AC (PEM, one or more
    certificates) or, as for every variable, the file named by JUSTEXPERT_TSA_AC_FILE; or None."""
    pem = env_str("JUSTEXPERT_TSA_AC")
    if not pem:
        return None
    try:
        certs = x509.load_pem_x509_certificates(pem.encode())
    except ValueError as exc:
        raise ConfigurationError(f"JUSTEXPERT_TSA_AC(_FILE) cannot be read as PEM certificates: {exc}") from exc
    return [c.public_bytes(serialization.Encoding.DER) for c in certs]


def tsa_racines() -> list[bytes]:
    """The roots every token must chain to: the external authority's (none configured: none
    trusted, every token is refused), or the built-in authority's own CA."""
    if tsa_url():
        return tsa_ac() or []
    return [tsa_integree().ac.public_bytes(serialization.Encoding.DER)]


def tsa_tolerance() -> dt.timedelta:
    """How far a token's genTime may be from this server's clock when it arrives (either way)."""
    return dt.timedelta(seconds=env_int("JUSTEXPERT_TSA_TOLERANCE_SECONDES", 120, minimum=1))


def _secrets() -> Path:
    return Path(settings.DATA_DIR) / "secrets"


def _cles_generees_permises() -> bool:
    return secrets_generes_permis()


def _ecrire(chemin: Path, contenu: bytes) -> None:
    ecrire_prive(chemin, contenu, exclusif=True)


def _charger_cle_journal(pem: str) -> ed25519.Ed25519PrivateKey:
    try:
        chargee = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"JUSTEXPERT_PREUVES_CLE is not a PEM private key: {exc}") from None
    if not isinstance(chargee, ed25519.Ed25519PrivateKey):
        raise ConfigurationError("JUSTEXPERT_PREUVES_CLE must be an Ed25519 private key.")
    return chargee


@cache
def _cle_journal(pem: str | None, dossier: str) -> ed25519.Ed25519PrivateKey:
    if pem is None:
        chemin = Path(dossier) / "preuves-journal-ed25519.pem"
        if not chemin.exists():
            cle = ed25519.Ed25519PrivateKey.generate()
            try:
                _ecrire(
                    chemin,
                    cle.private_bytes(
                        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                    ),
                )
            except FileExistsError:
                pass  # another process generated it first: read theirs
        pem = chemin.read_text()
    return _charger_cle_journal(pem)


def cle_journal() -> ed25519.Ed25519PrivateKey:
    pem = env_str("JUSTEXPERT_PREUVES_CLE")
    if pem is None and not _cles_generees_permises():
        raise ConfigurationError("JUSTEXPERT_PREUVES_CLE (or _FILE) must hold the Ed25519 log key in production.")
    return _cle_journal(pem, str(_secrets()))


def cle_publique_journal() -> bytes:
    return cle_journal().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def cles_publiques_retirees() -> list[bytes]:
    """Public keys of earlier log keys (rotation): ``JUSTEXPERT_PREUVES_CLES_RETIREES`` holds them,
    comma-separated, as base64 of the 32 raw bytes. Checkpoints they signed stay verifiable."""
    cles = []
    for morceau in (env_str("JUSTEXPERT_PREUVES_CLES_RETIREES") or "").split(","):
        morceau = morceau.strip()
        if not morceau:
            continue
        try:
            brut = base64.b64decode(morceau, validate=True)
        except binascii.Error:
            brut = b""
        if len(brut) != 32:
            raise ConfigurationError("JUSTEXPERT_PREUVES_CLES_RETIREES: each key is base64 of 32 raw Ed25519 bytes.")
        cles.append(brut)
    return cles


def cles_publiques_verification() -> list[bytes]:
    """Every key a checkpoint of this log may be signed with: the current one first."""
    return [cle_publique_journal(), *cles_publiques_retirees()]


@dataclass(frozen=True)
class TsaIntegree:
    cle: ec.EllipticCurvePrivateKey
    certificat: x509.Certificate
    ac: x509.Certificate


def _nom(cn: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Justexpert (développement)"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


CHEMIN_CRL_TSA = "/preuves/ancres/horodatage-ac.crl"  # fixed forever, like the anchors document


def point_de_distribution(chemin: str) -> x509.CRLDistributionPoints:
    """The CRL distribution point of a development certificate: the platform serves the CRL."""
    url = f"{settings.SITE_URL}{chemin}"
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(url)], relative_name=None, reasons=None, crl_issuer=None
            )
        ]
    )


def crl_vide(dossier: Path, nom: str, ac: x509.Certificate, cle_ac: ec.EllipticCurvePrivateKey) -> bytes:
    """A development CA's (empty) CRL, reissued when it is due, so revocation checks succeed."""
    chemin = dossier / nom
    with verrou(dossier / f".{nom}.verrou"):
        return _crl_vide(chemin, ac, cle_ac)


def _crl_vide(chemin: Path, ac: x509.Certificate, cle_ac: ec.EllipticCurvePrivateKey) -> bytes:
    maintenant = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if chemin.exists():
        der = chemin.read_bytes()
        suivante = x509.load_der_x509_crl(der).next_update_utc
        if suivante is not None and suivante > maintenant + dt.timedelta(days=1):
            return der
    liste = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ac.subject)
        .last_update(maintenant - dt.timedelta(minutes=5))
        .next_update(maintenant + dt.timedelta(days=30))
        .add_extension(x509.CRLNumber(int(maintenant.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(cle_ac.public_key()), critical=False)
        .sign(cle_ac, hashes.SHA256())
    )
    der = liste.public_bytes(serialization.Encoding.DER)
    _ecrire(chemin, der)
    return der


def crl_tsa_integree() -> bytes | None:
    """The built-in authority's CA CRL (None when its CA key was not kept: sets generated before
    the CRL existed)."""
    if tsa_url():
        return None
    dossier = _secrets()
    cle_chemin = dossier / "tsa-integree-ac-cle.pem"
    if not cle_chemin.exists():
        return None
    cle_ac = serialization.load_pem_private_key(cle_chemin.read_bytes(), password=None)
    assert isinstance(cle_ac, ec.EllipticCurvePrivateKey)
    return crl_vide(dossier, "tsa-integree-ac.crl", tsa_integree().ac, cle_ac)


def _generer_tsa(dossier: Path) -> None:
    maintenant = dt.datetime.now(dt.UTC)
    cle_ac = ec.generate_private_key(ec.SECP256R1())
    nom_ac = _nom("Justexpert AC de développement (non qualifiée)")
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
    cle = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_nom(NOM_TSA_INTEGREE))
        .issuer_name(nom_ac)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - dt.timedelta(days=1))
        .not_valid_after(maintenant + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        # RFC 3161 §2.3: the TSA certificate has exactly one extended key usage, timeStamping, critical.
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(cle_ac.public_key()), critical=False)
        .add_extension(point_de_distribution(CHEMIN_CRL_TSA), critical=False)
        .sign(cle_ac, hashes.SHA256())
    )
    pkcs8 = serialization.PrivateFormat.PKCS8
    # The CA key is kept (0600, beside the others) to issue the CRL validators ask for.
    _ecrire(
        dossier / "tsa-integree-ac-cle.pem", cle_ac.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.NoEncryption())
    )
    pem = cle.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    certs = cert.public_bytes(serialization.Encoding.PEM) + ac.public_bytes(serialization.Encoding.PEM)
    # The certificate file is written last: its presence means the set is complete.
    _ecrire(dossier / "tsa-integree-cle.pem", pem)
    _ecrire(dossier / "tsa-integree-certificats.pem", certs)


@cache
def _tsa_integree(dossier: str) -> TsaIntegree:
    chemin = Path(dossier)
    if not (chemin / "tsa-integree-certificats.pem").exists():
        with verrou(chemin / ".tsa-integree.verrou"):  # one process generates the set, the others read it
            if not (chemin / "tsa-integree-certificats.pem").exists():
                _generer_tsa(chemin)
    cle = serialization.load_pem_private_key((chemin / "tsa-integree-cle.pem").read_bytes(), password=None)
    cert, ac = x509.load_pem_x509_certificates((chemin / "tsa-integree-certificats.pem").read_bytes())
    assert isinstance(cle, ec.EllipticCurvePrivateKey)
    return TsaIntegree(cle=cle, certificat=cert, ac=ac)


def tsa_integree() -> TsaIntegree:
    """The built-in development authority (never used when TSA_URL is set)."""
    if not _cles_generees_permises() and not env_bool("JUSTEXPERT_TSA_INTEGREE_EN_PRODUCTION", False):
        raise ConfigurationError("JUSTEXPERT_TSA_URL must name an RFC 3161 authority in production.")
    return _tsa_integree(str(_secrets()))
