"""Certificate validation against the platform's trust list (experts' cards, TSA, seals).

Protects against: certificates from an untrusted authority, expired or not-yet-valid ones, revoked
ones (CRL or OCSP, required: when revocation information cannot be obtained the verdict is
"indéterminé", never "valide"), wrong key usage. Does not protect against a compromised trusted
authority, nor decide whether a valid certificate belongs to the right person (the caller compares
it with the certificate registered to the account).

The trust list is a folder of root (and intermediate) certificates; CRLs may be dropped in a
folder (refreshed by cron) and/or fetched online (``PKI_RECUPERATION``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import enum
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)

T = TypeVar("T")


class Statut(enum.StrEnum):
    VALIDE = "valide"
    INVALIDE = "invalide"
    INDETERMINE = "indetermine"


LIBELLES = {Statut.VALIDE: "valide", Statut.INVALIDE: "invalide", Statut.INDETERMINE: "indéterminé"}


@dataclass
class Verdict:
    statut: Statut
    motifs: list[str] = field(default_factory=list)
    sujet: str = ""

    @property
    def libelle(self) -> str:
        return LIBELLES[self.statut]


def lire_certificats(donnees: bytes) -> list[asn1_x509.Certificate]:
    """PEM (one or several) or DER bytes → certificates. Raises ValueError on anything else."""
    try:
        if pem.detect(donnees):
            return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(donnees, multiple=True)]
        cert = asn1_x509.Certificate.load(donnees)
        cert.native  # noqa: B018 (forces a full parse: malformed DER raises here)
        return [cert]
    except Exception as exc:  # asn1crypto raises ValueError/TypeError/OSError on junk
        raise ValueError("Ce fichier n'est pas un certificat X.509 lisible (PEM ou DER).") from exc


def _lire_dossier(dossier: Path | None, suffixes: tuple[str, ...]) -> list[bytes]:
    if dossier is None or not dossier.is_dir():
        return []
    return [p.read_bytes() for p in sorted(dossier.iterdir()) if p.suffix.lower() in suffixes]


def ancres() -> list[asn1_x509.Certificate]:
    certs: list[asn1_x509.Certificate] = []
    for donnees in _lire_dossier(settings.PKI_RACINES_DIR, (".pem", ".crt", ".cer", ".der")):
        certs.extend(lire_certificats(donnees))
    return certs


def intermediaires() -> list[asn1_x509.Certificate]:
    certs: list[asn1_x509.Certificate] = []
    for donnees in _lire_dossier(settings.PKI_INTERMEDIAIRES_DIR, (".pem", ".crt", ".cer", ".der")):
        certs.extend(lire_certificats(donnees))
    return certs


def crls_locales() -> list[asn1_crl.CertificateList]:
    listes: list[asn1_crl.CertificateList] = []
    for donnees in _lire_dossier(settings.PKI_CRL_DIR, (".crl", ".pem", ".der")):
        if pem.detect(donnees):
            listes.extend(asn1_crl.CertificateList.load(der) for _, _, der in pem.unarmor(donnees, multiple=True))
        else:
            listes.append(asn1_crl.CertificateList.load(donnees))
    return listes


def contexte_validation(
    *,
    moment: dt.datetime | None = None,
    racines: Iterable[asn1_x509.Certificate] | None = None,
    autres: Iterable[asn1_x509.Certificate] = (),
    crls: Iterable[asn1_crl.CertificateList] | None = None,
    recuperation: bool | None = None,
    ocsps: Iterable[asn1_ocsp.OCSPResponse] = (),
    retroactif: bool = False,
) -> ValidationContext:
    """The validation context of the platform: our trust list only, revocation hard-fail.

    ``retroactif``: revocation information issued after ``moment`` counts (point-in-time
    validation of a signature at the time of its trusted timestamp).
    """
    return ValidationContext(
        trust_roots=list(racines if racines is not None else ancres()),
        other_certs=[*intermediaires(), *autres],
        crls=list(crls if crls is not None else crls_locales()),
        ocsps=list(ocsps),
        allow_fetching=settings.PKI_RECUPERATION if recuperation is None else recuperation,
        revocation_mode="require",  # no revocation information: indéterminé, never valide
        moment=moment,
        retroactive_revinfo=retroactif,
    )


def _executer(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run pyhanko-certvalidator's coroutine to completion from synchronous code, also when the
    calling thread already runs an event loop (then in a short-lived worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executeur:
        return executeur.submit(asyncio.run, coroutine).result()


# The parts of a certificate's name, in French, in the order people read them.
PARTIES_NOM = (
    ("common_name", "Nom"),
    ("given_name", "Prénom"),
    ("surname", "Nom de famille"),
    ("organization_name", "Organisation"),
    ("organizational_unit_name", "Service"),
    ("organization_identifier", "Identifiant de l'organisation"),
    ("email_address", "Adresse électronique"),
    ("locality_name", "Ville"),
    ("state_or_province_name", "Région"),
    ("country_name", "Pays"),
    ("serial_number", "Numéro"),
)


def nom_lisible(nom: asn1_x509.Name) -> str:
    """A certificate's subject or issuer in French words (« Nom : Alix Durand, Organisation : … »),
    not asn1crypto's English labels; parts not listed above are left out."""
    valeurs = nom.native
    morceaux = []
    for cle, libelle in PARTIES_NOM:
        valeur = valeurs.get(cle)
        if valeur:
            texte = ", ".join(map(str, valeur)) if isinstance(valeur, list) else str(valeur)
            morceaux.append(f"{libelle} : {texte}")
    return " ; ".join(morceaux) or "(nom vide)"


def sujet(cert: asn1_x509.Certificate) -> str:
    return nom_lisible(cert.subject)


def verifier_certificat(
    cert: asn1_x509.Certificate,
    *,
    usages: Iterable[str] = ("digital_signature",),
    contexte: ValidationContext | None = None,
) -> Verdict:
    """Validate ``cert`` now (or at the context's moment) for the given key usages."""
    contexte = contexte or contexte_validation()
    validateur = CertificateValidator(cert, validation_context=contexte)
    nom = sujet(cert)
    try:
        _executer(validateur.async_validate_usage(set(usages)))
    except RevokedError:
        return Verdict(Statut.INVALIDE, ["le certificat est révoqué"], nom)
    except ExpiredError:
        return Verdict(Statut.INVALIDE, ["le certificat (ou un certificat de sa chaîne) a expiré"], nom)
    except NotYetValidError:
        return Verdict(Statut.INVALIDE, ["le certificat n'est pas encore valide"], nom)
    except InsufficientRevinfoError:
        return Verdict(Statut.INDETERMINE, ["l'état de révocation n'a pas pu être vérifié"], nom)
    except PathBuildingError:
        return Verdict(Statut.INVALIDE, ["le certificat n'est pas émis par une autorité de confiance"], nom)
    except InvalidCertificateError as exc:
        return Verdict(Statut.INVALIDE, [f"certificat non conforme à l'usage demandé ({exc})"], nom)
    except (PathValidationError, ValidationError) as exc:
        return Verdict(Statut.INVALIDE, [f"chaîne de certificats non valide ({exc})"], nom)
    return Verdict(Statut.VALIDE, [], nom)
