from django.apps import AppConfig


class PasserellesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "justexpert.passerelles"
    verbose_name = "Passerelles (imports depuis d'autres systèmes)"
