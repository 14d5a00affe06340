from django.apps import AppConfig


class CoffreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.coffre"
    label = "coffre"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deploy checks)
