from django.apps import AppConfig


class PreuvesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.preuves"
    label = "preuves"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deploy checks)
