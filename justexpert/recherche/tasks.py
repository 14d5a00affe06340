"""Periodic jobs of recherche (scheduled by ``manage.py planificateur``, TACHES_PERIODIQUES)."""

from __future__ import annotations

from django_tasks import task


@task()
def expirer_sollicitations() -> int:
    from .services import expirer_sollicitations as expirer

    return expirer()


@task()
def reindexer() -> int:
    """Repair the search documents after writes that bypassed ``modifie_le`` or the availability
    service (a queryset update, the admin)."""
    from .index import reindexer as tout

    return tout()
