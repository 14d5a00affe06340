"""Background task of passerelles (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def importer(import_uuid: str) -> str:
    """Run a queued import from Démarches Simplifiées; its page shows the progress."""
    from .models import ImportDS
    from .services import executer

    imp = ImportDS.objects.filter(uuid=import_uuid).first()
    if imp is None:
        return "inconnu"
    return str(executer(imp).etat)
