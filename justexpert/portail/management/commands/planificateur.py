"""manage.py planificateur: enqueue the periodic tasks of settings.TACHES_PERIODIQUES.

A small loop beside `db_worker` (``make run`` starts both). It only *enqueues*: the worker runs
the tasks. Periods are slots of the wall clock (``portail.creneaux``): a task is queued once per
slot whatever the number of schedulers (one per application server is fine) and whenever they
started. In production, run it as a service, or replace it by cron lines calling
``manage.py planificateur --une-fois`` (see README).

``JUSTEXPERT_PLANIFICATEUR_PERIODE`` (seconds, tests only) replaces every period.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from justexpert.portail import creneaux


def taches() -> list[tuple[str, object, float]]:
    forcee = settings.PLANIFICATEUR_PERIODE
    return [(chemin, import_string(chemin), forcee or float(periode)) for chemin, periode in settings.TACHES_PERIODIQUES]


def planifier(liste: list[tuple[str, object, float]], maintenant: float | None = None) -> list[str]:
    """Queue each task whose current slot nobody took yet; returns the paths queued here."""
    maintenant = time.time() if maintenant is None else maintenant
    mises = []
    for chemin, tache, periode in liste:
        creneau = creneaux.numero(periode, maintenant)
        if creneaux.prendre(f"tache:{chemin}:{periode:g}", creneau, tache.enqueue):  # type: ignore[attr-defined]
            mises.append(chemin)
    return mises


class Command(BaseCommand):
    help = "Met en file les tâches périodiques (settings.TACHES_PERIODIQUES), une fois par période quel que soit le nombre de planificateurs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--une-fois", action="store_true", help="met en file les tâches dont la période est due, puis s'arrête"
        )

    def handle(self, *args: object, **options: object) -> None:
        liste = taches()
        while True:
            mises = planifier(liste)
            if options["une_fois"]:
                self.stdout.write(f"{len(mises)} tâche(s) mise(s) en file.")
                return
            creneaux.purger()
            maintenant = time.time()
            prochaine = min((creneaux.numero(p, maintenant) + 1) * p for _, _, p in liste)
            time.sleep(max(0.05, prochaine - maintenant + 0.01))
