"""Settings shared by every environment; every deployment-specific value comes from the environment.

See README.md ("Configurer la production") for the list of variables.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import dj_database_url

from justexpert.comptes.conf import fournisseurs_oidc
from justexpert.lib.env import ConfigurationError, env_bool, env_int, env_limite, env_list, env_str, site_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything the platform writes (SQLite file, documents, generated development keys) lives here,
# outside git.
DATA_DIR = Path(env_str("JUSTEXPERT_DATA_DIR") or BASE_DIR / "var").resolve()

DEBUG = False
DEMO = env_bool("JUSTEXPERT_DEMO", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The one source of absolute links (mails are sent by the worker, which has no request). Development
# default: the address of `make run`, which passes its own HOST and PORT; production requires it.
SITE_URL = site_url("JUSTEXPERT_SITE_URL", env_str("JUSTEXPERT_SITE_URL") or "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_tasks",
    "django_tasks_db",
    "widget_tweaks",
    "dsfr",
    "ninja",
    "justexpert.lib.limitation",
    "justexpert.comptes",
    "justexpert.preuves",
    "justexpert.coffre",
    "justexpert.annuaire",
    "justexpert.candidatures",
    "justexpert.passerelles",
    "justexpert.recherche",
    "justexpert.expertises",
    "justexpert.frais",
    "justexpert.operations",
    "justexpert.echanges",
    "justexpert.controle",
    "justexpert.portail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "justexpert.lib.securite_http.EnTetesSecuriteMiddleware",
    "justexpert.lib.securite_http.CaractereNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Default deny: every view needs a logged-in user unless marked @login_not_required
    # (the public list is checked by tests/test_architecture.py).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "justexpert.comptes.middleware.SecondFacteurMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "justexpert.urls"
WSGI_APPLICATION = "justexpert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "justexpert" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "justexpert.navigation.contexte",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'justexpert.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer appends; IMMEDIATE takes the write lock at BEGIN so
    # two appenders queue instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "comptes.Utilisateur"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "portail:tableau_de_bord"
LOGOUT_REDIRECT_URL = "portail:accueil"
# Reset links are single use (Django's token changes with the password) and short-lived.
PASSWORD_RESET_TIMEOUT = env_int("JUSTEXPERT_RESET_SECONDES", 3600, minimum=300)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("JUSTEXPERT_SESSION_SECONDES", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Lockout: after this many failures within the window, the account (or the address) waits.
VERROUILLAGE_ECHECS_COMPTE = env_int("JUSTEXPERT_ECHECS_COMPTE", 5, minimum=1)
VERROUILLAGE_ECHECS_ADRESSE = env_int("JUSTEXPERT_ECHECS_ADRESSE", 20, minimum=1)
VERROUILLAGE_FENETRE_SECONDES = env_int("JUSTEXPERT_VERROUILLAGE_SECONDES", 15 * 60, minimum=60)
# Throttling of public endpoints (justexpert/lib/limitation, docs/limitation.md): rule → scope →
# (requests, seconds), counted in the database, shared by every process and server. "client" is the
# client's address, "cible" the account or invitation aimed at. JUSTEXPERT_LIMITE_<RULE>_<SCOPE>
# overrides one, e.g. JUSTEXPERT_LIMITE_REINITIALISATION_CIBLE=3/3600.
_LIMITES_DEFAUT = {
    "connexion": {"client": "30/300", "cible": "10/900"},
    "inscription": {"client": "10/3600", "cible": "3/3600"},
    "reinitialisation": {"client": "10/3600", "cible": "3/3600"},
    "invitation": {"client": "20/3600", "cible": "10/3600"},
    "verification": {"client": "30/60"},
    "horodatage": {"client": "60/60"},
}
LIMITES = {
    regle: {
        portee: env_limite(f"JUSTEXPERT_LIMITE_{regle.upper()}_{portee.upper()}", defaut) for portee, defaut in portees.items()
    }
    for regle, portees in _LIMITES_DEFAUT.items()
}
# Second factor mandatory for staff roles and experts (certificate login counts as strong).
MFA_OBLIGATOIRE = env_bool("JUSTEXPERT_MFA_OBLIGATOIRE", True)
JOURNAL_SECURITE_JOURS = env_int("JUSTEXPERT_JOURNAL_SECURITE_JOURS", 365, minimum=30)
# Proxy addresses allowed to set the client-IP header (mutual TLS proxy, issue 5 extends it).
PROXIES_DE_CONFIANCE = env_list("JUSTEXPERT_PROXIES_DE_CONFIANCE")
# Federated login (OpenID Connect): ProConnect, FranceConnect (justexpert/comptes/conf.py).
FOURNISSEURS_OIDC = fournisseurs_oidc()
OIDC_DELAI = env_int("JUSTEXPERT_OIDC_DELAI_MS", 3000, minimum=100) / 1000  # provider answer, in seconds

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "justexpert" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail: SMTP relay in production; the demo mailbox (stored, readable in the browser) in development.
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Justexpert <ne-pas-repondre@justexpert.invalid>"

# Background work: django-tasks API, database backend, `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Trust core settings, read by preuves and coffre.
TSA_URL = env_str("JUSTEXPERT_TSA_URL") or ""  # empty: the built-in, non-qualified authority
STOCKAGE_BACKEND = env_str("JUSTEXPERT_STOCKAGE") or "local"  # local | s3
S3_BUCKET = env_str("JUSTEXPERT_S3_BUCKET") or ""
S3_ENDPOINT_URL = env_str("JUSTEXPERT_S3_ENDPOINT_URL") or ""
S3_REGION = env_str("JUSTEXPERT_S3_REGION") or "eu-west-3"
if STOCKAGE_BACKEND not in {"local", "s3"}:
    raise ConfigurationError(f"JUSTEXPERT_STOCKAGE={STOCKAGE_BACKEND!r}: expected 'local' or 's3'.")
if STOCKAGE_BACKEND == "s3" and not S3_BUCKET:
    raise ConfigurationError("JUSTEXPERT_STOCKAGE=s3 needs JUSTEXPERT_S3_BUCKET.")

SITE_NOM = "Justexpert"
SITE_DESCRIPTION = "La plateforme des experts de justice"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": env_str("JUSTEXPERT_LOG_LEVEL") or "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Periodic tasks enqueued by `manage.py planificateur`: (dotted path, period in seconds).
TACHES_PERIODIQUES = [
    ("justexpert.comptes.tasks.purger_journal_securite", 24 * 3600),
    ("justexpert.lib.limitation.tasks.purger_compteurs", 3600),
    ("justexpert.portail.tasks.surveiller", 5 * 60),
    ("justexpert.coffre.tasks.nettoyer_orphelins", 3600),
]
# Tests only: every period replaced by this many seconds (0: the periods above).
PLANIFICATEUR_PERIODE = env_int("JUSTEXPERT_PLANIFICATEUR_PERIODE", 0, minimum=0)

# --- preuves ---
# Retry the RFC 3161 timestamps left "en attente" while the authority was unreachable.
TACHES_PERIODIQUES += [("justexpert.preuves.tasks.horodater_en_attente", 5 * 60)]

# --- recherche ---
# Unanswered solicitations expire; the search index catches fiche changes made by bulk imports.
TACHES_PERIODIQUES += [
    ("justexpert.recherche.tasks.expirer_sollicitations", 5 * 60),
    ("justexpert.recherche.tasks.reindexer", 3600),
]
# A fiche change is searchable at most this many seconds later (lazy index refresh, per process).
RECHERCHE_FRAICHEUR_S = 2.0
# --- echanges ---
# Destroy the content of files past their availability period (the trace stays); deactivate
# invite-only accounts left without any folder (ECHANGES_DELAI_DESACTIVATION_JOURS, default 90).
TACHES_PERIODIQUES += [
    ("justexpert.echanges.tasks.expirer_fichiers", 15 * 60),
    ("justexpert.echanges.tasks.desactiver_invites_inactifs", 24 * 3600),
]
# --- candidatures ---
# Campaign deadline: files for the list of year N are deposited before this day (MM-DD) of year
# N-1 (1 March, D2004 art. 6 and the courts' calendars); later files are flagged to the instructor.
CANDIDATURES_DATE_LIMITE = env_str("JUSTEXPERT_CANDIDATURES_DATE_LIMITE") or "03-01"
if not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", CANDIDATURES_DATE_LIMITE):
    raise ConfigurationError(f"JUSTEXPERT_CANDIDATURES_DATE_LIMITE={CANDIDATURES_DATE_LIMITE!r}: expected MM-DD, e.g. 03-01.")
# Pieces of a decided file are destroyed this many days after the notification: the one-month
# appeal period (D2004 art. 20) plus the time for an appeal to reach the court. Receipts stay.
CANDIDATURES_DELAI_DESTRUCTION_JOURS = env_int("JUSTEXPERT_CANDIDATURES_DELAI_DESTRUCTION_JOURS", 60, minimum=31)
TACHES_PERIODIQUES += [("justexpert.candidatures.tasks.detruire_pieces_echues", 24 * 3600)]


def _demarches_ds(valeur: str) -> dict[str, dict[str, object]]:
    try:
        d = json.loads(valeur)
    except ValueError:
        raise ConfigurationError("JUSTEXPERT_DS_DEMARCHES is not valid JSON.") from None
    if not isinstance(d, dict):
        raise ConfigurationError('JUSTEXPERT_DS_DEMARCHES: expected an object {"PARIS": {"initiale": 123, ...}}.')
    for cour, conf in d.items():
        if not isinstance(conf, dict):
            raise ConfigurationError(f"JUSTEXPERT_DS_DEMARCHES[{cour!r}]: expected an object.")
        for cle, v in conf.items():
            if cle == "correspondance":
                if not isinstance(v, str) or not v:
                    raise ConfigurationError(f"JUSTEXPERT_DS_DEMARCHES[{cour!r}].correspondance: expected a file path.")
            elif cle in {"initiale", "reinscription", "extension"}:
                if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                    raise ConfigurationError(f"JUSTEXPERT_DS_DEMARCHES[{cour!r}].{cle}: expected a procedure number.")
            else:
                raise ConfigurationError(
                    f"JUSTEXPERT_DS_DEMARCHES[{cour!r}]: unknown key {cle!r} (initiale, reinscription, extension, correspondance)."
                )
    return d


# --- passerelles: import of candidatures from Démarches Simplifiées (README « Importer depuis
# Démarches Simplifiées ») ---
DS_API_URL = env_str("JUSTEXPERT_DS_API_URL") or "https://www.demarches-simplifiees.fr/api/v2/graphql"
# The API token lives in a file readable by the platform only (never in the environment or git).
DS_JETON_FICHIER = env_str("JUSTEXPERT_DS_JETON_FICHIER") or str(DATA_DIR / "secrets" / "ds-jeton")
# Procedure numbers per cour d'appel (code of the organisation), one per kind of candidature, and
# optionally the court's own mapping file, as JSON, e.g.
# {"PARIS": {"initiale": 101, "reinscription": 102, "extension": 103, "correspondance": "/etc/justexpert/ds-paris.toml"}}
DS_DEMARCHES = _demarches_ds(env_str("JUSTEXPERT_DS_DEMARCHES") or "{}")
DS_TAILLE_PAGE = env_int("JUSTEXPERT_DS_TAILLE_PAGE", 50, minimum=1)
DS_DELAI_SECONDES = env_int("JUSTEXPERT_DS_DELAI_SECONDES", 60, minimum=1)
# --- expertises ---
# Caducité of designations whose consignation deadline passed (CPC 271); warnings 7 days and 1 day
# before each deadline of a case.
TACHES_PERIODIQUES += [("justexpert.expertises.tasks.traiter_echeances", 3600)]
# Documents of a closed case are destroyed this many days after closure (OPALEXE keeps no archive:
# the court's file holds the report; the delay covers the appeal against the ordonnance de taxe,
# CPC 714, and its hearing). Metadata, hashes and receipts stay. Daily digest of new documents.
EXPERTISES_DELAI_CONSERVATION_JOURS = env_int("JUSTEXPERT_EXPERTISES_DELAI_CONSERVATION_JOURS", 180, minimum=31)
TACHES_PERIODIQUES += [
    ("justexpert.expertises.tasks.purger_documents", 24 * 3600),
    ("justexpert.expertises.tasks.envoyer_recapitulatifs", 24 * 3600),
]
# Sealed PDFs kept in a case (convocations) get a new document timestamp when the certificate of
# their last one expires within this many days (docs/preuves.md, « Sceaux durables »): two years
# leave time to notice a task that stopped, a renewal of the authority's certificate that is late,
# or a hash or key size to replace, while the authority's certificate and CRL are still valid.
PREUVES_MARGE_PROLONGATION_JOURS = env_int("JUSTEXPERT_PREUVES_MARGE_PROLONGATION_JOURS", 730, minimum=30)
TACHES_PERIODIQUES += [("justexpert.expertises.tasks.prolonger_sceaux", 24 * 3600)]
# --- operations ---
# Minimum notice of a meeting (days) proposed to the expert; warning below it. Electronic
# registered mail (LRE): dotted path of a provider adapter (operations/lre.py), empty = off.
OPERATIONS_PREAVIS_JOURS = env_int("JUSTEXPERT_OPERATIONS_PREAVIS_JOURS", 8, minimum=0)
OPERATIONS_LRE_FOURNISSEUR = env_str("JUSTEXPERT_OPERATIONS_LRE_FOURNISSEUR") or ""
TACHES_PERIODIQUES += [("justexpert.operations.tasks.relancer_lre", 15 * 60)]
# --- controle ---
# The statistics are precomputed (controle.faits) every hour; each page says « chiffres arrêtés
# au … ». Open data: counts from 1 to CONTROLE_SEUIL_SECRET - 1 are secret (with secondary
# suppression). An export (or page) of the statistics covers at most CONTROLE_EXPORT_JOURS_MAX days.
TACHES_PERIODIQUES += [("justexpert.controle.tasks.arreter_statistiques", 3600)]
CONTROLE_SEUIL_SECRET = env_int("JUSTEXPERT_CONTROLE_SEUIL_SECRET", 11, minimum=2)
CONTROLE_EXPORT_JOURS_MAX = env_int("JUSTEXPERT_CONTROLE_EXPORT_JOURS_MAX", 731, minimum=31)

# Trust list (experts' cards, timestamps, seals): folders of certificates and CRLs. In development
# and tests a demo PKI is generated under DATA_DIR/pki (see justexpert/lib/pki_demo.py).
PKI_DIR = Path(env_str("JUSTEXPERT_PKI_DIR") or DATA_DIR / "pki")
PKI_RACINES_DIR = Path(env_str("JUSTEXPERT_PKI_RACINES") or PKI_DIR / "racines")
PKI_INTERMEDIAIRES_DIR = Path(env_str("JUSTEXPERT_PKI_INTERMEDIAIRES") or PKI_DIR / "intermediaires")
PKI_CRL_DIR = Path(env_str("JUSTEXPERT_PKI_CRL") or PKI_DIR / "crl")
# Fetch CRLs and OCSP answers named in certificates (production); off: only the CRL folder.
PKI_RECUPERATION = env_bool("JUSTEXPERT_PKI_RECUPERATION", True)

# Outside document endpoints (which install coffre's streaming, encrypting handler), uploads stay
# in memory and are capped: no plaintext upload is ever spooled to /tmp.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# PLEX: invite-only accounts in no folder for this many days are deactivated.
ECHANGES_DELAI_DESACTIVATION_JOURS = env_int("JUSTEXPERT_ECHANGES_DELAI_DESACTIVATION_JOURS", 90, minimum=1)
