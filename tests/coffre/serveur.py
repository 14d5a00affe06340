"""A real WSGI server (gunicorn, one sync worker) on 127.0.0.1 for the failure tests."""

from __future__ import annotations

import http.client
import os
import queue
import secrets
import socket
import subprocess
import sys
import threading
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
CREER_SESSION = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
u = get_user_model().objects.create_user("serveur@test.fr", "mot-de-passe-de-test-2026", prenom="S", nom="T", email_verifie=True)
s = SessionStore()
s["_auth_user_id"] = str(u.pk)
s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
s["_auth_user_hash"] = u.get_session_auth_hash()
s.create()
print(s.session_key)
"""


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environnement(dossier: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUSTEXPERT_", "DATABASE_URL", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="justexpert.settings.test",
        JUSTEXPERT_DATA_DIR=str(dossier),
        DATABASE_URL=database_url,
        PYTHONWARNINGS="ignore",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=RACINE, env=env, check=True, capture_output=True, text=True, timeout=120
    ).stdout


def preparer(env: dict[str, str]) -> str:
    """Migrate and return a session key of a fresh user."""
    manage(env, "migrate", "-v0")
    return manage(env, "shell", "-c", CREER_SESSION).strip().splitlines()[-1]


CONFIG_PRODUCTION = RACINE / "deploy" / "gunicorn.conf.py"


class Serveur:
    """gunicorn on 127.0.0.1; ``worker`` is the pid of the last worker booted. Shared with the fault
    tests and the load bench (tests/outils_processus.py).

    ``production=True`` starts it exactly as documented (deploy/gunicorn.conf.py: threaded workers,
    their number from JUSTEXPERT_WEB_WORKERS); otherwise ``workers`` sync workers."""

    def __init__(self, env: dict[str, str], *, port: int | None = None, workers: int = 1, production: bool = False) -> None:
        self.port = port or port_libre()
        self.lignes: queue.Queue[str] = queue.Queue()
        if production:
            workers = int(env.get("JUSTEXPERT_WEB_WORKERS", "2"))
            options = ["-c", str(CONFIG_PRODUCTION), "-b", f"127.0.0.1:{self.port}"]
        else:
            options = ["justexpert.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", str(workers), "--timeout", "120"]
        self.processus = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *options],
            cwd=RACINE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lecteur = threading.Thread(target=self._lire, daemon=True)
        self._lecteur.start()
        self.workers = [self.attendre_worker() for _ in range(workers)]
        self.worker = self.workers[-1]

    def _lire(self) -> None:
        assert self.processus.stderr is not None
        for ligne in self.processus.stderr:
            self.lignes.put(ligne)
        self.lignes.put("")

    def attendre_worker(self) -> int:
        while True:
            ligne = self.lignes.get(timeout=60)
            if not ligne:
                raise RuntimeError("gunicorn stopped")
            if "Booting worker with pid:" in ligne:
                return int(ligne.rsplit(":", 1)[1])

    def arreter(self) -> None:
        self.processus.terminate()
        self.processus.wait(timeout=30)
        self._lecteur.join(timeout=10)
        if self.processus.stderr is not None:
            self.processus.stderr.close()


def entetes(session: str, nom: str, longueur: int) -> dict[str, str]:
    jeton = secrets.token_hex(16)
    return {
        "Cookie": f"sessionid={session}; csrftoken={jeton}",
        "X-CSRFToken": jeton,
        "Content-Type": "application/octet-stream",
        "Content-Length": str(longueur),
        "X-Nom-Fichier": nom,
        "Accept": "application/json",
    }


def commencer_envoi(port: int, session: str, nom: str, longueur: int, **extra: str) -> http.client.HTTPConnection:
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connexion.putrequest("POST", "/coffre/deposer/")
    for cle, valeur in {**entetes(session, nom, longueur), **extra}.items():
        connexion.putheader(cle, valeur)
    connexion.endheaders()
    return connexion
