from django.apps import AppConfig


class CandidaturesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.candidatures"
    label = "candidatures"

    def ready(self) -> None:
        from justexpert.preuves.accuses import nommer_evenements

        from .recus import EVENEMENTS

        nommer_evenements(EVENEMENTS)
