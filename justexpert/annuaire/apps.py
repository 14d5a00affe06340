from django.apps import AppConfig


class AnnuaireConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.annuaire"
    label = "annuaire"

    def ready(self) -> None:
        from justexpert.comptes.invitations import enregistrer_gestionnaire

        from . import services

        # The link between a fiche and the expert's login is made by invitation only.
        enregistrer_gestionnaire(services.OBJET_INVITATION, services.lier_compte)
