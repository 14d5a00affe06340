"""More than one application server (issue 32 item 3): two gunicorn servers, two task workers and two
schedulers, all real processes, on one PostgreSQL database and one S3 endpoint (a moto server).

Server B is another machine deployed with the same settings and secrets (a copy of A's data folder:
keys, collected static files), the log's high-water mark file shared; nothing else is shared but
the database and the object store. The load bench's mix (bench/charge/run.py, ``cycle``) is sent
across both servers, each user's requests alternating between them; then: a session opened on A is
used on B, a deposit made on A is downloaded from B, failed logins sent to both servers are counted
together, password resets asked on both are mailed once, each periodic task is queued once per
period (not once per scheduler), the evidence log is gapless and both verifiers pass.

PostgreSQL only: the issue defines the multi-server setup on PostgreSQL (SQLite is one file on one
machine and takes no concurrent writers from several servers).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest
from django.conf import settings

from bench.charge.run import JOURNAL, PREPARER, Client, Mesures, cycle
from tests.outils_processus import (
    COOKIE_SESSION,
    RACINE,
    Multipart,
    Serveur,
    attendre,
    environnement_production,
    manage,
    python_django,
    serveur_s3,
)

from .conftest import _psql, _sur_postgres, _url_base, _url_parente

pytestmark = [
    pytest.mark.lent,
    pytest.mark.skipif(
        not _sur_postgres(),
        reason="issue 32 defines the multi-server test on PostgreSQL (DATABASE_URL=postgres://…); SQLite is one machine's file",
    ),
]

PERIODE = 4  # seconds: every periodic task's period in this test (JUSTEXPERT_PLANIFICATEUR_PERIODE)
UTILISATEURS = 4
TOURS = 16  # rounds of the bench's mix (11 requests each)
TAILLE_DEPOT = 200 * 1000
MOT_DE_PASSE_DEMO = "demo-justexpert-2026"  # noqa: S105 (justexpert.portail.views, demo accounts)

ETAT_FINAL = """
import collections, json
from django_tasks_db.models import DBTaskResult
from justexpert.comptes.models import CourrielDemo
from justexpert.portail.models import Creneau
taches = collections.defaultdict(list)
for r in DBTaskResult.objects.order_by("enqueued_at"):
    taches[r.task_path].append({"statut": r.status, "workers": r.worker_ids, "erreur": r.traceback[-2000:]})
