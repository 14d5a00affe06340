"""The platform's trust anchors, published: what a verifier needs to trust, in twenty years, a
receipt or a sealed PDF without asking the platform anything else.

One machine-readable document (format ``justexpert-ancres/1``) at a path fixed once and never
changed, ``/preuves/ancres.json``, and the same in words at ``/preuves/ancres/``. The site's host
may change (``changer_origine_journal``); these paths do not. It lists:

- the log's public keys: the current one and every retired one (``JUSTEXPERT_PREUVES_CLES_RETIREES``),
  each with the names (origins) it signed under and from which checkpoint and date;
- the timestamp authorities' roots (the ones every token must chain to) and, for the built-in
  authority, its certificate;
- the seal's certificate, its chain and roots, and where its CRL is served;

each certificate with its SHA-256 fingerprint. Receipts name the anchors they rely on
(``reference()``); ``verificateur.lire_ancres`` reads the document (the verify page and
``tools/verifier_accuse.py --ancres FICHIER|URL``).

What it does not protect against: a platform that publishes false anchors today. Keep a copy of
the document (or its fingerprint) with the receipts you keep, and compare it with a copy held by a
third party (a witness, a court's archive).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.urls import reverse

from . import conf, sceau, services
from .models import CleJournal
from .verificateur import FORMAT_ANCRES, empreinte_cle

CHEMIN_DOCUMENT = "/preuves/ancres.json"  # fixed forever (docs/preuves.md): never rename it
CHEMIN_PAGE = "/preuves/ancres/"


def empreinte(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def nom_court(nom: x509.Name) -> str:
    """The certificate's common name (else its organisation), for people."""
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        valeurs = nom.get_attributes_for_oid(oid)
        if valeurs:
            return str(valeurs[0].value)
    return nom.rfc4514_string()


def _certificat(der: bytes) -> dict:
    c = x509.load_der_x509_certificate(der)
    return {
        "sujet": c.subject.rfc4514_string(),
        "nom": nom_court(c.subject),
        "emetteur": c.issuer.rfc4514_string(),
        "valide_du": _iso(c.not_valid_before_utc),
        "valide_au": _iso(c.not_valid_after_utc),
        "empreinte_sha256": empreinte(der),
        "pem": c.public_bytes(serialization.Encoding.PEM).decode(),
    }


def _der(c: x509.Certificate) -> bytes:
    return c.public_bytes(serialization.Encoding.DER)


def url_absolue(chemin: str) -> str:
    return f"{settings.SITE_URL}{chemin}"


def _cles_journal() -> list[dict]:
    actuelle = conf.cle_publique_journal()
    noms: dict[bytes, list[dict]] = {}
    for ligne in CleJournal.objects.order_by("cree_le", "id"):
        noms.setdefault(bytes(ligne.cle_publique), []).append(
            {"origine": ligne.origine, "depuis_taille": ligne.premiere_taille, "depuis": _iso(ligne.cree_le)}
        )
    cles = []
    for cle in [actuelle, *conf.cles_publiques_retirees()]:
        cles.append(
            {
                "cle_publique": base64.b64encode(cle).decode(),
                "empreinte": empreinte_cle(cle),
                "etat": "actuelle" if cle == actuelle else "retiree",
                "noms": noms.get(cle, []),
            }
        )
    return cles


def _sceau() -> dict:
    s = sceau.sceau()
    crl = url_absolue(reverse("preuves:crl_sceau")) if s.crls else None
    return {
        "certificat": _certificat(s.der()),
        "chaine": [_certificat(_der(c)) for c in s.chaine],
        "racines": [_certificat(_der(c)) for c in s.ancres],
        "crl": crl,
    }


def document() -> dict:
    """The anchors document (``justexpert-ancres/1``), as served at CHEMIN_DOCUMENT."""
    externe = bool(conf.tsa_url())
    certificats_tsa = [] if externe else [_der(conf.tsa_integree().certificat)]
    return {
        "format": FORMAT_ANCRES,
        "adresse": url_absolue(CHEMIN_DOCUMENT),
        "emis_le": _iso(dt.datetime.now(dt.UTC)),
        "journal": {"origine": services.origine_journal(), "cles": _cles_journal()},
        "horodatage": {
            "autorite": conf.tsa_nom(),
            "integree": not externe,
            "racines": [_certificat(der) for der in conf.tsa_racines()],
            "certificats": [_certificat(der) for der in certificats_tsa],
            "crl": None if externe else url_absolue(reverse("preuves:crl_horodatage")),
        },
        "sceau": _sceau(),
    }


def reference() -> dict:
    """What a receipt relies on: where the anchors are published, and the fingerprints of the ones
    it needs (the log key that signs today, the timestamp roots). The seal is not named: a JSON
    receipt is not sealed, and a sealed PDF carries its seal's certificate chain itself."""
    return {
        "adresse": url_absolue(CHEMIN_DOCUMENT),
        "cle_journal": empreinte_cle(conf.cle_publique_journal()),
        "racines_horodatage": [empreinte(der) for der in conf.tsa_racines()],
    }
