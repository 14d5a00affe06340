from django.apps import AppConfig


class ControleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.controle"
    verbose_name = "Contrôle des expertises et statistiques"