print(json.dumps({
    "taches": taches,
    "creneaux": {c: sorted(Creneau.objects.filter(cle=c).values_list("creneau", flat=True))
                 for c in Creneau.objects.values_list("cle", flat=True).distinct()},
    "courriels": [[c.sujet, c.corps, c.destinataires] for c in CourrielDemo.objects.order_by("pk")],
}))
"""


class ClientDeuxServeurs:
    """One user of the bench whose successive requests go to one server, then the other."""

    def __init__(self, ports: list[int], magistrat: str, agent: str, echange: str) -> None:
        self.magistrat, self.agent, self.echange = magistrat, agent, echange
        self.clients = [Client(port, magistrat, agent, echange) for port in ports]
        self.suivante = 0

    def requete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        client = self.clients[self.suivante % len(self.clients)]
        self.suivante += 1
        return client.requete(*args, **kwargs)

    def fermer(self) -> None:
        for client in self.clients:
            client.fermer()


def poster(port: int, chemin: str, champs: dict[str, str], cookie: str = "") -> tuple[int, dict[str, str], bytes]:
    """A form POST (CSRF cookie and header); returns the status, the cookies set, the body."""
    csrf = secrets.token_hex(16)
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connexion.request(
            "POST",
            chemin,
            body=urllib.parse.urlencode(champs),
            headers={
                "Cookie": f"__Host-csrftoken={csrf}" + (f"; {cookie}" if cookie else ""),
                "X-CSRFToken": csrf,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        reponse = connexion.getresponse()
        poses = SimpleCookie()
        for entete in reponse.msg.get_all("Set-Cookie") or []:
            poses.load(entete)
        return reponse.status, {k: v.value for k, v in poses.items()}, reponse.read()
    finally:
        connexion.close()


def taches_en_cours(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as cnx:
        ligne = cnx.execute(
            "select count(*) from django_tasks_database_dbtaskresult where status in ('READY', 'RUNNING')"
        ).fetchone()
        return int(ligne[0]) if ligne else 0


def journaux(serveurs: list[Serveur]) -> str:
    """What the servers wrote on stderr so far (errors with their traceback)."""
    lignes = []
    for serveur in serveurs:
        while not serveur.lignes.empty():
            lignes.append(serveur.lignes.get_nowait())
    return "".join(ligne for ligne in lignes if "Control socket" not in ligne)[-20000:]


def arreter(processus: subprocess.Popen) -> None:
    processus.terminate()
    processus.wait(timeout=60)


def test_two_servers_two_workers_two_schedulers_on_one_database_and_one_object_store(tmp_path):
    debut_test = time.monotonic()
    etapes: dict[str, float] = {}
    base = f"{urllib.parse.urlsplit(_url_parente()).path.lstrip('/')}_plusieurs_{uuid.uuid4().hex[:6]}"
    url = _url_base(_url_parente(), base)
    with contextlib.ExitStack() as pile:
        _psql(_url_parente(), f"create database {base}")
        pile.callback(_psql, _url_parente(), f"drop database if exists {base} with (force)")
        s3 = pile.enter_context(serveur_s3(heure_reelle=True))
        import boto3

        seau = "coffre-" + uuid.uuid4().hex[:8]
        acces = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
        boto3.client(
            "s3", endpoint_url=s3, region_name="eu-west-3", aws_access_key_id="test", aws_secret_access_key="test"
        ).create_bucket(Bucket=seau, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        env_a = environnement_production(
            tmp_path / "a",
            url,
            **acces,
            JUSTEXPERT_STOCKAGE="s3",
            JUSTEXPERT_S3_BUCKET=seau,
            JUSTEXPERT_S3_ENDPOINT_URL=s3,
            JUSTEXPERT_S3_REGION="eu-west-3",
            # The demo mailbox backend stores each mail sent in the shared database: countable.
            DJANGO_EMAIL_BACKEND="justexpert.comptes.courriel.BoiteDemoBackend",
            JUSTEXPERT_WEB_WORKERS="1",
            JUSTEXPERT_WEB_THREADS="8",
            JUSTEXPERT_WEB_SERVEURS="2",
            JUSTEXPERT_PLANIFICATEUR_PERIODE=str(PERIODE),
            JUSTEXPERT_LIMITE_CONNEXION_CIBLE="4/900",
        )
        env_a.pop("AWS_PROFILE", None)
        # Static files (no database) while migrating; then the demo world and the bench's users in
        # one process (each Django start costs seconds on a loaded machine).
        statiques = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=RACINE, env=env_a, stdout=subprocess.DEVNULL
        )
        manage(env_a, "migrate", "-v0")
        monde = json.loads(
            python_django(
                {**env_a, "JUSTEXPERT_DEMO": "1"},
                "from django.core.management import call_command\ncall_command('charger_demo')\n"
                + PREPARER.replace("NOMBRE", str(UTILISATEURS)),
            )
        )
        assert statiques.wait(timeout=300) == 0
        assert monde["expertises"], "charger_demo made no case in TJ_PARIS"
        # Machine B: the same deployed settings and secrets, its own disk; the high-water mark of
        # the log stays the shared file named by JUSTEXPERT_PREUVES_REPERE (README).
        shutil.copytree(tmp_path / "a", tmp_path / "b")
        env_b = {
            **env_a,
            "JUSTEXPERT_DATA_DIR": str(tmp_path / "b"),
            "JUSTEXPERT_PREUVES_CLE_FILE": str(tmp_path / "b" / "preuves-journal.pem"),
        }
        etapes["preparation"] = time.monotonic() - debut_test

        processus_pile = pile.enter_context(contextlib.ExitStack())
        debut_planification = time.time()
        fonds = []
        for env in (env_a, env_b):
            for commande in ("db_worker", "planificateur"):
                processus = subprocess.Popen(
                    [sys.executable, "manage.py", commande],
                    cwd=RACINE,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                processus_pile.callback(arreter, processus)
                fonds.append((commande, processus))
        serveurs = []
        for env in (env_a, env_b):
            serveur = Serveur(env, production=True)
            processus_pile.callback(serveur.arreter)
            serveurs.append(serveur)
        a, b = (s.port for s in serveurs)
        etapes["demarrage"] = time.monotonic() - debut_test - etapes["preparation"]

        # The load bench's mix, each user's requests alternating between the two servers.
        debut = time.monotonic()
        clients = [
            ClientDeuxServeurs([a, b], monde["magistrat"][k], monde["agent"][k], monde["echanges"][k])
            for k in range(UTILISATEURS)
        ]
        mesures = Mesures()
        contenu = b"%PDF-1.7\n" + os.urandom(TAILLE_DEPOT - 16) + b"\n%%EOF\n"

        def utilisateur(k: int) -> int:
            return sum(cycle(clients[k], mesures, monde["expertises"], n, contenu) for n in range(k, TOURS, UTILISATEURS))

        with ThreadPoolExecutor(UTILISATEURS) as pool:
            requetes = sum(pool.map(utilisateur, range(UTILISATEURS)))
        for client in clients:
            client.fermer()
        etapes["melange"] = time.monotonic() - debut
        if mesures.erreurs:
            print(journaux(serveurs))  # the servers' tracebacks, in the test's output
        assert not mesures.erreurs, dict(mesures.erreurs)
        assert requetes == TOURS * 11 and sum(len(v) for v in mesures.durees.values()) == requetes

        # A session opened on A (a real login) is valid on B.
        statut, poses, _ = poster(a, "/connexion/", {"email": "partie@demo.justexpert.fr", "mot_de_passe": MOT_DE_PASSE_DEMO})
        assert statut == 302 and poses.get(COOKIE_SESSION), (statut, poses)
        for port in (b, a):
            statut_page, page = Client(port, "", "", "").requete("GET", "/mon-compte/", poses[COOKIE_SESSION])[:2]
            assert statut_page == 200 and "partie@demo.justexpert.fr" in page.decode(), statut_page

        # A deposit made on A is downloaded from B, the same bytes.
        agent, echange = monde["agent"][0], monde["echanges"][0]
        piece = b"%PDF-1.7\n" + os.urandom(50_000) + b"\n%%EOF\n"
        corps = Multipart.pour({"jours": "7"}, "croisee.pdf")
        sur_a, sur_b = Client(a, "", agent, echange), Client(b, "", agent, echange)
        statut = sur_a.requete(
            "POST", f"/echanges/{echange}/deposer/", agent, corps.debut + piece + corps.fin, {"Content-Type": corps.type}
        )[0]
        assert statut == 302
        statut, liste, _ = sur_b.requete("GET", f"/api/v1/echanges/{echange}", agent)
        fichier = next(f for f in json.loads(liste)["fichiers"] if f["nom"] == "croisee.pdf")
        statut, telecharge, _ = sur_b.requete("GET", fichier["telechargement"], agent)
        assert statut == 200 and telecharge == piece
        assert fichier["sha256"] == hashlib.sha256(piece).hexdigest()

        # Throttling counts across both servers: 4 failed logins per address (setting of this
        # test), sent alternately to A and B; the 5th and 6th are refused wherever they arrive.
        statuts = [
            poster(port, "/connexion/", {"email": "personne@exemple.fr", "mot_de_passe": "faux-mot-de-passe"})[0]
            for port in (a, b, a, b, a, b)
        ]
        assert statuts == [200, 200, 200, 200, 429, 429], statuts

        # Password resets asked on A and on B: each mail is sent once, by one of the two workers.
        for port, adresse in ((a, "expert@demo.justexpert.fr"), (b, "avocat@demo.justexpert.fr")):
            assert poster(port, "/mot-de-passe/oublie/", {"email": adresse})[0] == 302

        # Let the schedulers run a few periods, stop them, let the workers finish the queue.
        attendre(lambda: time.time() - debut_planification >= 4 * PERIODE, delai=10 * PERIODE)
        for commande, processus in fonds:
            if commande == "planificateur":
                arreter(processus)
        fin_planification = time.time()
        attendre(lambda: taches_en_cours(url) == 0, delai=120)
        processus_pile.close()  # workers and servers; the database and the S3 server stay for the checks

        # Both verifiers as an operator runs them, side by side, while the state is read.
        verificateurs = {
            commande: subprocess.Popen(
                [sys.executable, "manage.py", commande],
                cwd=RACINE,
                env=env_a,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for commande in ("verifier_journal", "verifier_coffre")
        }
        etat, journal = (
            json.loads(ligne) for ligne in manage(env_a, "shell", "-c", ETAT_FINAL + JOURNAL).stdout.splitlines()[-2:]
        )
        verifications = {commande: (*p.communicate(timeout=300), p.returncode) for commande, p in verificateurs.items()}
        etapes["verifications"] = time.monotonic() - debut_test - etapes["preparation"] - etapes["demarrage"] - etapes["melange"]

    # Every periodic task queued once per period: one slot row per period, consecutive, as many
    # queued tasks as slots, and no more slots than periods elapsed (two schedulers each queueing
    # would give twice as many).
    periodes = int(fin_planification // PERIODE) - int(debut_planification // PERIODE) + 1
    for chemin, _ in settings.TACHES_PERIODIQUES:
        faites = etat["taches"].get(chemin, [])
        pris = etat["creneaux"].get(f"tache:{chemin}:{PERIODE}", [])
        assert pris and pris == list(range(pris[0], pris[0] + len(pris))), (chemin, pris)
        assert len(faites) == len(pris), (chemin, len(faites), pris)
        assert 3 <= len(pris) <= periodes, (chemin, pris, periodes)
    # Every task ran once, by one worker, and both workers took some.
    tous = [t for liste in etat["taches"].values() for t in liste]
    assert {t["statut"] for t in tous} == {"SUCCESSFUL"}, [
        (c, t) for c, ts in etat["taches"].items() for t in ts if t["statut"] != "SUCCESSFUL"
    ]
    assert all(len(t["workers"]) == 1 for t in tous)
    assert len({t["workers"][0] for t in tous}) == 2

    # Every mail sent once.
    envois = etat["taches"]["justexpert.comptes.tasks.envoyer_courriel"]
    courriels = etat["courriels"]
    assert len(courriels) == len(envois)
    assert len({json.dumps(c) for c in courriels}) == len(courriels)
    for adresse in ("expert@demo.justexpert.fr", "avocat@demo.justexpert.fr"):
        assert sum(1 for sujet, _, dest in courriels if dest == [adresse] and "passe" in sujet) == 1, courriels

    # The evidence log is gapless and verifies; every document's object is in the shared store.
    assert journal["mini"] == 0 and journal["maxi"] == journal["n"] - 1 == journal["taille"] - 1, journal
    for commande, (sortie, erreurs, code) in verifications.items():
        assert code == 0, (commande, sortie, erreurs)

    duree = time.monotonic() - debut_test
    print(
        f"\n2 servers, 2 workers, 2 schedulers: {requetes} mixed requests in {etapes['melange']:.1f} s, "
        f"{len(tous)} tasks, {len(courriels)} mails, {journal['n']} log events; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in etapes.items())
        + f"; total {duree:.1f} s"
    )
