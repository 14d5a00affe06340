from django.apps import AppConfig


class PreuvesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.preuves"
    label = "preuves"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deploy checks)
        from .accuses import nommer_evenements
        from .services import TYPE_PROLONGATION

        nommer_evenements({TYPE_PROLONGATION: "copie prolongée d'un document scellé (horodatage de document ajouté)"})
