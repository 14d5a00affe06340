from django.apps import AppConfig
from django.core import checks


def verifier_thesaurus(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """Start-up warning when the thesaurus names codes or labels the nomenclature does not have
    (issue 21: never a silent miss)."""
    from django.db import DatabaseError

    from .thesaurus import avertissement

    try:
        message = avertissement()
    except (DatabaseError, RuntimeError):  # tables not migrated yet, or no database access allowed (tests)
        return []
    if not message:
        return []
    return [checks.Warning(message, hint="Corrigez data/thesaurus.txt ou l'entrée dans l'administration.", id="recherche.W021")]


class RechercheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.recherche"
    label = "recherche"

    def ready(self) -> None:
        checks.register(verifier_thesaurus)
        from justexpert.annuaire import services as annuaire

        from . import index

        annuaire.abonner_fiches(index.fiches_modifiees)
