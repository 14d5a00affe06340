"""Load benchmark (issue 13, goal 2).

A production-like instance (gunicorn started as documented, deploy/gunicorn.conf.py: threaded
workers, 2 × 32 threads by default, on `justexpert.settings.production`,
PostgreSQL in a dedicated database `justexpert_bench_charge` created and dropped on the shared
cluster, keys from the environment, a `manage.py db_worker` running) is driven from this second
process on 127.0.0.1 by 50 concurrent users (threads, one keep-alive connection each, stdlib
http.client only) doing a realistic mix, for a fixed number of requests:

  search (recherche page, varied criteria) · case page (expertises detail) · minimal page
  (/mon-compte/) · deposit of a 5 MB PDF into the user's PLEX folder · the folder as JSON (API) ·
  download of the deposited file · its JSON receipt (accusé)

Then two phases in the same run measure throughput alone: 50 users on the case page only, and 50
users on /mon-compte/ only (the minimal authenticated page), alternated twice, medians.

Prints p95 per kind of request, errors, the evidence log check (indices 0..n-1 contiguous, tree
size equal, `verifier_journal` passing) and dashboard_ratio = req/s of the case page / req/s of the
minimal page (goal >= 0.3). Last line: JSON {"errors", "p95_ms" (per kind, milliseconds),
"dashboard_ratio", ...}.

Usage: python bench/charge/run.py [--requetes 1100] [--debit 250] [--utilisateurs 50] [--workers 2] [--threads 32]
       [--pg postgres://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(RACINE))

from tests.outils_processus import (  # noqa: E402
    Multipart,
    Serveur,
    cookies,
    environnement_production,
    manage,
    python_django,
)

BASE = "justexpert_bench_charge"
TAILLE_DEPOT = 5 * 1000 * 1000
RECHERCHES = [
    "",
    "texte=expertise+comptable",
    "texte=b%C3%A2timent+fissures",
    "texte=m%C3%A9decine",
    "departement=75",
    "texte=informatique&departement=69",
]

PREPARER = """
import json
from django.contrib.sessions.backends.db import SessionStore
from justexpert.comptes.models import Organisation, Utilisateur
from justexpert.comptes.services import SESSION_MFA
from justexpert.echanges import services
from justexpert.echanges.models import Matiere
from justexpert.expertises.models import Expertise

def session(u):
    s = SessionStore()
    s["_auth_user_id"] = str(u.pk)
    s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    s["_auth_user_hash"] = u.get_session_auth_hash()
    s[SESSION_MFA] = True
    s.create()
    return s.session_key

