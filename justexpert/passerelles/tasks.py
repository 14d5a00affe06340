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
    try:
        return str(executer(imp).etat)
    except BaseException:
        # Never leave a run « en cours » behind an unexpected error: say it stopped, then fail the task.
        ImportDS.objects.filter(pk=imp.pk, etat__in=["en_attente", "en_cours"]).update(
            etat="echec", message="Erreur inattendue : l'import s'est arrêté. Relancez-le : rien ne sera importé deux fois."
        )
        raise
