"""Periodic jobs of recherche (scheduled by ``manage.py planificateur``, TACHES_PERIODIQUES)."""

from __future__ import annotations

from django_tasks import task


@task()
def expirer_sollicitations() -> int:
    from .services import expirer_sollicitations as expirer

    return expirer()


@task()
def reindexer() -> int:
    """Catch fiche changes written without ``modifie_le`` (bulk updates of the CSV import)."""
    from .index import reindexer as tout

    return tout()
