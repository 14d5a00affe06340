from django.apps import AppConfig


class FraisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.frais"
    label = "frais"
    verbose_name = "Frais des expertises"

    def ready(self) -> None:
        # What frais adds to a case (tab, « à faire », blocking reasons, ZIP, contradictoire,
        # purge, reactions to the procedure) goes through the registry of expertises.
        from justexpert.expertises.extensions import enregistrer

        from .extension import EXTENSION

        enregistrer(EXTENSION)
