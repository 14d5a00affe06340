"""The documented server model (deploy/gunicorn.conf.py), started as a real process with production
settings: a long upload at a realistic pace and slow clients do not starve a person browsing, slow
uploads are cut with a French message, and the server refuses to start with more threads than
PostgreSQL accepts connections.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time

import pytest

from tests.outils_processus import RACINE, Multipart, Serveur, commencer_depot, cookies, fichiers, port_libre

from .conftest import Instance

pytestmark = pytest.mark.lent

MIO = 1024 * 1024
BLOC = 64 * 1024


class Cadence:
    """Sends at a fixed pace: each piece leaves when its time slot comes (monotonic clock)."""

    def __init__(self, octets_par_seconde: float) -> None:
        self.debit = octets_par_seconde
        self.debut = time.monotonic()
        self.envoyes = 0

    def attendre_son_tour(self, taille: int) -> None:
        echeance = self.debut + (self.envoyes + taille) / self.debit
        retard = echeance - time.monotonic()
        if retard > 0:
            time.sleep(retard)
        self.envoyes += taille


def grand_depot(instance: Instance, taille: int, debit: float, resultat: dict) -> None:
    """A PLEX deposit of ``taille`` bytes sent at ``debit`` bytes/s; stores status, body, SHA-256."""
    bloc = os.urandom(BLOC)
    entete = b"%PDF-1.7\n"
    fin_pdf = b"\n%%EOF\n"
    corps = Multipart.pour({"jours": "7"}, "grand.pdf")
    empreinte = hashlib.sha256()
    connexion = commencer_depot(instance.port, instance.chemin_depot, instance.session, corps, taille)
    connexion.timeout = 120
    cadence = Cadence(debit)
    try:
        restant = taille - len(entete) - len(fin_pdf)
        for morceau in (entete,):
            connexion.send(morceau)
            empreinte.update(morceau)
        while restant > 0:
            morceau = bloc[: min(BLOC, restant)]
            cadence.attendre_son_tour(len(morceau))
            connexion.send(morceau)
            empreinte.update(morceau)
            restant -= len(morceau)
        connexion.send(fin_pdf)
        empreinte.update(fin_pdf)
        connexion.send(corps.fin)
        reponse = connexion.getresponse()
        resultat.update(statut=reponse.status, corps=reponse.read(), sha256=empreinte.hexdigest(), fin=time.monotonic())
    finally:
        connexion.close()


def client_lent(instance: Instance, debit: float, duree_max: float, resultats: list) -> None:
    """A deposit announced as 1 MiB that trickles at ``debit`` bytes/s until the server answers."""
    corps = Multipart.pour({"jours": "7"}, "lent.pdf")
    connexion = commencer_depot(instance.port, instance.chemin_depot, instance.session, corps, MIO)
    connexion.sock.settimeout(1.0)
    debut = time.monotonic()
    try:
        connexion.send(b"%PDF-1.7\n")
        while time.monotonic() - debut < duree_max:
            try:
                connexion.send(b"x" * int(debit))
            except OSError:
                break  # the server stopped reading and closed: its answer is waiting
            try:
                connexion.sock.settimeout(1.0)
                donnees = connexion.sock.recv(1, 0x02)  # MSG_PEEK: has the server answered?
                if donnees:
                    break
            except TimeoutError:
                continue
        connexion.sock.settimeout(30)
        reponse = connexion.getresponse()
        resultats.append((reponse.status, html.unescape(reponse.read().decode()), time.monotonic() - debut))
    except (OSError, http.client.HTTPException) as exc:
        resultats.append((0, repr(exc), time.monotonic() - debut))
    finally:
        connexion.close()


def navigation(instance: Instance, chemins: list[str], jusqua: threading.Event, mesures: list) -> None:
    """A person browsing: one page after another, each on a new connection, until told to stop."""
    i = 0
    while not jusqua.is_set():
        chemin = chemins[i % len(chemins)]
        i += 1
        debut = time.monotonic()
        connexion = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=30)
        try:
            connexion.request("GET", chemin, headers={"Cookie": cookies(instance.session, "x" * 32)})
            reponse = connexion.getresponse()
            reponse.read()
            mesures.append((chemin, reponse.status, time.monotonic() - debut))
        except (OSError, http.client.HTTPException) as exc:
            mesures.append((chemin, repr(exc), time.monotonic() - debut))
        finally:
            connexion.close()
        jusqua.wait(0.05)


def test_documented_server_takes_a_slow_300_mb_upload_while_30_slow_clients_do_not_starve_a_browsing_user(fabrique):
    # The pace rule applies after 30 s here (60 s by default) so that the test sees it act.
    instance = fabrique(JUSTEXPERT_WEB_WORKERS="2", JUSTEXPERT_ENVOI_DELAI_GRACE="30")
    instance.demarrer()

    grand: dict = {}
    fil_grand = threading.Thread(target=grand_depot, args=(instance, 300 * 1000 * 1000, 2 * 1000 * 1000, grand))
    fil_grand.start()

    lents: list = []
    fils_lents = [threading.Thread(target=client_lent, args=(instance, 1024, 90, lents)) for _ in range(30)]
    for fil in fils_lents:
        fil.start()
    mesures: list = []
    arret = threading.Event()
    pages = ["/mon-compte/", f"/echanges/{instance.echange}/", "/tableau-de-bord/", "/sante/"]
    fil_navigation = threading.Thread(target=navigation, args=(instance, pages, arret, mesures))
    fil_navigation.start()
    for fil in fils_lents:
        fil.join(timeout=180)
    arret.set()
    fil_navigation.join(timeout=60)
    fil_grand.join(timeout=400)
    instance.arreter()

    # The person browsing was served all along, quickly.
    assert len(mesures) >= 100, mesures[:5]
    assert all(statut == 200 for _, statut, _ in mesures), [m for m in mesures if m[1] != 200][:5]
    durees = sorted(d for _, _, d in mesures)
    p95 = statistics.quantiles(durees, n=20)[-1]
    print(f"\nnavigation: {len(durees)} pages, p50 {statistics.median(durees):.3f} s, p95 {p95:.3f} s, max {durees[-1]:.3f} s")
    assert p95 < 1.0, f"p95 {p95:.3f} s over {len(durees)} pages"

    # Each slow client was cut by the pace rule, after the grace delay, with a French message.
    assert len(lents) == 30
    for statut, texte, duree in lents:
        assert statut == 408, texte[:500]
        assert "L'envoi est trop lent" in texte and "n'a pas été enregistré" in texte
        assert 30 <= duree < 60

    # The long upload went through whole.
    assert grand.get("statut") == 302, grand.get("corps", b"")[:2000]
    etat = instance.etat()
    assert list(etat["sha256"].values()) == [grand["sha256"]]
    assert fichiers(instance.dossier / "coffre" / "staging") == []  # the cut uploads left nothing


def test_server_refuses_to_start_with_more_threads_than_postgresql_connections(instance):
    """Checked against the live server's max_connections (the shared cluster's default is 100)."""
    env = {
        **instance.env,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "JUSTEXPERT_WEB_WORKERS": "4",
        "JUSTEXPERT_WEB_THREADS": "64",
    }
    env.pop("JUSTEXPERT_SQLITE_EN_PRODUCTION", None)
    resultat = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port_libre()}"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resultat.returncode != 0
    assert "256 connexions" in resultat.stderr and "JUSTEXPERT_PG_POOLER=1" in resultat.stderr

    # The same server with a pooler declared, or with fewer threads, starts.
    for reglage in ({"JUSTEXPERT_PG_POOLER": "1"}, {"JUSTEXPERT_WEB_THREADS": "8"}):
        serveur = Serveur({**env, **reglage}, production=True)
        serveur.arreter()
