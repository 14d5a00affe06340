"""Tests: same as development, with fast hashing, immediate tasks and an in-memory outbox."""

import os
import tempfile
from pathlib import Path

from justexpert.lib.env import env_str

from .base import *  # noqa: F403

DEBUG = False
DEMO = True
SECRETS_GENERES = True
SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 20  # noqa: S105 (tests only)
# Each test process gets its own data folder (pytest-xdist runs several).
DATA_DIR = Path(env_str("JUSTEXPERT_DATA_DIR") or tempfile.mkdtemp(prefix="justexpert-test-"))
os.environ.setdefault("JUSTEXPERT_DATA_DIR", str(DATA_DIR))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; prod uses Argon2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MFA_OBLIGATOIRE = False
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "media"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PKI_DIR = DATA_DIR / "pki"
PKI_RACINES_DIR = PKI_DIR / "racines"
PKI_INTERMEDIAIRES_DIR = PKI_DIR / "intermediaires"
PKI_CRL_DIR = PKI_DIR / "crl"
PKI_RECUPERATION = False  # tests never reach the network: CRLs are given as files
