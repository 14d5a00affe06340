"""The case's last activity (expertises/activite.py): kept by whoever writes history rows, deposits
or the case itself, equal at every step to what its sources give, and repaired by ``recalculer``."""

from __future__ import annotations

import datetime as dt

import pytest

from justexpert.expertises import activite
from justexpert.expertises.models import Depot, Expertise, Historique, TypeDocument
from justexpert.lib.temps import maintenant
from tests.controle.conftest import depot as deposer

pytestmark = pytest.mark.django_db


def _egale_aux_sources(e: Expertise) -> dt.datetime:
    ligne = activite.calculee(Expertise.objects.filter(pk=e.pk)).values_list("derniere_activite", "calculee_le").get()
    assert ligne[0] == ligne[1]
    return ligne[0]


def test_the_last_activity_follows_history_deposits_and_saves(dossier, expert):
    e = dossier
    debut = _egale_aux_sources(e)
    assert debut >= e.cree_le
    plus_tard = maintenant() + dt.timedelta(days=3)
    Historique.objects.create(expertise=e, transition="test", etat_avant=e.etat, etat_apres=e.etat, le=plus_tard)
    assert _egale_aux_sources(e) == plus_tard
    # An older history row does not move it back.
    Historique.objects.create(expertise=e, transition="test", etat_avant=e.etat, etat_apres=e.etat, le=debut)
    assert _egale_aux_sources(e) == plus_tard
    # A full save of an instance read before the activity does not write the old value back.
    e.mission = e.mission + " (précisée)"
    e.save()
    assert _egale_aux_sources(e) == plus_tard
    # A deposit of a document moves it; a bulk update (no signal) is repaired by ``recalculer``.
    encore = plus_tard + dt.timedelta(days=1)
    d = deposer(e, TypeDocument.NOTE, encore, expert)
    assert _egale_aux_sources(e) == encore
    Depot.objects.filter(pk=d.pk).update(depose_le=encore + dt.timedelta(days=1))
    assert Expertise.objects.get(pk=e.pk).derniere_activite == encore
    assert activite.recalculer(Expertise.objects.filter(pk=e.pk)) == 1
    assert _egale_aux_sources(e) == encore + dt.timedelta(days=1)


def test_a_new_case_starts_at_its_creation(dossier):
    e = Expertise.objects.get(pk=dossier.pk)
    assert e.derniere_activite is not None
    assert _egale_aux_sources(e) == max(
        [
            e.cree_le,
            *Historique.objects.filter(expertise=e).values_list("le", flat=True),
            *Depot.objects.filter(expertise=e).values_list("depose_le", flat=True),
        ]
    )
