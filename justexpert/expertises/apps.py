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

        from django.db.models.signals import post_save

        from . import activite
        from .models import Depot, Expertise, Historique

        post_save.connect(activite.expertise_enregistree, sender=Expertise, dispatch_uid="expertises_activite_case")
        post_save.connect(activite.historique_cree, sender=Historique, dispatch_uid="expertises_activite_historique")
        post_save.connect(activite.depot_cree, sender=Depot, dispatch_uid="expertises_activite_depot")
