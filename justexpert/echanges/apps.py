from django.apps import AppConfig


class EchangesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.echanges"
    label = "echanges"
    verbose_name = "Échanges sécurisés"

    def ready(self) -> None:
        from justexpert.comptes.invitations import enregistrer_gestionnaire

        from .services import OBJET_INVITATION, accepter_invitation, decrire_invitation

        enregistrer_gestionnaire(OBJET_INVITATION, accepter_invitation, decrire_invitation)

        from justexpert.preuves.accuses import nommer_evenements

        from .recus import EVENEMENTS

        nommer_evenements(EVENEMENTS)
