"""Benchmark of recherche (issue 8).

Generates 100,000 experts (one inscription each, fine specialities from a building / accounting /
medical / translation vocabulary, 10 % unavailable), then measures over HTTP, through the real view
served by gunicorn (2 sync workers) on 127.0.0.1, p50 and p95 of a mix of typical filtered
searches, and in the same run, interleaved, p95 of a minimal authenticated DSFR page
(``/mon-compte/``). Goal: search p95 <= 3 x that page's p95. Also prints the number of SQL queries per
search for each request of the mix (must be the same for all).

Runs on SQLite, and on PostgreSQL when ``--postgres URL`` is given (a dedicated database, dropped
and recreated). Last line per backend: JSON with backend, p95_ms, p95_ratio.

Usage: python bench/recherche/run.py [--experts 100000] [--requetes 300] [--postgres postgres://…/justexpert_bench_recherche]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent

GENERER = r"""
import random, datetime as dt
from django.db import transaction
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test import Client
from justexpert.comptes import organisations
from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.comptes.services import ajouter_appartenance
from justexpert.annuaire import nomenclature
from justexpert.annuaire.models import Expert, Inscription, ElementNomenclature
from justexpert.recherche import index
from justexpert.recherche.models import Disponibilite
from pathlib import Path
N = int(%(n)d)
random.seed(8)
organisations.charger_reference()
organisations.importer_tribunaux("code,nom,cour_appel,departement\nTJ_PARIS,Tribunal judiciaire de Paris,PARIS,75\n")
DATA = Path(nomenclature.__file__).resolve().parent / "data"
for f in ("nomenclature-2022-fragment.csv", "nomenclature-demo-complement.csv"):
    nomenclature.importer((DATA / f).read_bytes(), version="2022", debut=dt.date(2024, 1, 1))
specs = list(ElementNomenclature.objects.filter(niveau="specialite"))
cours = list(Organisation.objects.filter(type="cour_appel"))
VOC = {
  "C": "fissures lézardes maisons neuves désordres structurels toiture infiltrations humidité garantie décennale fondations piscines étanchéité charpente".split(),
  "D": "comptabilité audit comptes annuels évaluation entreprises fonds commerce préjudice financier faillite bilans".split(),
  "F": "dommage corporel séquelles blessures accident circulation psychiatrie responsabilité médicale".split(),
}
def texte(code):
    voc = VOC.get(code[0], "traduction juridique anglais allemand espagnol interprétariat".split())
    return ", ".join(random.sample(voc, 5))
if not Expert.objects.exists():
    with transaction.atomic():
        experts = []
        for i in range(N):
            ca = random.choice(cours)
            spec = random.choice(specs)
            experts.append(Expert(reference=f"B{i:06d}", nom=f"Nom{i}", prenom="Bench", departement=random.choice(ca.departements or ["75"]),
                cour_appel=ca, specialites_fines=texte(spec.code), profession="Ingénieur", missions_en_cours=random.randint(0, 5),
                derniere_designation=dt.date(2025, 1, 1) + dt.timedelta(days=random.randint(0, 500)) if i %% 2 else None))
        Expert.objects.bulk_create(experts, batch_size=2000)
        ids = list(Expert.objects.values_list("pk", "cour_appel_id"))
        ins = [Inscription(expert_id=pk, liste_id=ca, specialite=random.choice(specs), statut="inscrit", debut=dt.date(2024,1,1),
                fin=dt.date(2029,1,1), inscrit_depuis=dt.date(2024,1,1)) for pk, ca in ids]
        Inscription.objects.bulk_create(ins, batch_size=2000)
        Disponibilite.objects.bulk_create([Disponibilite(expert_id=pk, etat="indisponible") for pk, _ in ids[::10]], batch_size=2000)
    t = time.time() if False else None
index.actualiser(force=True)
u = Utilisateur.objects.filter(email="bench@bench.invalid").first()
if u is None:
    u = Utilisateur.objects.create_user("bench@bench.invalid", "mot-de-passe-de-bench-2026", prenom="B", nom="B", email_verifie=True)
    ajouter_appartenance(None, acteur=None, utilisateur=u, role=Role.MAGISTRAT, organisation=Organisation.objects.get(code="TJ_PARIS"), habilitations=[])
