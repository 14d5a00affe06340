"""A demo and test PKI, generated locally: never trusted in production.

Root CA → intermediate CA "cartes d'experts" → experts' certificates (valid, expired, revoked),
with a CRL per CA. Files go under ``dossier`` in the layout the trust settings read:
``racines/``, ``intermediaires/``, ``crl/``, and ``experts/<nom>.{pem,key.pem,p12}``.
Generation is idempotent: existing files are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MOT_DE_PASSE_P12 = b"demo"  # demo files only
CLE = ec.SECP256R1()


@dataclass
class Identite:
    cle: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _nom(cn: str, email: str | None = None) -> x509.Name:
    attributs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Justexpert démonstration"),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ]
    if email:
        attributs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attributs)


def _maintenant() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def creer_ac(cn: str, *, emetteur: Identite | None = None, jours: int = 3650) -> Identite:
    cle = ec.generate_private_key(CLE)
    debut = _maintenant() - dt.timedelta(days=1)
    nom = _nom(cn)
    builder = (
        x509.CertificateBuilder()
        .subject_name(nom)
        .issuer_name(emetteur.cert.subject if emetteur else nom)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(debut)
        .not_valid_after(debut + dt.timedelta(days=jours))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if emetteur is None else 0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle.public_key()), critical=False)
    )
    if emetteur is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(emetteur.cle.public_key()), critical=False
        )
    cert = builder.sign(emetteur.cle if emetteur else cle, hashes.SHA256())
    return Identite(cle, cert)


def creer_certificat(
    ac: Identite,
    cn: str,
    *,
    email: str | None = None,
    debut: dt.datetime | None = None,
    jours: int = 730,
    usages_etendus: list[x509.ObjectIdentifier] | None = None,
    crl_url: str | None = None,
) -> Identite:
    """An end-entity certificate for signing (digitalSignature + nonRepudiation)."""
    cle = ec.generate_private_key(CLE)
    debut = debut or (_maintenant() - dt.timedelta(days=1))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_nom(cn, email))
        .issuer_name(ac.cert.subject)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(debut)
        .not_valid_after(debut + dt.timedelta(days=jours))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ac.cle.public_key()), critical=False)
    )
    if usages_etendus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages_etendus), critical=True)
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints([x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]),
            critical=False,
        )
    return Identite(cle, builder.sign(ac.cle, hashes.SHA256()))


def creer_crl(ac: Identite, revoques: list[x509.Certificate], *, jours: int = 30) -> x509.CertificateRevocationList:
    maintenant = _maintenant()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ac.cert.subject)
        .last_update(maintenant - dt.timedelta(minutes=5))
        .next_update(maintenant + dt.timedelta(days=jours))
        .add_extension(x509.CRLNumber(int(maintenant.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ac.cle.public_key()), critical=False)
    )
    for cert in revoques:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(maintenant - dt.timedelta(minutes=1))
            .build()
        )
    return builder.sign(ac.cle, hashes.SHA256())


def ecrire_identite(identite: Identite, chemin: Path, *, p12: bool = True) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.with_suffix(".pem").write_bytes(identite.pem)
    cle = identite.cle.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    cle_chemin = chemin.with_suffix(".key.pem")
    cle_chemin.write_bytes(cle)
    cle_chemin.chmod(0o600)
    if p12:
        chemin.with_suffix(".p12").write_bytes(
            pkcs12.serialize_key_and_certificates(
                chemin.stem.encode(),
                identite.cle,
                identite.cert,
                None,
                serialization.BestAvailableEncryption(MOT_DE_PASSE_P12),
            )
        )


def lire_identite(chemin: Path) -> Identite:
    cle = serialization.load_pem_private_key(chemin.with_suffix(".key.pem").read_bytes(), None)
    assert isinstance(cle, ec.EllipticCurvePrivateKey)
    return Identite(cle, x509.load_pem_x509_certificate(chemin.with_suffix(".pem").read_bytes()))


@dataclass
class PkiDemo:
    dossier: Path
    racine: Identite
    intermediaire: Identite
    experts: dict[str, Identite]


EXPERTS = ("valide", "expire", "revoque", "autre")


def generer(dossier: Path) -> PkiDemo:
    """Create (once) the demo PKI under ``dossier``; return its identities."""
    marque = dossier / "intermediaires" / "ac-cartes.pem"
    if marque.exists():
        return PkiDemo(
            dossier,
            lire_identite(dossier / "ac" / "racine"),
            lire_identite(dossier / "ac" / "ac-cartes"),
            {nom: lire_identite(dossier / "experts" / nom) for nom in EXPERTS},
        )
    racine = creer_ac("Racine de démonstration Justexpert")
    inter = creer_ac("AC de démonstration des cartes d'experts", emetteur=racine, jours=3000)
    experts = {
        "valide": creer_certificat(inter, "Alix Durand (démo)", email="expert@demo.justexpert.fr"),
        "expire": creer_certificat(
            inter,
            "Expert expiré (démo)",
            email="expire@demo.justexpert.fr",
            debut=_maintenant() - dt.timedelta(days=800),
            jours=400,
        ),
        "revoque": creer_certificat(inter, "Expert révoqué (démo)", email="revoque@demo.justexpert.fr"),
        "autre": creer_certificat(inter, "Autre expert (démo)", email="autre@demo.justexpert.fr"),
    }
    ecrire_identite(racine, dossier / "ac" / "racine", p12=False)
    ecrire_identite(inter, dossier / "ac" / "ac-cartes", p12=False)
    for nom, identite in experts.items():
        ecrire_identite(identite, dossier / "experts" / nom)
    (dossier / "racines").mkdir(parents=True, exist_ok=True)
    (dossier / "racines" / "racine.pem").write_bytes(racine.pem)
    (dossier / "crl").mkdir(parents=True, exist_ok=True)
    (dossier / "crl" / "racine.crl").write_bytes(creer_crl(racine, []).public_bytes(serialization.Encoding.DER))
    (dossier / "crl" / "ac-cartes.crl").write_bytes(
        creer_crl(inter, [experts["revoque"].cert]).public_bytes(serialization.Encoding.DER)
    )
    marque.parent.mkdir(parents=True, exist_ok=True)
    marque.write_bytes(inter.pem)
    return PkiDemo(dossier, racine, inter, experts)


__all__ = ["ExtendedKeyUsageOID", "PkiDemo", "creer_ac", "creer_certificat", "creer_crl", "generer"]
