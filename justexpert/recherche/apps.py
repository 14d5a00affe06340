from django.apps import AppConfig


class RechercheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.recherche"
    label = "recherche"
