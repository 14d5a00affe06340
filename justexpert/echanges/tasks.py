"""Periodic tasks of echanges (settings.TACHES_PERIODIQUES, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def expirer_fichiers() -> int:
    """Destroy the content of files whose availability period is over; the trace stays."""
    from .services import expirer_fichiers as expirer

    return expirer()


@task()
def desactiver_invites_inactifs() -> int:
    """Deactivate invite-only accounts that have been in no folder for the set period."""
    from .services import desactiver_invites_inactifs as desactiver

    return desactiver()
