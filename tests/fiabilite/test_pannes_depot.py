"""Faults during deposits into a PLEX folder, on a production-like instance (real gunicorn, production
settings, keys from the environment): the application server killed, the database stopped, the
staging disk full, the timestamp authority unreachable.

Each test checks what the user is told (the HTTP answer), that what was committed before the fault
is still there byte for byte, that no document row lacks its object and that leftovers are removed
by the cleanup task, and that `verifier_journal` and `verifier_coffre` pass afterwards.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import os
import signal
import subprocess

import pytest

from tests.outils_processus import (
    Multipart,
    Serveur,
    attendre,
    cluster_prive,
    commencer_depot,
    fichiers,
    get,
    manage,
    port_libre,
    postgres_disponible,
    python_django,
)

from .conftest import PREPARER, Instance

pytestmark = pytest.mark.lent

MIO = 1024 * 1024


def pdf(taille: int) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(taille) + b"\n%%EOF\n"


def deposer(instance: Instance, contenu: bytes, nom: str = "piece.pdf") -> tuple[int, str, str]:
    """A whole multipart deposit as the form sends it; returns status, Location (with the flash
    message cookie after ``#``) and body text."""
    corps = Multipart.pour({"jours": "7"}, nom)
    connexion = commencer_depot(instance.port, instance.chemin_depot, instance.session, corps, len(contenu))
    try:
        connexion.send(contenu)
        connexion.send(corps.fin)
        reponse = connexion.getresponse()
        messages = [c.split(";", 1)[0] for c in reponse.headers.get_all("Set-Cookie") or [] if c.startswith("messages=")]
        location = (reponse.getheader("Location") or "") + "#" + "".join(messages)
        return reponse.status, location, html.unescape(reponse.read().decode())
    finally:
        connexion.close()


def commencer(instance: Instance, contenu: bytes, *, en_cours: int = 1) -> tuple[http.client.HTTPConnection, Multipart]:
    """Send the headers and the first half of a deposit, and wait until the server is staging
    ``en_cours`` uploads."""
    corps = Multipart.pour({"jours": "7"}, "interrompu.pdf")
    connexion = commencer_depot(instance.port, instance.chemin_depot, instance.session, corps, len(contenu))
    connexion.send(contenu[: len(contenu) // 2])
    staging = instance.dossier / "coffre" / "staging"
    attendre(lambda: sum(p.stat().st_size > MIO for p in fichiers(staging)) >= en_cours)
    return connexion, corps


def message_page(instance: Instance, location: str) -> str:
    """The folder page the deposit redirected to, with its flash message."""
    chemin, _, cookie = location.partition("#")
    assert chemin == f"/echanges/{instance.echange}/"
    statut, corps = get(instance.port, chemin, instance.session, cookie)
    assert statut == 200
    return html.unescape(corps.decode())


def telecharge_intact(instance: Instance, fichier: str, contenu: bytes) -> None:
    statut, corps = get(instance.port, f"/echanges/fichiers/{fichier}/", instance.session)
    assert statut == 200
    assert hashlib.sha256(corps).digest() == hashlib.sha256(contenu).digest()


def sans_orphelin(instance: Instance, *, attendu: dict[str, int]) -> dict:
    """Every live document row belongs to a file of the folder and has its object; the cleanup task
    (zero delay) removes exactly the leftovers expected; then both verifiers pass."""
    etat, nettoyes = instance.etat_puis_nettoyer()
    assert etat["documents"] == etat["fichiers"]
    assert nettoyes == attendu
    assert fichiers(instance.dossier / "coffre" / "staging") == []
    objets = {p.name for p in fichiers(instance.dossier / "coffre" / "objets")}
    assert objets == {d.replace("-", "") for d in etat["documents"]}  # every row has its object
    instance.verifier()
    return etat


def test_server_killed_during_deposits_loses_nothing_and_the_retry_is_recorded(instance):
    instance.demarrer(workers=2)
    premier = pdf(2 * MIO)
    statut, location, _ = deposer(instance, premier, "avant.pdf")
    assert statut == 302
    assert "« avant.pdf » est déposé" in message_page(instance, location)

    marqueur = b"MARQUEUR-" + os.urandom(8).hex().encode()
    second = b"%PDF-1.7\n" + marqueur * 700_000 + b"\n%%EOF\n"  # ~17 MiB
    interrompu, _ = commencer(instance, second)
    autre, _ = commencer(instance, second, en_cours=2)  # on the other worker
    for pid in instance.serveur.workers:
        os.kill(pid, signal.SIGKILL)
    for connexion in (interrompu, autre):
        with pytest.raises((OSError, http.client.HTTPException)):
            connexion.send(second[len(second) // 2 :])
            connexion.getresponse().read()
        connexion.close()
    # Only ciphertext was left behind.
    restes = fichiers(instance.dossier / "coffre" / "staging")
    assert restes and all(marqueur not in p.read_bytes() for p in restes)

    instance.serveur.workers = [instance.serveur.attendre_worker() for _ in range(2)]  # gunicorn respawns them
    etat = instance.etat()
    assert len(etat["fichiers"]) == 1
    telecharge_intact(instance, next(iter(etat["sha256"])), premier)
    statut, location, _ = deposer(instance, second, "reprise.pdf")  # the user sends it again
    assert statut == 302
    assert "« reprise.pdf » est déposé" in message_page(instance, location)
    instance.arreter()

    etat = sans_orphelin(instance, attendu={"incomplets": len(restes), "orphelins": 0})
    assert len(etat["fichiers"]) == 2


@pytest.mark.skipif(not postgres_disponible(), reason="PostgreSQL 15 binaries (or runuser) missing")
def test_database_stopped_during_a_deposit_tells_the_user_and_keeps_what_was_committed(fabrique):
    with cluster_prive() as cluster:
        instance = fabrique(database_url=cluster.url())
        manage(instance.env, "migrate", "-v0")
        prepare = json.loads(python_django(instance.env, PREPARER))
        instance.session, instance.echange = prepare["session"], prepare["echange"]
        instance.demarrer()
        try:
            premier = pdf(MIO)
            assert deposer(instance, premier, "avant.pdf")[0] == 302

            contenu = pdf(6 * MIO)
            connexion, corps = commencer(instance, contenu)
            cluster.arreter()  # the database goes away while the upload streams
            connexion.send(contenu[len(contenu) // 2 :])
            connexion.send(corps.fin)
            reponse = connexion.getresponse()
            texte = html.unescape(reponse.read().decode())
            connexion.close()
            assert reponse.status == 503, texte[:2000]
            assert "Le service est momentanément indisponible : le document n'a pas été enregistré" in texte

            cluster.demarrer()
            etat = instance.etat()
            assert len(etat["fichiers"]) == 1
            telecharge_intact(instance, next(iter(etat["sha256"])), premier)
            assert deposer(instance, contenu, "reprise.pdf")[0] == 302
        finally:
            instance.arreter()
        # The object of the failed commit was kept (outcome unknown), then removed by the task.
        etat = sans_orphelin(instance, attendu={"incomplets": 0, "orphelins": 1})
        assert len(etat["fichiers"]) == 2


@pytest.fixture
def coffre_sur_petit_disque(instance):
    """A real 8 MiB tmpfs under the instance's coffre folder (staging and objects: same filesystem,
    so the commit stays an atomic rename). Needs root; elsewhere coffre's own tests inject ENOSPC."""
    point = instance.dossier / "coffre"
    point.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)]).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    yield point
    instance.arreter()
    subprocess.run(["umount", str(point)], check=True)


def test_full_staging_disk_answers_507_in_french_and_leaves_nothing(instance, coffre_sur_petit_disque):
    instance.demarrer()
    premier = pdf(2 * MIO)
    assert deposer(instance, premier, "avant.pdf")[0] == 302

    statut, _, texte = deposer(instance, pdf(12 * MIO), "trop-gros.pdf")
    assert statut == 507, texte[:2000]
    assert "n'a pas été enregistré" in texte and "espace" in texte.lower()
    # The failed deposit left nothing: its staging file was removed at once.
    assert fichiers(coffre_sur_petit_disque / "staging") == []
    etat = instance.etat()
    assert len(etat["fichiers"]) == 1
    telecharge_intact(instance, next(iter(etat["sha256"])), premier)
    assert deposer(instance, pdf(MIO), "apres.pdf")[0] == 302  # space is back for normal documents
    instance.arreter()

    etat = sans_orphelin(instance, attendu={"incomplets": 0, "orphelins": 0})
    assert len(etat["fichiers"]) == 2


def _accuse(instance: Instance, evenement: str) -> dict:
    statut, corps = get(instance.port, f"/echanges/accuses/{evenement}.json", instance.session)
    assert statut == 200
    return json.loads(corps)


def test_unreachable_timestamp_authority_records_the_deposit_pending_then_the_retry_completes(fabrique):
    port_tsa = port_libre()  # nothing listens there: connection refused
    instance = fabrique(JUSTEXPERT_TSA_URL=f"http://127.0.0.1:{port_tsa}/preuves/horodatage/", JUSTEXPERT_TSA_DELAI_SECONDES="2")
    instance.env["JUSTEXPERT_TSA_AC_FILE"] = str(instance.dossier / "secrets" / "tsa-integree-certificats.pem")
    try:
        instance.demarrer()
        contenu = pdf(MIO)
        statut, location, _ = deposer(instance, contenu, "sans-horodatage.pdf")
        assert statut == 302
        assert "« sans-horodatage.pdf » est déposé" in message_page(instance, location)
        etat = instance.etat()
        fichier, evenement = next(iter(etat["accuses"].items()))
        accuse = _accuse(instance, evenement)
        assert accuse["horodatage"]["statut"] == "en_attente"
        assert accuse["horodatage"]["libelle"] == "horodatage en attente"
        telecharge_intact(instance, fichier, contenu)
        instance.verifier()  # pending timestamps are not an alteration

        # The authority comes back (the built-in one served over HTTP by another process, same
        # key): the periodic retry completes the receipt.
        # (Its HTTP endpoint is served only in demonstration: production never makes it public.)
        env_tsa = {**instance.env, "JUSTEXPERT_TSA_URL": "", "JUSTEXPERT_DEMO": "1"}
        autorite = Serveur(env_tsa, port=port_tsa)
        try:
            # A generous delay: the first answer of a fresh worker may be slow on a loaded machine.
            reprise = python_django(
                {**instance.env, "JUSTEXPERT_TSA_DELAI_SECONDES": "60"},
                "from justexpert.preuves.tasks import horodater_en_attente; print(horodater_en_attente.call())",
            )
        finally:
            autorite.arreter()
        assert int(reprise) >= 1
        accuse = _accuse(instance, evenement)
        assert accuse["horodatage"]["statut"] != "en_attente"
    finally:
        instance.arreter()
    sans_orphelin(instance, attendu={"incomplets": 0, "orphelins": 0})
