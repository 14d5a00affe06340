"""Periodic task of expertises (settings.TACHES_PERIODIQUES, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def traiter_echeances() -> dict[str, int]:
    """Caducité of designations whose consignation deadline passed; warnings before deadlines."""
    from .services import traiter_echeances as traiter

    return traiter()
