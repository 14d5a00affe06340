"""JUSTEXPERT_DS_DEMARCHES: a malformed value stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]


def _check(valeur: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JUSTEXPERT_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=justexpert.settings.test"],
        cwd=RACINE,
        env={**env, "JUSTEXPERT_DS_DEMARCHES": valeur},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("valeur", "message"),
    [
        ("{PARIS: 1}", "JUSTEXPERT_DS_DEMARCHES is not valid JSON"),
        ('{"PARIS": {"initiale": "cent"}}', "JUSTEXPERT_DS_DEMARCHES['PARIS'].initiale: expected a procedure number"),
        ('{"PARIS": {"nationale": 12}}', "unknown key 'nationale'"),
    ],
)
def test_malformed_procedures_stop_start_up(valeur, message):
    resultat = _check(valeur)
    assert resultat.returncode != 0 and message in resultat.stderr


def test_well_formed_procedures_load():
    resultat = _check('{"PARIS": {"initiale": 101, "reinscription": 102, "correspondance": "/etc/justexpert/ds-paris.toml"}}')
    assert resultat.returncode == 0, resultat.stderr
