from django.apps import AppConfig


class CoffreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.coffre"
    label = "coffre"
