"""Real processes for the fault tests and the load bench: a production-like instance (gunicorn with
`justexpert.settings.production`, keys from the environment), a private throwaway PostgreSQL
cluster (never the shared one), and the raw HTTP needed to stream a multipart deposit.

The port helper and the gunicorn server (a chosen port, a number of workers) come from
tests/coffre/serveur.py; the cluster mirrors the one of tests/coffre/test_pannes.py, as a context
manager usable outside pytest.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.coffre.serveur import RACINE, Serveur, port_libre

__all__ = ["RACINE", "Serveur", "port_libre"]

PG_BIN = Path("/usr/lib/postgresql/15/bin")
COOKIE_SESSION = "__Host-sessionid"  # production cookie names (settings/production.py)
COOKIE_CSRF = "__Host-csrftoken"


def environnement_production(dossier: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Environment of a production instance: generated secret key, log key and key-encryption key,
    the log's high-water mark, the built-in timestamp authority explicitly allowed (unless extra
    sets JUSTEXPERT_TSA_URL with JUSTEXPERT_TSA_AC_FILE)."""
    dossier.mkdir(parents=True, exist_ok=True)
    cle_journal = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fichier_cle = dossier / "preuves-journal.pem"
    fichier_cle.write_bytes(cle_journal)
    fichier_cle.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUSTEXPERT_", "DATABASE_URL", "PYTEST", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="justexpert.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        JUSTEXPERT_SITE_URL="http://127.0.0.1",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATABASE_URL=database_url,
        JUSTEXPERT_DATA_DIR=str(dossier),
        JUSTEXPERT_PREUVES_CLE_FILE=str(fichier_cle),
        # The log's high-water mark, outside the database: in the data folder here, so a copy of
        # an instance (tests/fiabilite) copies it with the database it belongs to.
        JUSTEXPERT_PREUVES_REPERE=str(dossier / "preuves-repere.json"),
        JUSTEXPERT_COFFRE_CLES="k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        JUSTEXPERT_TSA_INTEGREE_EN_PRODUCTION="1",
        JUSTEXPERT_MFA_OBLIGATOIRE="1",
        JUSTEXPERT_LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore",
    )
    if database_url.startswith("sqlite"):
        env["JUSTEXPERT_SQLITE_EN_PRODUCTION"] = "1"
    env.update(extra)
    return env


# moto lists every multipart upload as initiated on 2010-11-10 (a constant of its ListMultipartUploads
# answer): coffre's cleanup would abort uploads in progress. This launcher answers the real time, as
# S3 does; a test running the cleanup beside live deposits needs it.
MOTO_HEURE_REELLE = """
import datetime, sys
import moto.s3.models as modeles, moto.s3.responses as reponses
heures = {}
creer = modeles.FakeMultipart.__init__
def __init__(self, *args, **kwargs):
    creer(self, *args, **kwargs)
    heures[self.id] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
modeles.FakeMultipart.__init__ = __init__
resultat = reponses.ActionResult
def ActionResult(donnees):
    for envoi in donnees.get("Uploads", []) if isinstance(donnees, dict) else []:
        envoi["Initiated"] = heures.get(envoi["UploadId"], envoi["Initiated"])
    return resultat(donnees)
reponses.ActionResult = ActionResult
from moto.server import main
main(sys.argv[1:])
"""


