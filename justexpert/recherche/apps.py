from django.apps import AppConfig
from django.core import checks


def verifier_thesaurus(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """Start-up warning when the thesaurus names codes or labels the nomenclature does not have
    (issue 21: never a silent miss)."""
    from django.db import DatabaseError

    from .thesaurus import avertissement, information

    try:
        message, info = avertissement(), information()
    except (DatabaseError, RuntimeError):  # tables not migrated yet, or no database access allowed (tests)
        return []
    conseil = "Corrigez data/thesaurus.txt (puis manage.py charger_thesaurus) ou l'entrée dans l'administration."
    resultat: list[checks.CheckMessage] = []
    if message:
        resultat.append(checks.Warning(message, hint=conseil, id="recherche.W021"))
    if info:
        resultat.append(checks.Info(info, hint=conseil, id="recherche.I021"))
    return resultat


class RechercheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.recherche"
    label = "recherche"

    def ready(self) -> None:
        checks.register(verifier_thesaurus)
        from justexpert.annuaire import abonnements

        from . import index

        abonnements.abonner_fiches(index.fiches_modifiees)
        from django.db.models.signals import post_delete, post_save

        from justexpert.annuaire.models import Inscription

        post_save.connect(index.inscription_ecrite, sender=Inscription, dispatch_uid="recherche_lignes_save")
        post_delete.connect(index.inscription_ecrite, sender=Inscription, dispatch_uid="recherche_lignes_delete")
