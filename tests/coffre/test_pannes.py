"""Failure leaves nothing behind, with a real server process: worker killed mid-upload, and the
database (a private throwaway PostgreSQL cluster) going down before the commit."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import pdf
from .serveur import Serveur, commencer_envoi, environnement, manage, port_libre, preparer

pytestmark = pytest.mark.lent

COMPTER = (
    "from justexpert.coffre.models import Document; from justexpert.coffre.tasks import nettoyer; "
    "print(Document.objects.count()); print(nettoyer(delai=0))"
)


def attendre(condition, delai: float = 30.0) -> None:
    """Poll a condition on files written by another process (no fixed sleep)."""
    fin = time.monotonic() + delai
    while not condition():
        if time.monotonic() > fin:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def fichiers(dossier: Path) -> list[Path]:
    return [p for p in dossier.rglob("*") if p.is_file()] if dossier.exists() else []


def test_worker_killed_mid_upload_leaves_nothing_after_cleanup(tmp_path):
    dossier = tmp_path / "serveur"
    env = environnement(dossier, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    session = preparer(env)
    serveur = Serveur(env)
    try:
        marqueur = b"MARQUEUR-" + os.urandom(12).hex().encode()
        contenu = pdf(marqueur * 400_000)  # ~8 MiB
        connexion = commencer_envoi(serveur.port, session, "a.pdf", len(contenu))
        connexion.send(contenu[: len(contenu) // 2])
        staging = dossier / "coffre" / "staging"
        attendre(lambda: any(p.stat().st_size > 1024 * 1024 for p in fichiers(staging)))
        os.kill(serveur.worker, signal.SIGKILL)
        with pytest.raises((OSError, http.client.HTTPException)):
            connexion.send(contenu[len(contenu) // 2 :])
            connexion.getresponse().read()
        connexion.close()
        # The killed upload left ciphertext only, and no row.
        restes = fichiers(staging)
        assert restes and all(marqueur not in p.read_bytes() for p in restes)
        serveur.worker = serveur.attendre_worker()  # gunicorn respawns a worker
        # The same upload sent again completes and is recorded once.
        connexion = commencer_envoi(serveur.port, session, "a.pdf", len(contenu), **{"X-Identifiant-Envoi": "e-1"})
        connexion.send(contenu)
        reponse = connexion.getresponse()
        assert reponse.status == 201, reponse.read()
        reponse.read()
        connexion.close()
    finally:
        serveur.arreter()
    sortie = manage(env, "shell", "-c", COMPTER).splitlines()[-2:]
    assert sortie[0] == "1"
    assert sortie[1] == str({"incomplets": 1, "orphelins": 0})
    assert fichiers(staging) == []
    assert len(fichiers(dossier / "coffre" / "objets")) == 1


def _get(port: int, chemin: str, session: str, **entetes: str) -> http.client.HTTPResponse:
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connexion.request("GET", chemin, headers={"Cookie": f"sessionid={session}", **entetes})
    return connexion.getresponse()


def test_damaged_segment_what_a_client_of_a_real_server_sees(tmp_path):
    """Issue 17 item 8. A range inside a damaged segment: 503 in French. A full download whose
    *later* segment is damaged: the status (200) and Content-Length are already sent when the
    damage is found, so the server cuts the connection; the client gets fewer bytes than announced
    (http.client: IncompleteRead; curl: "transfer closed with … bytes remaining"; a browser: a
    failed download), never a complete-looking file."""
    from justexpert.coffre.chiffrement import SURCOUT_SEGMENT, TAILLE_ENTETE

    segment = 4096
    dossier = tmp_path / "serveur"
    env = {**environnement(dossier, f"sqlite:///{tmp_path / 'db.sqlite3'}"), "JUSTEXPERT_COFFRE_SEGMENT": str(segment)}
    session = preparer(env)
    serveur = Serveur(env)
    try:
        contenu = pdf(os.urandom(20 * segment))
        connexion = commencer_envoi(serveur.port, session, "a.pdf", len(contenu))
        connexion.send(contenu)
        reponse = connexion.getresponse()
        assert reponse.status == 201
        document = json.loads(reponse.read())["uuid"]
        connexion.close()
        (objet,) = fichiers(dossier / "coffre" / "objets")
        brut = bytearray(objet.read_bytes())
        brut[TAILLE_ENTETE + 12 * (segment + SURCOUT_SEGMENT) + 20] ^= 0x01
        objet.write_bytes(bytes(brut))
        chemin = f"/coffre/{document}/telecharger/"

        reponse = _get(serveur.port, chemin, session, Range=f"bytes={12 * segment}-{12 * segment + 99}")
        assert reponse.status == 503
        assert reponse.read().decode() == "Ce document est momentanément illisible. L'équipe technique a été prévenue."

        reponse = _get(serveur.port, chemin, session)
        assert reponse.status == 200
        assert reponse.getheader("Content-Length") == str(len(contenu))
        with pytest.raises(http.client.IncompleteRead) as coupe:
            reponse.read()
        assert len(coupe.value.partial) <= 12 * segment
        assert coupe.value.partial == contenu[: len(coupe.value.partial)]
    finally:
        serveur.arreter()


PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _en_postgres(*commande: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *commande]
    return list(commande)


@pytest.fixture
def cluster_prive():
    """A private PostgreSQL cluster in a temporary folder, on a free port; never the shared one."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 binaries not installed")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("runuser missing")
    racine = Path(tempfile.mkdtemp(prefix="coffre-pg-"))
    os.chmod(racine, 0o777)  # noqa: S103 (throwaway folder; postgres must write in it)
    donnees, socket_dir = racine / "data", racine / "sock"
    socket_dir.mkdir()
    os.chmod(socket_dir, 0o777)  # noqa: S103
    port = port_libre()
    subprocess.run(
        _en_postgres(str(PG_BIN / "initdb"), "-D", str(donnees), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"),
        check=True,
        capture_output=True,
        timeout=120,
    )
    options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"

    def demarrer() -> None:
        subprocess.run(
            _en_postgres(str(PG_BIN / "pg_ctl"), "-D", str(donnees), "-o", options, "-w", "-l", str(racine / "log"), "start"),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def arreter() -> None:
        subprocess.run(
            _en_postgres(str(PG_BIN / "pg_ctl"), "-D", str(donnees), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=60,
        )

    demarrer()
    subprocess.run(
        _en_postgres(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "justexpert"),
        check=True,
        capture_output=True,
        timeout=60,
    )
    try:
        yield {"url": f"postgres://postgres@127.0.0.1:{port}/justexpert", "demarrer": demarrer, "arreter": arreter}
    finally:
        arreter()
        shutil.rmtree(racine, ignore_errors=True)


def test_database_down_at_commit_records_nothing_and_tells_the_user(tmp_path, cluster_prive):
    dossier = tmp_path / "serveur"
    env = environnement(dossier, cluster_prive["url"])
    session = preparer(env)
    serveur = Serveur(env)
    try:
        contenu = pdf(os.urandom(6 * 1024 * 1024))
        connexion = commencer_envoi(serveur.port, session, "a.pdf", len(contenu))
        connexion.send(contenu[: len(contenu) // 2])
        attendre(lambda: any(p.stat().st_size > 1024 * 1024 for p in fichiers(dossier / "coffre" / "staging")))
        cluster_prive["arreter"]()  # the database goes away while the upload streams
        connexion.send(contenu[len(contenu) // 2 :])
        reponse = connexion.getresponse()
        corps = json.loads(reponse.read())
        connexion.close()
        assert reponse.status == 503
        assert corps["erreur"].startswith("Le service est momentanément indisponible : le document n'a pas été enregistré")
    finally:
        serveur.arreter()
        cluster_prive["demarrer"]()
    # Kept for the cleanup task (commit outcome unknown), then removed by it; never a row.
    assert len(fichiers(dossier / "coffre" / "objets")) == 1
    sortie = manage(env, "shell", "-c", COMPTER).splitlines()[-2:]
    assert sortie[0] == "0"
    assert sortie[1] == str({"incomplets": 0, "orphelins": 1})
    assert fichiers(dossier / "coffre") == []


@pytest.fixture
def petit_disque(tmp_path, settings):
    """A real 2 MiB tmpfs as the data folder, so writes hit a real ENOSPC (needs root)."""
    point = tmp_path / "petit-disque"
    point.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(point)], capture_output=True).returncode
    ):
        pytest.skip("cannot mount a small tmpfs here (the injected ENOSPC tests still run)")
    try:
        settings.DATA_DIR = point
        from justexpert.coffre.stockage import _stockage

        _stockage.cache_clear()
        yield point
        _stockage.cache_clear()
    finally:
        subprocess.run(["umount", str(point)], check=True)


@pytest.mark.django_db
def test_real_disk_full_answers_507_and_leaves_nothing(client, expert, petit_disque):
    from urllib.parse import quote

    from justexpert.coffre.models import Document

    client.force_login(expert)
    reponse = client.post(
        "/coffre/deposer/",
        data=pdf(os.urandom(4 * 1024 * 1024)),
        content_type="application/octet-stream",
        headers={"X-Nom-Fichier": quote("gros.pdf"), "Accept": "application/json"},
    )
    assert reponse.status_code == 507
    assert reponse.json()["erreur"].startswith("L'espace de stockage est momentanément insuffisant")
    assert Document.objects.count() == 0
    assert fichiers(petit_disque / "coffre") == []
    # Space is back: a small document goes through.
    reponse = client.post(
        "/coffre/deposer/",
        data=pdf(b"petit"),
        content_type="application/octet-stream",
        headers={"X-Nom-Fichier": "petit.pdf", "Accept": "application/json"},
    )
    assert reponse.status_code == 201