@contextlib.contextmanager
def serveur_s3(heure_reelle: bool = False) -> Iterator[str]:
    """An S3 API server as a real process (moto in server mode) on a free port; yields its URL.
    Clients authenticate with any key (AWS_ACCESS_KEY_ID=test). ``heure_reelle``: uploads listed
    with their real start time (see MOTO_HEURE_REELLE)."""
    port = port_libre()
    lancement = ["-c", MOTO_HEURE_REELLE] if heure_reelle else ["-m", "moto.server"]
    processus = subprocess.Popen(
        [sys.executable, *lancement, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait for the server's own "Running on" line rather than sleeping.
        assert processus.stderr is not None
        for ligne in processus.stderr:
            if "Running on" in ligne:
                break
        else:
            raise RuntimeError("moto server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        processus.terminate()
        processus.wait(timeout=10)
        if processus.stderr is not None:
            processus.stderr.close()


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=RACINE, env=env, check=check, capture_output=True, text=True, timeout=300
    )


def python_django(env: dict[str, str], code: str) -> str:
    """Run code in `manage.py shell` of that instance; returns the last line printed."""
    return manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1]


def attendre(condition, delai: float = 30.0) -> None:
    """Poll a condition on state written by another process (no fixed sleep)."""
    fin = time.monotonic() + delai
    while not condition():
        if time.monotonic() > fin:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def fichiers(dossier: Path) -> list[Path]:
    return [p for p in dossier.rglob("*") if p.is_file()] if dossier.exists() else []


# --- HTTP ------------------------------------------------------------------------------------------


def cookies(session: str, csrf: str) -> str:
    return f"{COOKIE_SESSION}={session}; {COOKIE_CSRF}={csrf}"


@dataclass
class Multipart:
    """A multipart/form-data body sent in pieces: ``debut``, then the file bytes, then ``fin``."""

    type: str
    debut: bytes
    fin: bytes

    @classmethod
    def pour(cls, champs: dict[str, str], nom_fichier: str, champ_fichier: str = "fichier") -> Multipart:
        limite = "----fiabilite" + uuid.uuid4().hex
        debut = b"".join(
            f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in champs.items()
        )
        debut += (
            f'--{limite}\r\nContent-Disposition: form-data; name="{champ_fichier}"; filename="{nom_fichier}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        return cls(f"multipart/form-data; boundary={limite}", debut, f"\r\n--{limite}--\r\n".encode())


def commencer_depot(
    port: int, chemin: str, session: str, corps: Multipart, longueur_fichier: int, **extra: str
) -> http.client.HTTPConnection:
    """Open a POST of a multipart deposit and send its headers and first part; the caller sends the
    file bytes, then ``corps.fin``."""
    csrf = extra.pop("csrf", None) or secrets.token_hex(16)
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connexion.putrequest("POST", chemin)
    entetes = {
        "Cookie": cookies(session, csrf),
        "X-CSRFToken": csrf,
        "Content-Type": corps.type,
        "Content-Length": str(len(corps.debut) + longueur_fichier + len(corps.fin)),
        **extra,
    }
    for cle, valeur in entetes.items():
        connexion.putheader(cle, valeur)
    connexion.endheaders()
    connexion.send(corps.debut)
    return connexion


def get(port: int, chemin: str, session: str, cookie: str = "") -> tuple[int, bytes]:
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        entete = cookies(session, secrets.token_hex(16)) + (f"; {cookie}" if cookie else "")
        connexion.request("GET", chemin, headers={"Cookie": entete})
        reponse = connexion.getresponse()
        return reponse.status, reponse.read()
    finally:
        connexion.close()


# --- A private PostgreSQL cluster --------------------------------------------------------------------


def _en_postgres(*commande: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *commande]
    return list(commande)


def postgres_disponible() -> bool:
    return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


@dataclass
class ClusterPrive:
    racine: Path
    port: int

    @property
    def donnees(self) -> Path:
        return self.racine / "data"

    def url(self, base: str = "justexpert") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{base}"

    def demarrer(self) -> None:
        options = f"-p {self.port} -k {self.racine / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _en_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.donnees), "-o", options, "-w", "-l", str(self.racine / "log"), "start"
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def arreter(self) -> None:
        subprocess.run(
            _en_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.donnees), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=60,
        )

    def creer_base(self, nom: str = "justexpert") -> None:
        subprocess.run(
            _en_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", nom),
            check=True,
            capture_output=True,
            timeout=60,
        )


@contextlib.contextmanager
def cluster_prive() -> Iterator[ClusterPrive]:
    """A private PostgreSQL cluster in a temporary folder, on a free port; never the shared one."""
    racine = Path(tempfile.mkdtemp(prefix="fiabilite-pg-"))
    os.chmod(racine, 0o777)  # noqa: S103 (throwaway folder; postgres must write in it)
    (racine / "sock").mkdir()
    os.chmod(racine / "sock", 0o777)  # noqa: S103
    cluster = ClusterPrive(racine, port_libre())
    try:
        subprocess.run(
            _en_postgres(
                str(PG_BIN / "initdb"), "-D", str(cluster.donnees), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        cluster.demarrer()
        cluster.creer_base()
        yield cluster
    finally:
        cluster.arreter()
        shutil.rmtree(racine, ignore_errors=True)
