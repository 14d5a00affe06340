from django.apps import AppConfig


class LimitationConfig(AppConfig):
    name = "justexpert.lib.limitation"
    label = "limitation"
    verbose_name = "Limitation des demandes"
    default_auto_field = "django.db.models.BigAutoField"
