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


def environnement_complet(dossier: Path) -> dict[str, str]:
    """A complete production environment (README's table), secrets in files (the _FILE variants)."""
    import base64
    import datetime as dt
    import secrets

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.x509.oid import NameOID

    dossier.mkdir(parents=True, exist_ok=True)
    pem = serialization.Encoding.PEM
    (dossier / "journal.pem").write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (dossier / "coffre.cles").write_text("k1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    cle = ec.generate_private_key(ec.SECP256R1())
    nom = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Racine de l'autorité d'horodatage")])
    maintenant = dt.datetime.now(dt.UTC)
    racine = (
        x509.CertificateBuilder()
        .subject_name(nom)
        .issuer_name(nom)
        .public_key(cle.public_key())
        .serial_number(1)
        .not_valid_before(maintenant)
        .not_valid_after(maintenant + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(cle, hashes.SHA256())
    )
    (dossier / "tsa-ac.pem").write_bytes(racine.public_bytes(pem))
    return {
        "DJANGO_SECRET_KEY": "Zq8" + "x7Kp2mN9vB4cR6tY1uI3oP5aS0dF8gH2jK4lL6zX9cV1bN3mQ" * 2,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/justexpert",
        "DJANGO_ALLOWED_HOSTS": "justexpert.example",
        "JUSTEXPERT_PREUVES_CLE_FILE": str(dossier / "journal.pem"),
        "JUSTEXPERT_COFFRE_CLES_FILE": str(dossier / "coffre.cles"),
        "JUSTEXPERT_TSA_URL": "http://tsa.example/",  # plain HTTP is usual: the token's chain is what counts
        "JUSTEXPERT_TSA_AC_FILE": str(dossier / "tsa-ac.pem"),
        "JUSTEXPERT_PREUVES_REPERE": str(dossier / "preuves-repere.json"),
        "JUSTEXPERT_SITE_URL": "https://justexpert.example",
    }


def _check_deploy(env: dict[str, str], settings: str = "justexpert.settings.production") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", f"--settings={settings}"],
        cwd=RACINE,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JUSTEXPERT_", "DATABASE_URL"))}, **env},
    )


def test_production_settings_pass_check_deploy_without_warning(tmp_path):
    resultat = _check_deploy(environnement_complet(tmp_path))
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "WARNINGS" not in resultat.stderr


@pytest.mark.parametrize(
    "retirer, attendu",
    [
        ("JUSTEXPERT_PREUVES_CLE_FILE", "JUSTEXPERT_PREUVES_CLE (or _FILE) must hold the Ed25519 key"),
        ("JUSTEXPERT_COFFRE_CLES_FILE", "JUSTEXPERT_COFFRE_CLES (or JUSTEXPERT_COFFRE_CLES_FILE) must hold"),
        ("JUSTEXPERT_TSA_AC_FILE", "JUSTEXPERT_TSA_URL is set without trusted roots"),
        ("JUSTEXPERT_TSA_URL", "JUSTEXPERT_TSA_URL must name the RFC 3161 authority"),
        ("JUSTEXPERT_PREUVES_REPERE", "JUSTEXPERT_PREUVES_REPERE must name the file of the evidence log's high-water mark"),
    ],
)
def test_production_settings_refuse_each_missing_trust_setting(tmp_path, retirer, attendu):
    """Issue 17 item 3: found when the settings load, not at first use (or never)."""
    env = environnement_complet(tmp_path)
    del env[retirer]
    resultat = _check_deploy(env)
    assert resultat.returncode != 0
    assert "ConfigurationError: Production settings incomplete" in resultat.stderr and attendu in resultat.stderr


def test_malformed_trust_settings_are_refused_too(tmp_path):
    env = environnement_complet(tmp_path)
    (tmp_path / "tsa-ac.pem").write_text("pas un certificat")
    env["JUSTEXPERT_COFFRE_CLES"] = "k1:trop-court"
    del env["JUSTEXPERT_COFFRE_CLES_FILE"]
    resultat = _check_deploy(env)
    assert resultat.returncode != 0
    assert "JUSTEXPERT_TSA_AC(_FILE) cannot be read as PEM certificates" in resultat.stderr
    assert "JUSTEXPERT_COFFRE_CLES: key 'k1' is not valid base64" in resultat.stderr


def test_check_deploy_reports_missing_trust_settings_as_errors_under_any_settings(tmp_path):
    resultat = _check_deploy({"JUSTEXPERT_DATA_DIR": str(tmp_path)}, settings="justexpert.settings.dev")
    assert resultat.returncode != 0
    for erreur in (
        "(preuves.E001) JUSTEXPERT_PREUVES_CLE",
        "(preuves.E002) JUSTEXPERT_TSA_URL",
        "(coffre.E001) JUSTEXPERT_COFFRE_CLES",
    ):
        assert erreur in resultat.stderr, resultat.stderr


def test_production_refuses_to_start_without_its_public_address(tmp_path):
    """Every absolute link (mails sent by the worker included) starts with JUSTEXPERT_SITE_URL: no
    development default in production."""
    complet = environnement_complet(tmp_path)
    sans = {k: v for k, v in complet.items() if k != "JUSTEXPERT_SITE_URL"}
    resultat = _check_production(sans)
    assert resultat.returncode != 0 and "ConfigurationError: JUSTEXPERT_SITE_URL must be set" in resultat.stderr
    for mauvaise in ("justexpert.example", "ftp://justexpert.example", "https://justexpert.example/chemin", "https://"):
        resultat = _check_production({**sans, "JUSTEXPERT_SITE_URL": mauvaise})
        assert resultat.returncode != 0 and "expected the public address" in resultat.stderr, mauvaise
    assert _check_production({**sans, "JUSTEXPERT_SITE_URL": "https://justexpert.example/"}).returncode == 0
