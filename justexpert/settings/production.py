"""Production: everything from the environment, HTTPS only, no generated secrets.

A missing or malformed trust setting (log key, timestamp authority and its roots, key-encryption
keys) stops loading here, naming the variable, rather than at first use or never (issue 17 item
3); the apps' deploy checks report the same list under any settings module.
`manage.py check --deploy --settings=justexpert.settings.production` must print no warning
(CI runs it).
"""

from justexpert.coffre.conf import problemes_production as _problemes_coffre
from justexpert.comptes.conf import problemes_production as _problemes_federation
from justexpert.lib.env import ConfigurationError, env_bool, env_int, env_required, site_url
from justexpert.preuves.conf import problemes_production as _problemes_preuves

from .base import *  # noqa: F403
from .base import DATABASES, FOURNISSEURS_OIDC

DEBUG = False
SECRET_KEY = env_required("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ConfigurationError("DJANGO_SECRET_KEY must be at least 50 random characters.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" and not env_bool("JUSTEXPERT_SQLITE_EN_PRODUCTION", False):
    raise ConfigurationError("Production expects DATABASE_URL=postgres://… (PostgreSQL).")
_PROBLEMES = _problemes_preuves() + _problemes_coffre() + _problemes_federation(FOURNISSEURS_OIDC)
if _PROBLEMES:
    raise ConfigurationError("Production settings incomplete:\n- " + "\n- ".join(_PROBLEMES))

# Absolute links in mails (reset, invitations, notifications) come from here only, never from a
# request's Host header.
SITE_URL = site_url("JUSTEXPERT_SITE_URL", env_required("JUSTEXPERT_SITE_URL"))

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# The reverse proxy terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 63072000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
