from django.apps import AppConfig


class PortailConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.portail"
    label = "portail"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deploy checks)
