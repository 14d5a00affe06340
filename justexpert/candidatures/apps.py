from django.apps import AppConfig


class CandidaturesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.candidatures"
    label = "candidatures"
