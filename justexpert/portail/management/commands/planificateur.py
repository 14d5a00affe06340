"""manage.py planificateur: enqueue the periodic tasks of settings.TACHES_PERIODIQUES.

A small loop beside `db_worker` (``make run`` starts both). It only *enqueues*: the worker runs
the tasks. In production, run it as one service, or replace it by cron lines calling
``manage.py planificateur --une-fois`` (see README).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Met en file les tâches périodiques (settings.TACHES_PERIODIQUES)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--une-fois", action="store_true", help="met chaque tâche en file une fois, puis s'arrête")

    def handle(self, *args: object, **options: object) -> None:
        taches = [(import_string(chemin), int(periode)) for chemin, periode in settings.TACHES_PERIODIQUES]
        prochaines = [0.0] * len(taches)
        while True:
            maintenant = time.monotonic()
            for i, (tache, periode) in enumerate(taches):
                if maintenant >= prochaines[i]:
                    tache.enqueue()
                    prochaines[i] = maintenant + periode
            if options["une_fois"]:
                self.stdout.write(f"{len(taches)} tâche(s) mise(s) en file.")
                return
            time.sleep(max(1.0, min(prochaines) - time.monotonic()))
