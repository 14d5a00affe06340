"""Background task of limitation (run by `manage.py db_worker`, scheduled by `planificateur`)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def purger_compteurs() -> int:
    return services.purger()
