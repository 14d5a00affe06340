"""Fixtures of frais: the actors and cases of expertises' tests, and helpers to walk the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from justexpert.frais import grand_livre
from justexpert.frais import services as frais
from justexpert.frais.services import PartDemandee
from tests.expertises.conftest import *  # noqa: F403 (fixtures: fiche_expert, dossier, …)
from tests.expertises.conftest import aujourd_hui, dans, parties

__all__ = ["D", "aujourd_hui", "dans", "livre", "parties", "repartir_60_40", "verser"]


def D(texte: str) -> Decimal:  # noqa: N802
    return Decimal(texte)


def livre(e):
    e.refresh_from_db()
    return grand_livre.calculer(e)


def repartir_60_40(e, acteur, *, echeances=None):
    """The designation's provision split: party A 60 %, party B 40 %, in two instalments of 50 %."""
    a, b = parties(e)
    provision = e.provisions.get()
    return frais.repartir_provision(
        acteur=acteur,
        provision=provision,
        parts=[PartDemandee(a, pourcentage=D("60")), PartDemandee(b, pourcentage=D("40"))],
        echeances=echeances or [(dans(10), D("50")), (dans(30), D("50"))],
    )


def verser(greffier, e, montant, payeur, pour=None, reference="R-1", jour: dt.date | None = None):
    return frais.enregistrer_versement(
        acteur=greffier,
        expertise=e,
        montant=D(montant),
        verse_le=jour or aujourd_hui(),
        payeur=payeur,
        pour=pour or payeur,
        reference_regie=reference,
    )


def lire(document) -> bytes:
    from justexpert.coffre import services as coffre

    return b"".join(coffre.ouvrir(document))


def valide_pdfsig(pdf: bytes) -> str:
    """The sealed PDF is valid for poppler's pdfsig (trusting the platform seal's root); its text."""
    import subprocess
    import tempfile

    from cryptography.hazmat.primitives import serialization

    from justexpert.preuves import sceau
    from tests.preuves.pdfsig import pdfsig

    racine = sceau.sceau().ancres[0].public_bytes(serialization.Encoding.PEM)
    sortie = pdfsig(pdf, racines=[racine])
    assert "Signature Validation: Signature is Valid." in sortie, sortie
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        texte = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    return " ".join(texte.split())


def en_cours_consigne(e, magistrat, greffier, expert):
    """The designation's 1 500 € split 60/40, paid in full: operations under way."""
    from justexpert.expertises import services as expertises

    a, b = parties(e)
    repartir_60_40(e, magistrat, echeances=[(dans(10), D("100"))])
    e = expertises.notifier(acteur=greffier, expertise=e)
    e = expertises.accepter(acteur=expert, expertise=e)
    e = expertises.inviter_consignation(acteur=greffier, expertise=e)
    verser(greffier, e, "900", a, reference="R-A")
    verser(greffier, e, "600", b, reference="R-B")
    e.refresh_from_db()
    return e
