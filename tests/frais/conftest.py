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
