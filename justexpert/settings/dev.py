"""Development: SQLite and local files under var/, demo mode, mails kept in the demo mailbox."""

from justexpert.lib.env import env_bool, env_str, generated_secret

from .base import *  # noqa: F403
from .base import DATA_DIR

# The demonstration shows the platform's own French error pages, as in production (Django's
# technical pages list every URL pattern, in English): set DJANGO_DEBUG=1 to get them.
DEBUG = env_bool("DJANGO_DEBUG", False)
DEMO = env_bool("JUSTEXPERT_DEMO", True)
# Development keys and secrets are generated under var/ on first use (never in production).
SECRETS_GENERES = True
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or generated_secret(DATA_DIR / "secrets" / "django_secret_key")
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND") or "justexpert.comptes.courriel.BoiteDemoBackend"
# Demo accounts have no phone: the second factor is offered, not imposed (see README).
MFA_OBLIGATOIRE = env_bool("JUSTEXPERT_MFA_OBLIGATOIRE", False)
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
