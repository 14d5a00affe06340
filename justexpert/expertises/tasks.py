"""Periodic tasks of expertises (settings.TACHES_PERIODIQUES, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def traiter_echeances() -> dict[str, int]:
    """Caducité of designations whose consignation deadline passed; warnings before deadlines."""
    from .services import traiter_echeances as traiter

    return traiter()


@task()
def envoyer_recapitulatifs() -> int:
    """Daily digest of new documents for those who chose it."""
    from .depots import envoyer_recapitulatifs as envoyer

    return envoyer()


@task()
def purger_documents() -> int:
    """Destroy the document contents of cases closed for longer than the retention delay."""
    from .depots import purger_echues

    return purger_echues()


@task()
def prolonger_sceaux() -> dict[str, int]:
    """A new document timestamp on the sealed PDFs kept in cases before their last one expires."""
    from .prolongation import prolonger_sceaux as prolonger

    return prolonger()
