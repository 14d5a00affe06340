from django.apps import AppConfig


class ExpertisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.expertises"
    label = "expertises"
