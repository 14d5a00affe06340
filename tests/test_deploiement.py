"""The files of deploy/ are what production runs: the systemd units are valid for systemd and
start commands that exist, the gunicorn configuration is the documented server model.
(The real-process tests of that model are in tests/fiabilite/.)"""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
UNITES = sorted((RACINE / "deploy" / "systemd").glob("*.service"))


def test_the_three_services_are_shipped():
    assert [u.name for u in UNITES] == [
        "justexpert-planificateur.service",
        "justexpert-web.service",
        "justexpert-worker.service",
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing (package systemd)")
def test_units_pass_systemd_analyze_verify(tmp_path):
    """Rendered for this checkout (the paths of /srv/justexpert do not exist here), nothing else."""
    (tmp_path / "justexpert.env").write_text("")
    for unite in UNITES:
        texte = (
            unite.read_text()
            .replace("/srv/justexpert/.venv/bin/", f"{Path(sys.executable).parent}/")
            .replace("/srv/justexpert", str(RACINE))
            .replace("/etc/justexpert/justexpert.env", str(tmp_path / "justexpert.env"))
            .replace("User=justexpert", "User=root")
            .replace("Group=justexpert", "Group=root")
        )
        (tmp_path / unite.name).write_text(texte)
    resultat = subprocess.run(
        ["systemd-analyze", "verify", *[str(tmp_path / u.name) for u in UNITES]], capture_output=True, text=True, timeout=60
    )
    assert resultat.returncode == 0 and resultat.stderr.strip() == "", resultat.stderr


@pytest.mark.parametrize("unite", UNITES, ids=lambda u: u.stem)
def test_each_unit_starts_a_command_that_exists(unite):
    service = configparser.ConfigParser(interpolation=None, strict=False)
    service.read_string(unite.read_text())
    commande = shlex.split(service["Service"]["ExecStart"])
    assert commande[0].startswith("/srv/justexpert/.venv/bin/")
    programme = commande[0].rsplit("/", 1)[1]
    env = {"DJANGO_SETTINGS_MODULE": "justexpert.settings.test", "PATH": "/usr/bin:/bin"}
    if programme == "gunicorn":
        assert commande[1:] == ["-c", "deploy/gunicorn.conf.py"]
        verification = [sys.executable, "-m", "gunicorn", *commande[1:], "--check-config"]
    else:
        assert programme == "python" and commande[1] == "manage.py"
        verification = [sys.executable, "manage.py", commande[2], "--help"]
    resultat = subprocess.run(verification, cwd=RACINE, env=env, capture_output=True, text=True, timeout=60)
    assert resultat.returncode == 0, resultat.stderr


def test_gunicorn_configuration_is_the_documented_model():
    espace: dict = {}
    exec(compile((RACINE / "deploy" / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), espace)  # noqa: S102
    assert espace["worker_class"] == "gthread"
    assert (espace["workers"], espace["threads"]) == (2, 32)
    assert espace["worker_connections"] == espace["threads"]
    assert espace["keepalive"] == 0
    assert "%(U)s" in espace["access_log_format"] and "%(r)s" not in espace["access_log_format"]  # no query string
    assert espace["bind"] == "127.0.0.1:8001"