magistrat = Utilisateur.objects.get(email="magistrat@demo.justexpert.fr")
agent = Utilisateur.objects.get(email="agent@demo.justexpert.fr")
tj = Organisation.objects.get(code="TJ_PARIS")
n = NOMBRE
print(json.dumps({
    "expertises": [str(u) for u in Expertise.objects.filter(juridiction=tj).values_list("uuid", flat=True)],
    "magistrat": [session(magistrat) for _ in range(n)],
    "agent": [session(agent) for _ in range(n)],
    "echanges": [
        str(services.creer_echange(acteur=agent, titre=f"Charge {i}", juridiction=tj, matiere=Matiere.CIVILE).uuid)
        for i in range(n)
    ],
}))
"""

JOURNAL = """
import json
from django.db.models import Max, Min, Count
from justexpert.preuves.models import Evenement, Journal
a = Evenement.objects.aggregate(n=Count("index"), mini=Min("index"), maxi=Max("index"))
print(json.dumps({**a, "taille": Journal.objects.get(pk=1).taille}))
"""


def psql(pg: str, sql: str) -> None:
    subprocess.run(["psql", f"{pg}/postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True, capture_output=True)


class Client:
    """One user: a keep-alive connection, reopened after an error."""

    def __init__(self, port: int, magistrat: str, agent: str, echange: str) -> None:
        self.port, self.magistrat, self.agent, self.echange = port, magistrat, agent, echange
        self.connexion: http.client.HTTPConnection | None = None

    def _cnx(self) -> http.client.HTTPConnection:
        if self.connexion is None:
            self.connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return self.connexion

    def requete(self, methode: str, chemin: str, session: str, corps=None, entetes=None) -> tuple[int, bytes, dict]:
        csrf = secrets.token_hex(16)
        tous = {"Cookie": cookies(session, csrf), "X-CSRFToken": csrf, **(entetes or {})}
        try:
            c = self._cnx()
            c.request(methode, chemin, body=corps, headers=tous)
            r = c.getresponse()
            donnees = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.fermer()
            return r.status, donnees, dict(r.getheaders())
        except (OSError, http.client.HTTPException):
            self.fermer()
            raise

    def fermer(self) -> None:
        if self.connexion is not None:
            self.connexion.close()
            self.connexion = None


class Mesures:
    def __init__(self) -> None:
        self.durees: dict[str, list[float]] = collections.defaultdict(list)
        self.erreurs: collections.Counter[str] = collections.Counter()
        self.verrou = threading.Lock()

    def mesurer(self, genre: str, appel, attendu: int = 200):  # type: ignore[no-untyped-def]
        debut = time.perf_counter()
        try:
            statut, corps, entetes = appel()
        except (OSError, http.client.HTTPException) as exc:
            with self.verrou:
                self.erreurs[f"{genre}: {type(exc).__name__}"] += 1
            return None
        duree = time.perf_counter() - debut
        with self.verrou:
            self.durees[genre].append(duree)
            if statut != attendu:
                self.erreurs[f"{genre}: HTTP {statut}"] += 1
                return None
        return corps, entetes


def p95(valeurs: list[float]) -> float:
    return statistics.quantiles(valeurs, n=20, method="inclusive")[18] if len(valeurs) > 1 else (valeurs or [0.0])[0]


def cycle(client: Client, m: Mesures, expertises: list[str], numero: int, contenu: bytes) -> int:
    """One user's round: 11 requests."""
    recherche = RECHERCHES[numero % len(RECHERCHES)]
    for i in range(2):
        m.mesurer("recherche", lambda i=i: client.requete("GET", f"/recherche/?{recherche}&page={i + 1}", client.magistrat))
    for i in range(3):
        dossier = expertises[(numero + i) % len(expertises)]
        m.mesurer("dossier", lambda d=dossier: client.requete("GET", f"/expertises/{d}/", client.magistrat))
    for _ in range(2):
        m.mesurer("mon_compte", lambda: client.requete("GET", "/mon-compte/", client.agent))
    corps = Multipart.pour({"jours": "7"}, f"piece-{numero}.pdf")
    m.mesurer(
        "depot_5mo",
        lambda: client.requete(
            "POST",
            f"/echanges/{client.echange}/deposer/",
            client.agent,
            corps.debut + contenu + corps.fin,
            {"Content-Type": corps.type},
        ),
        attendu=302,
    )
    lu = m.mesurer("echange_json", lambda: client.requete("GET", f"/api/v1/echanges/{client.echange}", client.agent))
    fichiers = json.loads(lu[0])["fichiers"] if lu else []
    fichier = next((f for f in fichiers if f["nom"] == f"piece-{numero}.pdf"), None)
    if fichier is None:
        with m.verrou:
            m.erreurs["echange_json: deposit not listed"] += 1
        return 7 + 2
    telecharge = m.mesurer("telechargement", lambda: client.requete("GET", fichier["telechargement"], client.agent))
    if telecharge and hashlib.sha256(telecharge[0]).hexdigest() != fichier["sha256"]:
        with m.verrou:
            m.erreurs["telechargement: wrong bytes"] += 1
    m.mesurer("accuse_json", lambda: client.requete("GET", fichier["accuse_depot"], client.agent))
    return 11


