from django.apps import AppConfig


class OperationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.operations"
    label = "operations"
    verbose_name = "Opérations d'expertise"

    def ready(self) -> None:
        # What operations adds to a case (tab, « à faire », purge) goes through the registry of
        # expertises, which never imports this module.
        from justexpert.expertises.extensions import enregistrer

        from .extension import EXTENSION

        enregistrer(EXTENSION)
