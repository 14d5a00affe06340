"""Fixtures of operations: the actors and cases of expertises' tests, a case where the expert
accepted the mission (meetings may be planned), a clock, and the fake LRE provider."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from justexpert.expertises import services as expertises
from justexpert.operations import lre
from tests.expertises.conftest import *  # noqa: F403 (fixtures: fiche_expert, dossier, …)
from tests.expertises.conftest import parties
from tests.preuves.pdfsig import pdfsig

__all__ = ["Horloge", "dans_jours", "parties", "pdfsig"]


class Horloge:
    """Replaces django.utils.timezone.now."""

    def __init__(self, instant: dt.datetime) -> None:
        self.instant = instant

    def __call__(self) -> dt.datetime:
        return self.instant

    def avancer(self, **delta: float) -> None:
        self.instant += dt.timedelta(**delta)


@pytest.fixture
def horloge(monkeypatch) -> Horloge:
    h = Horloge(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", h)
    return h


def dans_jours(jours: int, heure: int = 14) -> dt.datetime:
    """A meeting time ``jours`` days from now, at ``heure`` o'clock in Paris."""
    from zoneinfo import ZoneInfo

    jour = timezone.now().astimezone(ZoneInfo("Europe/Paris")).date() + dt.timedelta(days=jours)
    return dt.datetime.combine(jour, dt.time(heure), tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def acceptee(dossier, greffier, expert):
    e = expertises.notifier(acteur=greffier, expertise=dossier)
    return expertises.accepter(acteur=expert, expertise=e)


@pytest.fixture
def lre_faux(settings):
    settings.OPERATIONS_LRE_FOURNISSEUR = "justexpert.operations.lre.FauxFournisseur"
    lre.FauxFournisseur.disponible = True
    lre.FauxFournisseur.envois = {}
    lre.FauxFournisseur.issues = {}
    yield lre.FauxFournisseur
    lre.FauxFournisseur.disponible = True