def phase_seule(clients: list[Client], requetes: int, chemin_de, session_de) -> float:  # type: ignore[no-untyped-def]
    """Requests per second of one page alone, 50 users."""
    m = Mesures()
    par_client = max(1, requetes // len(clients))

    def travail(k: int) -> None:
        c = clients[k]
        for i in range(par_client):
            m.mesurer("seule", lambda i=i: c.requete("GET", chemin_de(k, i), session_de(c)))

    debut = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(travail, range(len(clients))))
    duree = time.perf_counter() - debut
    if m.erreurs:
        raise SystemExit(f"errors in the throughput phase: {dict(m.erreurs)}")
    return par_client * len(clients) / duree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requetes", type=int, default=1100, help="requests of the mixed phase (11 per round)")
    parser.add_argument("--utilisateurs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="JUSTEXPERT_WEB_WORKERS (documented default: 2)")
    parser.add_argument("--threads", type=int, default=32, help="JUSTEXPERT_WEB_THREADS (documented default: 32)")
    parser.add_argument("--debit", type=int, default=250, help="requests of each throughput phase")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args()

    dossier = Path(tempfile.mkdtemp(prefix="bench-charge-"))
    psql(args.pg, f"drop database if exists {BASE} with (force)")
    psql(args.pg, f"create database {BASE}")
    serveur = worker = None
    try:
        env = environnement_production(
            dossier / "donnees",
            f"{args.pg}/{BASE}",
            JUSTEXPERT_SITE_URL="http://127.0.0.1",
            JUSTEXPERT_WEB_WORKERS=str(args.workers),
            JUSTEXPERT_WEB_THREADS=str(args.threads),
        )
        debut = time.perf_counter()
        manage(env, "migrate", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage({**env, "JUSTEXPERT_DEMO": "1"}, "charger_demo")  # demo world: experts, cases, accounts
        monde = json.loads(python_django(env, PREPARER.replace("NOMBRE", str(args.utilisateurs))))
        print(f"setup: {time.perf_counter() - debut:.1f} s, {len(monde['expertises'])} cases of TJ Paris")
        if not monde["expertises"]:
            raise SystemExit("charger_demo made no case in TJ_PARIS")

        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker"], cwd=RACINE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        serveur = Serveur(env, production=True)
        clients = [
            Client(serveur.port, monde["magistrat"][k], monde["agent"][k], monde["echanges"][k]) for k in range(args.utilisateurs)
        ]
        # Warm-up: one request of each page per worker (imports, templates, connections).
        for k in range(args.workers * 2):
            for chemin in ("/mon-compte/", f"/expertises/{monde['expertises'][0]}/", "/recherche/"):
                clients[k % len(clients)].requete("GET", chemin, clients[k % len(clients)].magistrat)

        contenu = b"%PDF-1.7\n" + os.urandom(TAILLE_DEPOT - 16) + b"\n%%EOF\n"
        m = Mesures()
        tours = max(1, args.requetes // 11)
        prochain = iter(range(tours))
        verrou = threading.Lock()
        envoyees = [0]

        def utilisateur(k: int) -> None:
            while True:
                with verrou:
                    numero = next(prochain, None)
                if numero is None:
                    return
                n = cycle(clients[k], m, monde["expertises"], numero, contenu)
                with verrou:
                    envoyees[0] += n

        debut = time.perf_counter()
        with ThreadPoolExecutor(args.utilisateurs) as pool:
            list(pool.map(utilisateur, range(args.utilisateurs)))
        duree_mix = time.perf_counter() - debut
        for c in clients:
            c.fermer()

        dossiers = monde["expertises"]
        debits: dict[str, list[float]] = {"dossier": [], "mon_compte": []}
        for _ in range(2):
            debits["dossier"].append(
                phase_seule(
                    clients, args.debit, lambda k, i: f"/expertises/{dossiers[(k + i) % len(dossiers)]}/", lambda c: c.magistrat
                )
            )
            debits["mon_compte"].append(phase_seule(clients, args.debit, lambda k, i: "/mon-compte/", lambda c: c.agent))
        for c in clients:
            c.fermer()
    finally:
        if serveur is not None:
            serveur.arreter()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)

    try:
        journal = json.loads(python_django(env, JOURNAL))
        verification = manage(env, "verifier_journal", check=False)
    finally:
        psql(args.pg, f"drop database if exists {BASE} with (force)")
        subprocess.run(["rm", "-rf", str(dossier)], check=False)
    sans_trou = journal["mini"] == 0 and journal["maxi"] == journal["n"] - 1 == journal["taille"] - 1
    journal_ok = sans_trou and verification.returncode == 0

    print(
        f"mixed phase: {envoyees[0]} requests by {args.utilisateurs} users in {duree_mix:.1f} s ({envoyees[0] / duree_mix:.0f} req/s)"
    )
    print(f"{'kind':16} {'n':>6} {'p50 ms':>9} {'p95 ms':>9}")
    p95_ms = {}
    for genre, valeurs in sorted(m.durees.items()):
        p95_ms[genre] = round(p95(valeurs) * 1000, 1)
        print(f"{genre:16} {len(valeurs):6d} {statistics.median(valeurs) * 1000:9.1f} {p95_ms[genre]:9.1f}")
    erreurs = sum(m.erreurs.values())
    print(f"errors: {erreurs} {dict(m.erreurs) if erreurs else ''}")
    print(
        f"evidence log: {journal['n']} events, indices {journal['mini']}..{journal['maxi']}, tree size {journal['taille']}, "
        f"{'gapless' if sans_trou else 'GAP'}, verifier_journal {'ok' if verification.returncode == 0 else 'FAILED'}"
    )
    rps_dossier, rps_compte = statistics.median(debits["dossier"]), statistics.median(debits["mon_compte"])
    ratio = rps_dossier / rps_compte
    print(
        f"throughput alone ({args.utilisateurs} users): case page {rps_dossier:.0f} req/s, /mon-compte/ {rps_compte:.0f} req/s, "
        f"dashboard_ratio {ratio:.2f} (goal >= 0.3)"
    )
    print(
        json.dumps(
            {
                "errors": erreurs,
                "p95_ms": p95_ms,
                "p95_ms_is": "per kind of request, mixed phase",
                "dashboard_ratio": round(ratio, 3),
                "case_page_rps": round(rps_dossier, 1),
                "minimal_page_rps": round(rps_compte, 1),
                "evidence_log_gapless": journal_ok,
                "requests": envoyees[0],
                "users": args.utilisateurs,
                "server": f"gunicorn deploy/gunicorn.conf.py, gthread {args.workers} workers x {args.threads} threads",
            }
        )
    )
    if erreurs or not journal_ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
