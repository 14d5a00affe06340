"""Periodic task of controle (settings.TACHES_PERIODIQUES, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def arreter_statistiques() -> int:
    """Rebuild the read model of the statistics; the pages show « chiffres arrêtés au … »."""
    from .faits import reconstruire

    return reconstruire().expertises
