"""Background tasks of candidatures (run by `manage.py db_worker`, scheduled by `manage.py planificateur`)."""

from __future__ import annotations

from django_tasks import task


@task()
def detruire_pieces_echues() -> int:
    """Destroy the pieces of files decided more than CANDIDATURES_DELAI_DESTRUCTION_JOURS ago
    (the appeal period); receipts and hashes stay."""
    from .services import detruire_pieces_echues as detruire

    return detruire()
