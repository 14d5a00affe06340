from django.apps import AppConfig


class ExpertisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.expertises"
    label = "expertises"
    verbose_name = "Expertises"

    def ready(self) -> None:
        from justexpert.comptes.invitations import enregistrer_gestionnaire

        from .participants import accepter_invitation, decrire_invitation
        from .services import OBJET_INVITATION

        enregistrer_gestionnaire(OBJET_INVITATION, accepter_invitation, decrire_invitation)

        from justexpert.preuves.accuses import nommer_evenements

        from .recus import EVENEMENTS

        nommer_evenements(EVENEMENTS)
