"""Background tasks of preuves (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def horodater_en_attente() -> int:
    """Retry the timestamps left pending while the authority was unreachable (periodic)."""
    from .services import horodater_en_attente as reprendre

    return reprendre()
