"""Settings from the environment: clear errors on malformed values; production refuses weak secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from justexpert.lib.env import ConfigurationError, env_bool, env_int, env_list, generated_secret

RACINE = Path(__file__).resolve().parent.parent


def test_env_parsing(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "oui")
    assert env_bool("X_BOOL") is True
    monkeypatch.setenv("X_BOOL", "peut-être")
    with pytest.raises(ConfigurationError, match="X_BOOL"):
        env_bool("X_BOOL")
    monkeypatch.setenv("X_INT", "12_000")
    assert env_int("X_INT", 0) == 12000
    monkeypatch.setenv("X_INT", "douze")
    with pytest.raises(ConfigurationError, match="X_INT"):
        env_int("X_INT", 0)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST") == ["a", "b", "c"]
    secret_file = tmp_path / "s"
    secret_file.write_text("depuis-un-fichier\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    from justexpert.lib.env import env_str

    assert env_str("X_SECRET") == "depuis-un-fichier"


def test_generated_secret_is_stable_and_private(tmp_path):
    chemin = tmp_path / "secrets" / "cle"
    premier = generated_secret(chemin)
    assert generated_secret(chemin) == premier
    assert oct(chemin.stat().st_mode & 0o777) == "0o600"


def _check_production(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JUSTEXPERT_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=justexpert.settings.production"],
        cwd=RACINE,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_strong_secret_key():
    resultat = _check_production({"DATABASE_URL": "postgres://u@127.0.0.1/x"})
    assert resultat.returncode != 0 and "DJANGO_SECRET_KEY must be set" in resultat.stderr
    resultat = _check_production({"DATABASE_URL": "postgres://u@127.0.0.1/x", "DJANGO_SECRET_KEY": "court"})
    assert resultat.returncode != 0 and "at least 50" in resultat.stderr


def test_production_refuses_sqlite_unless_asked():
    resultat = _check_production({"DJANGO_SECRET_KEY": "k" * 30 + "abcdefghijklmnopqrstuvwxyz"})
    assert resultat.returncode != 0 and "PostgreSQL" in resultat.stderr


FORT = {"DATABASE_URL": "postgres://u@127.0.0.1/x", "DJANGO_SECRET_KEY": "k" * 30 + "abcdefghijklmnopqrstuvwxyz"}


def test_production_refuses_to_start_without_its_public_address():
    """Every absolute link (mails sent by the worker included) starts with JUSTEXPERT_SITE_URL: no
    development default in production."""
    resultat = _check_production(FORT)
    assert resultat.returncode != 0 and "ConfigurationError: JUSTEXPERT_SITE_URL must be set" in resultat.stderr
    for mauvaise in ("justexpert.example", "ftp://justexpert.example", "https://justexpert.example/chemin", "https://"):
        resultat = _check_production({**FORT, "JUSTEXPERT_SITE_URL": mauvaise})
        assert resultat.returncode != 0 and "expected the public address" in resultat.stderr, mauvaise
    assert _check_production({**FORT, "JUSTEXPERT_SITE_URL": "https://justexpert.example/"}).returncode == 0


def test_production_settings_pass_check_deploy_without_warning():
    resultat = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=justexpert.settings.production",
        ],
        cwd=RACINE,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JUSTEXPERT_"))},
            "DJANGO_SECRET_KEY": "Zq8" + "x7Kp2mN9vB4cR6tY1uI3oP5aS0dF8gH2jK4lL6zX9cV1bN3mQ" * 2,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/justexpert",
            "DJANGO_ALLOWED_HOSTS": "justexpert.example",
            "JUSTEXPERT_SITE_URL": "https://justexpert.example",
        },
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "WARNINGS" not in resultat.stderr
