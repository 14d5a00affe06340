"""The scheduler queues each periodic task once per period, whatever the number of schedulers
(issue 32 item 3): slots of the wall clock taken in the shared database."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from justexpert.portail import creneaux
from justexpert.portail.management.commands.planificateur import planifier, taches
from justexpert.portail.models import Creneau

pytestmark = pytest.mark.django_db


class TacheFactice:
    def __init__(self) -> None:
        self.mises = 0

    def enqueue(self) -> None:
        self.mises += 1


def test_two_schedulers_queue_each_task_once_per_period_whenever_they_started():
    courte, longue = TacheFactice(), TacheFactice()
    liste = [("a.courte", courte, 300.0), ("a.longue", longue, 3600.0)]
    debut = 3600.0 * 1000  # a slot boundary of both periods
    # Scheduler 1 starts at the boundary, scheduler 2 a minute later: same slots.
    assert planifier(liste, debut) == ["a.courte", "a.longue"]
    assert planifier(liste, debut + 60) == []
    assert (courte.mises, longue.mises) == (1, 1)
    # Both wake at the next 5-minute boundary: one of them queues the short task, nobody the long one.
    assert planifier(liste, debut + 300.2) == ["a.courte"]
    assert planifier(liste, debut + 300.4) == []
    assert (courte.mises, longue.mises) == (2, 1)
    # An hour later, both again.
    assert sorted(planifier(liste, debut + 3600.1) + planifier(liste, debut + 3600.3)) == ["a.courte", "a.longue"]
    assert (courte.mises, longue.mises) == (3, 2)


def test_a_failed_enqueue_leaves_the_slot_free():
    class EnPanne:
        def enqueue(self) -> None:
            raise RuntimeError("file indisponible")

    with pytest.raises(RuntimeError):
        planifier([("a.panne", EnPanne(), 60.0)], 6000.0)
    assert not Creneau.objects.exists()
    tache = TacheFactice()
    assert planifier([("a.panne", tache, 60.0)], 6000.5) == ["a.panne"] and tache.mises == 1


def test_the_test_period_setting_replaces_every_period(settings):
    settings.PLANIFICATEUR_PERIODE = 2
    assert {periode for _, _, periode in taches()} == {2}
    settings.PLANIFICATEUR_PERIODE = 0
    assert ("justexpert.recherche.tasks.reindexer", 3600.0) in {(c, p) for c, _, p in taches()}


def test_once_mode_queues_what_is_due_then_stops(settings, capsys):
    settings.TACHES_PERIODIQUES = [("justexpert.comptes.tasks.purger_journal_securite", 3600)]
    call_command("planificateur", "--une-fois")
    call_command("planificateur", "--une-fois")  # a second scheduler in the same hour
    assert capsys.readouterr().out.splitlines() == ["1 tâche(s) mise(s) en file.", "0 tâche(s) mise(s) en file."]


def test_old_slots_are_purged():
    Creneau.objects.create(cle="tache:x", creneau=1)
    Creneau.objects.filter(cle="tache:x").update(pris_le="2020-01-01T00:00Z")
    Creneau.objects.create(cle="tache:x", creneau=2)
    assert creneaux.purger() == 1
    assert list(Creneau.objects.values_list("creneau", flat=True)) == [2]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a database that waits for locks")
@pytest.mark.django_db(transaction=True)
def test_racing_schedulers_take_a_slot_once_on_postgresql():
    """Threads with their own connections (as schedulers on several servers) race for one slot."""
    fils, gagnes, erreurs = 8, [], []
    depart = threading.Barrier(fils)

    def course() -> None:
        try:
            depart.wait()
            gagnes.append(creneaux.prendre("tache:course", 42))
        except BaseException as exc:  # noqa: B036 (reported by the main thread)
            erreurs.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=course) for _ in range(fils)]
    for fil in threads:
        fil.start()
    for fil in threads:
        fil.join()
    assert not erreurs, erreurs
    assert sorted(gagnes) == [False] * (fils - 1) + [True]
    assert Creneau.objects.count() == 1
