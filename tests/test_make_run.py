"""`make run` (issue 18, item 6): the address it serves (HOST, PORT) reaches the web server and the
worker as JUSTEXPERT_SITE_URL, so the links of demo mails follow the port. The commands run against
a stand-in virtualenv whose python only writes down what it was given (nothing is installed or served)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture
def faux_venv(tmp_path) -> tuple[Path, Path]:
    if shutil.which("make") is None:
        pytest.skip("make absent")
    journal = tmp_path / "appels.txt"
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    # The web server's stand-in returns once the worker's has written (or after 10 s): when it
    # returns, the recipe's trap ends the background processes.
    python.write_text(
        "#!/bin/sh\n"
        f'echo "$* | $JUSTEXPERT_SITE_URL | $JUSTEXPERT_PREUVES_ORIGINE" >> {journal}\n'
        'case "$*" in *runserver*|*gunicorn*)\n'
        f"  for _ in $(seq 200); do grep -q db_worker {journal} && grep -q planificateur {journal} && break; sleep 0.05; done;;\n"
        "esac\n"
    )
    python.chmod(0o755)
    (tmp_path / "venv" / ".installe").touch()  # newer than requirements.txt: nothing to install
    return tmp_path / "venv", journal


def _make(venv: Path, *args: str, **extra: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUSTEXPERT_", "DJANGO_", "MAKE"))} | extra
    # Own session: the recipe's `trap 'kill 0'` ends its own process group, not the test's.
    subprocess.run(  # noqa: S603
        ["make", "-s", f"VENV={venv}", *args],
        cwd=RACINE,
        env=env,
        capture_output=True,
        timeout=60,
        start_new_session=True,
        check=False,
    )


def test_make_run_gives_its_address_to_the_web_server_and_the_worker(faux_venv):
    venv, journal = faux_venv
    _make(venv, "run", "HOST=127.0.0.9", "PORT=8123")
    appels = journal.read_text().splitlines()
    serveurs = [a for a in appels if "runserver" in a or "gunicorn" in a]
    workers = [a for a in appels if "db_worker" in a]
    assert serveurs and workers, appels
    for appel in serveurs + workers + [a for a in appels if "charger_demo" in a]:
        assert "| http://127.0.0.9:8123 |" in appel, appel
    # The evidence log keeps its development name whatever the port.
    assert all(a.endswith("| 127.0.0.1:8000/preuves") for a in appels), appels


def test_make_worker_alone_gets_the_same_address(faux_venv):
    venv, journal = faux_venv
    _make(venv, "worker", "PORT=8124")
    (appel,) = journal.read_text().splitlines()
    assert "db_worker | http://127.0.0.1:8124 |" in appel


def test_an_address_given_in_the_environment_is_kept_as_it_is(faux_venv):
    """Behind a proxy or on a named host: links use the address given; the log name is untouched
    (it follows that address, as before)."""
    venv, journal = faux_venv
    _make(venv, "worker", JUSTEXPERT_SITE_URL="https://demo.justexpert.example")
    (appel,) = journal.read_text().splitlines()
    assert appel == "manage.py db_worker | https://demo.justexpert.example | "