s = SessionStore()
s["_auth_user_id"] = str(u.pk)
s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
s["_auth_user_hash"] = u.get_session_auth_hash()
s.create()
c = Client()
c.force_login(u)
nombres = []
for url in %(mix)r:
    c.get(url, HTTP_HOST="127.0.0.1")
    with CaptureQueriesContext(connection) as q:
        c.get(url, HTTP_HOST="127.0.0.1")
    nombres.append(len(q))
print("QUERIES", json.dumps(nombres) if False else nombres)
print("SESSION", s.session_key)
"""

MIX = [
    "/recherche/?texte=fissures+sur+un+mur+de+maison+neuve",
    "/recherche/?texte=évaluation+du+préjudice+financier&nomenclature=D",
    "/recherche/?nomenclature=C.2&departement=75",
    "/recherche/?texte=séquelles+d%27un+accident&cour=&matiere=civile",
    "/recherche/?texte=infiltrations+toiture&page=3",
    "/recherche/?cour=LYON&inclure_indisponibles=on",
]
BASE = "/mon-compte/"


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mesurer(port: int, session: str, url: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    debut = time.perf_counter()
    conn.request("GET", url, headers={"Cookie": f"sessionid={session}", "Host": "127.0.0.1"})
    r = conn.getresponse()
    r.read()
    duree = time.perf_counter() - debut
    conn.close()
    if r.status != 200:
        raise RuntimeError(f"{url}: HTTP {r.status}")
    return duree * 1000


def quantile(valeurs: list[float], q: float) -> float:
    return statistics.quantiles(valeurs, n=100)[int(q) - 1]


def lancer(backend: str, database_url: str, dossier: Path, n: int, requetes: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUSTEXPERT_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="justexpert.settings.dev",
        DJANGO_DEBUG="0",
        JUSTEXPERT_MFA_OBLIGATOIRE="0",
        JUSTEXPERT_DATA_DIR=str(dossier / "donnees"),
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=RACINE, env=env, check=True)
    t0 = time.perf_counter()
    sortie = subprocess.run(
        [*manage, "shell", "-c", "import json, time\n" + GENERER % {"n": n, "mix": MIX}],
        cwd=RACINE,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(f"[{backend}] {n} experts generated and indexed in {time.perf_counter() - t0:.0f} s")
    requetes_sql = next(line for line in sortie.splitlines() if line.startswith("QUERIES"))
    session = next(line for line in sortie.splitlines() if line.startswith("SESSION")).split()[1]
    print(f"[{backend}] SQL queries per search of the mix: {requetes_sql[8:]}")
    port = port_libre()
    journal = open(dossier / f"gunicorn-{backend}.log", "w")  # noqa: SIM115
    serveur = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "justexpert.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                mesurer(port, session, BASE)
                break
            except (ConnectionRefusedError, OSError):
                time.sleep(0.1)
        for url in MIX:  # warm-up
            mesurer(port, session, url)
        recherche, base = [], []
        for i in range(requetes):
            recherche.append(mesurer(port, session, MIX[i % len(MIX)]))
            base.append(mesurer(port, session, BASE))
    finally:
        serveur.terminate()
        serveur.wait()
        journal.close()
    p50, p95, p95_base = quantile(recherche, 50), quantile(recherche, 95), quantile(base, 95)
    print(f"[{backend}] search p50 {p50:.1f} ms, p95 {p95:.1f} ms; DSFR page p95 {p95_base:.1f} ms")
    resultat = {"backend": backend, "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "p95_ratio": round(p95 / p95_base, 2)}
    print(json.dumps(resultat))
    return resultat


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--experts", type=int, default=100_000)
    p.add_argument("--requetes", type=int, default=300)
    p.add_argument("--postgres", default=os.environ.get("BENCH_RECHERCHE_POSTGRES", ""))
    args = p.parse_args()
    (RACINE / "var").mkdir(exist_ok=True)
    dossier = Path(tempfile.mkdtemp(prefix="bench-recherche-", dir=RACINE / "var"))
    lancer("sqlite", f"sqlite:///{dossier / 'bench.sqlite3'}", dossier, args.experts, args.requetes)
    if args.postgres:
        base = args.postgres.rsplit("/", 1)
        nom = base[1]
        subprocess.run(["psql", base[0] + "/postgres", "-q", "-c", f"drop database if exists {nom}"], check=True)
        subprocess.run(["psql", base[0] + "/postgres", "-q", "-c", f"create database {nom}"], check=True)
        lancer("postgresql", args.postgres, dossier, args.experts, args.requetes)


if __name__ == "__main__":
    main()
