"""Benchmark of recherche (issue 8).

For each backend (SQLite file in a temporary folder; PostgreSQL in a dedicated database created
then dropped by the bench, skipped with a message when the server cannot be reached):

1. generates N experts (default 100,000) straight into the tables with ``bulk_create`` (one
   inscription each on their cour d'appel list, 3 % also on the national list; fine specialities
   written from a building / accounting / medical / translation vocabulary matching their
   specialite; 10 % unavailable, 5 % with a maximum of missions), then builds the search index in
   bulk (``recherche.index.reconstruire``);
2. runs each search of the mix in-process under ``CaptureQueriesContext`` and prints the number of
   SQL queries (it must be the same for every search: filters, text, page);
3. starts gunicorn (2 sync workers) on a free port of 127.0.0.1 with settings pointing to that
   database, logs a greffier in over HTTP (login form, CSRF, session cookie), and measures,
   interleaved in the same run, the mix of typical filtered searches through the real view
   (``/recherche/``) and a minimal authenticated DSFR page (``/mon-compte/``), the baseline.

4. measures the relevance of the search on the evaluation set (``evaluation.py``,
   ``jeu_evaluation.py``: 48 missions written like court orders, 150 experts, graded judgements),
   in a separate small database of the same backend.

Goals: search p95 <= 3 x the minimal page's p95 (p95_ratio); nDCG@10 >= 0.85, first result ideal
in >= 80 % of missions, at most one clearly wrong expert in the top tens per 10 missions. Last line
per backend: JSON with backend, p95_ms, p95_ratio (and p50_ms, the baseline's p95, the query
counts) and ``pertinence`` (tuning part and held-out part apart).

Usage: python bench/recherche/run.py [--experts 100000] [--requetes 240]
       [--postgres postgres://postgres@127.0.0.1:5432/justexpert_bench_recherche | --postgres ""]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluation  # noqa: E402 (bench/recherche/evaluation.py, beside this file)

EMAIL = "greffier.bench@bench.invalid"
MOT_DE_PASSE = "mot-de-passe-de-bench-2026"  # noqa: S105 (throwaway database)
POSTGRES = "postgres://postgres@127.0.0.1:5432/justexpert_bench_recherche"

# Typical searches of a greffier of the tribunal judiciaire de Paris (default list: cour d'appel de
# Paris): free text alone, text + branche, rubrique + département, text on every cour d'appel,
# a later page, another cour with unavailable experts shown, a language.
MIX = [
    "/recherche/?texte=fissures+sur+un+mur+de+maison+neuve",
    "/recherche/?texte=%C3%A9valuation+du+pr%C3%A9judice+financier&nomenclature=D",
    "/recherche/?nomenclature=C.2&departement=75",
    "/recherche/?texte=s%C3%A9quelles+d%27un+accident&cour=&matiere=civile",
    "/recherche/?texte=infiltrations+toiture&page=3",
    "/recherche/?cour=LYON&inclure_indisponibles=on",
    "/recherche/?texte=traduction+anglais&liste=toutes",
]
BASE = "/mon-compte/"

VOCABULAIRE = {
    "C": "fissures lézardes maisons neuves désordres structurels toiture infiltrations humidité garantie décennale "
    "fondations piscines étanchéité charpente murs porteurs",
    "D": "comptabilité audit comptes annuels évaluation entreprises fonds commerce préjudice financier faillite bilans",
    "F": "dommage corporel séquelles blessures accident circulation psychiatrie responsabilité médicale",
}
AUTRE = "traduction juridique anglais allemand espagnol interprétariat"
PROFESSIONS = {"C": "Architecte", "D": "Expert-comptable", "F": "Médecin"}


# --- inside the throwaway database (a child process, Django set up on the bench's settings) -------


def preparer(n: int) -> None:
    import datetime as dt
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from justexpert.annuaire import nomenclature
    from justexpert.annuaire.models import ElementNomenclature, Expert, Inscription
    from justexpert.comptes import organisations
    from justexpert.comptes.models import Organisation, Role, TypeOrganisation, Utilisateur
    from justexpert.comptes.services import ajouter_appartenance
    from justexpert.recherche import index
    from justexpert.recherche.models import Disponibilite, EtatDisponibilite

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if os.environ.get("BENCH_RECHERCHE_GARDER") and Expert.objects.filter(reference__startswith="B").count() == n:
        print("  data kept from a previous run (--garder): generation skipped", flush=True)
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        compter_requetes()
        return
    organisations.charger_reference()
    organisations.importer_tribunaux("code,nom,cour_appel,departement\nTJ_PARIS,Tribunal judiciaire de Paris,PARIS,75\n")
    data = Path(nomenclature.__file__).resolve().parent / "data"
    for fichier in ("nomenclature-2022-fragment.csv", "nomenclature-demo-complement.csv"):
        nomenclature.importer((data / fichier).read_bytes(), version="2022", debut=dt.date(2024, 1, 1))
    print(f"  migrations and reference data: {time.perf_counter() - t0:.1f} s", flush=True)

    rng = random.Random(8)  # noqa: S311 (test data)
    specialites = list(ElementNomenclature.objects.filter(niveau="specialite").values_list("pk", "code"))
    cours = list(Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL))
    nationale = Organisation.objects.get(type=TypeOrganisation.COUR_CASSATION)
    t0 = time.perf_counter()
    lot = 5000
    with transaction.atomic():
        choix: list[tuple[int, int]] = []  # (cour pk, specialite pk) per expert, in creation order
        for debut in range(0, n, lot):
            experts = []
            for i in range(debut, min(n, debut + lot)):
                cour = rng.choice(cours)
                spe_pk, code = rng.choice(specialites)
                mots = VOCABULAIRE.get(code[0], AUTRE).split()
                choix.append((cour.pk, spe_pk))
                experts.append(
                    Expert(
                        reference=f"B{i:06d}",
                        nom=f"Nom{i}",
                        prenom="Bench",
                        departement=rng.choice(cour.departements or ["75"]),
                        cour_appel=cour,
                        profession=PROFESSIONS.get(code[0], "Traducteur"),
                        specialites_fines=", ".join(rng.sample(mots, 5)).capitalize(),
                        langues="anglais, allemand" if code[0] not in VOCABULAIRE else "",
                        matiere_penale=rng.random() > 0.1,
                        echange_securise=rng.random() < 0.3,
                        missions_en_cours=rng.randint(0, 5),
                        derniere_designation=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 500)) if i % 2 else None,
                    )
                )
            Expert.objects.bulk_create(experts, batch_size=lot)
            if (debut + lot) % 25_000 == 0:
                print(f"  experts: {min(n, debut + lot)}/{n}", flush=True)
        ids = list(Expert.objects.filter(reference__startswith="B").order_by("reference").values_list("pk", flat=True))
        debut_ins, fin_ins = dt.date(2024, 1, 1), dt.date(2029, 1, 1)
        inscriptions = []
        for pk, (cour_pk, spe_pk) in zip(ids, choix, strict=True):
            inscriptions.append(
                Inscription(
                    expert_id=pk,
                    liste_id=cour_pk,
                    specialite_id=spe_pk,
                    statut="inscrit",
                    debut=debut_ins,
                    fin=fin_ins,
                    inscrit_depuis=debut_ins,
                )
            )
            if rng.random() < 0.03:
                inscriptions.append(
                    Inscription(
                        expert_id=pk,
                        liste=nationale,
                        specialite_id=spe_pk,
                        statut="inscrit",
                        debut=debut_ins,
                        fin=fin_ins,
                        inscrit_depuis=debut_ins,
                    )
                )
        Inscription.objects.bulk_create(inscriptions, batch_size=lot)
        dispos = [Disponibilite(expert_id=pk, etat=EtatDisponibilite.INDISPONIBLE) for pk in ids[::10]]
        dispos += [Disponibilite(expert_id=pk, max_missions=3) for pk in ids[5::20]]
        Disponibilite.objects.bulk_create(dispos, batch_size=lot)
    print(
        f"  {n} experts, {len(inscriptions)} inscriptions, {len(dispos)} availabilities: {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    t0 = time.perf_counter()
    documents = index.reconstruire()
    print(f"  search index ({documents} documents, index.reconstruire): {time.perf_counter() - t0:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("ANALYZE")

    user = Utilisateur.objects.create_user(EMAIL, MOT_DE_PASSE, prenom="Greffier", nom="Bench", email_verifie=True)
    tj = Organisation.objects.get(code="TJ_PARIS")
    ajouter_appartenance(None, acteur=None, utilisateur=user, role=Role.GREFFIER, organisation=tj, habilitations=[])
    compter_requetes()


def compter_requetes() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from justexpert.comptes.models import Utilisateur
    from justexpert.recherche import index

    user = Utilisateur.objects.get(email=EMAIL)

    # Queries per request, in-process, at steady state (the freshness check runs at most every
    # RECHERCHE_FRAICHEUR_S per process, counted apart).
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    settings.RECHERCHE_FRAICHEUR_S = 3600
    index.actualiser(force=True)
    comptes = []
    for url in MIX:
        client.get(url)
        with CaptureQueriesContext(connection) as q:
            r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)  # noqa: S101
        comptes.append(len(q))
    with CaptureQueriesContext(connection) as q:
        index.actualiser(force=True)
    print("QUERIES " + json.dumps({"recherche": comptes, "controle_fraicheur": len(q)}), flush=True)


# --- outside: database lifecycle, server, HTTP client -----------------------------------------------


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def requete(
    port: int, methode: str, url: str, cookies: dict[str, str], corps: str | None = None
) -> tuple[int, dict, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    entetes = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if corps is not None:
        entetes["Content-Type"] = "application/x-www-form-urlencoded"
    debut = time.perf_counter()
    conn.request(methode, url, body=corps, headers=entetes)
    r = conn.getresponse()
    contenu = r.read()
    duree = (time.perf_counter() - debut) * 1000
    for valeur in r.headers.get_all("Set-Cookie") or []:
        for nom, morsel in http.cookies.SimpleCookie(valeur).items():
            cookies[nom] = morsel.value
    conn.close()
    return r.status, dict(r.headers), contenu, duree


def se_connecter(port: int) -> dict[str, str]:
    """The login form over HTTP, as a browser does it: GET (CSRF cookie and token), POST, 302."""
    cookies: dict[str, str] = {}
    for _ in range(200):  # the server may still be starting
        try:
            statut, _, page, _ = requete(port, "GET", "/connexion/", cookies)
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise RuntimeError("gunicorn did not answer")
    jeton = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if statut != 200 or jeton is None:
        raise RuntimeError(f"/connexion/: HTTP {statut}, no CSRF token")
    corps = urllib.parse.urlencode({"csrfmiddlewaretoken": jeton.group(1).decode(), "email": EMAIL, "mot_de_passe": MOT_DE_PASSE})
    statut, _, _, _ = requete(port, "POST", "/connexion/", cookies, corps)
    if statut != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login failed: HTTP {statut}")
    return cookies


def mesurer(port: int, cookies: dict[str, str], url: str) -> float:
    statut, _, _, duree = requete(port, "GET", url, dict(cookies))
    if statut != 200:
        raise RuntimeError(f"{url}: HTTP {statut}")
    return duree


def quantile(valeurs: list[float], q: int) -> float:
    return statistics.quantiles(valeurs, n=100, method="inclusive")[q - 1]


def lancer(backend: str, database_url: str, dossier: Path, n: int, requetes: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUSTEXPERT_", "DATABASE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="justexpert.settings.dev",
        DJANGO_DEBUG="0",
        JUSTEXPERT_DEMO="0",
        JUSTEXPERT_MFA_OBLIGATOIRE="0",
        JUSTEXPERT_DATA_DIR=str(dossier / backend),
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(RACINE),
    )
    print(f"[{backend}] generating {n} experts…", flush=True)
    debut = t0 = time.perf_counter()
    sortie = subprocess.run(
        [sys.executable, __file__, "--preparer", "--experts", str(n)],
        cwd=RACINE,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    comptes = {}
    for ligne in sortie.splitlines():
        if ligne.startswith("QUERIES "):
            comptes = json.loads(ligne[8:])
        else:
            print(f"[{backend}] {ligne.strip()}", flush=True)
    print(f"[{backend}] prepared in {time.perf_counter() - t0:.0f} s", flush=True)
    constant = len(set(comptes["recherche"])) == 1
    print(
        f"[{backend}] SQL queries per search of the mix: {comptes['recherche']} "
        f"({'constant' if constant else 'NOT CONSTANT'}); freshness check, at most every 2 s per worker: "
        f"{comptes['controle_fraicheur']}",
        flush=True,
    )

    port = port_libre()
    journal = open(dossier / f"gunicorn-{backend}.log", "w")  # noqa: SIM115 (closed in finally)
    serveur = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "justexpert.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--access-logfile", "-"],
        cwd=RACINE,
        env=env,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    try:
        cookies = se_connecter(port)
        print(f"[{backend}] gunicorn on 127.0.0.1:{port} (2 workers), logged in over HTTP as {EMAIL}", flush=True)
        for _ in range(3):  # warm-up: both workers, every URL
            for url in [*MIX, BASE]:
                mesurer(port, cookies, url)
        recherche: list[float] = []
        base: list[float] = []
        t0 = time.perf_counter()
        for i in range(requetes):
            recherche.append(mesurer(port, cookies, MIX[i % len(MIX)]))
            base.append(mesurer(port, cookies, BASE))
            if (i + 1) % 60 == 0:
                print(f"[{backend}] {i + 1}/{requetes} searches ({time.perf_counter() - t0:.0f} s)", flush=True)
    finally:
        serveur.terminate()
        serveur.wait(timeout=30)
        journal.close()
    par_url = {url: statistics.median(recherche[i :: len(MIX)]) for i, url in enumerate(MIX)}
    for url, mediane in par_url.items():
        print(f"[{backend}]   median {mediane:6.1f} ms  {urllib.parse.unquote_plus(url)}")
    p50, p95 = quantile(recherche, 50), quantile(recherche, 95)
    p50_base, p95_base = quantile(base, 50), quantile(base, 95)
    print(f"[{backend}] done in {time.perf_counter() - debut:.0f} s")
    print(f"[{backend}] search p50 {p50:.1f} ms, p95 {p95:.1f} ms; {BASE} p50 {p50_base:.1f} ms, p95 {p95_base:.1f} ms")
    # Relevance on the evaluation set (issue 21), on the same backend, in its own database.
    if backend == "sqlite":
        base_eval = f"sqlite:///{dossier / 'evaluation.sqlite3'}"
    else:
        nom = urllib.parse.urlsplit(database_url).path.lstrip("/")
        base_eval = urllib.parse.urlsplit(database_url)._replace(path=f"/{nom}_evaluation").geturl()
    pertinence = evaluation.mesurer(base_eval, dossier=dossier)
    for partie, chiffres in pertinence.items():
        print(f"[{backend}] relevance ({partie}): {json.dumps(chiffres)}", flush=True)
    resultat = {
        "backend": backend,
        "experts": n,
        "requetes": requetes,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "base_p95_ms": round(p95_base, 1),
        "p95_ratio": round(p95 / p95_base, 2),
        "queries_per_search": comptes["recherche"][0] if constant else comptes["recherche"],
        "pertinence": pertinence,
    }
    print(json.dumps(resultat), flush=True)
    return resultat


def postgres_admin(url: str, sql: str) -> bool:
    """Run one statement on the server's ``postgres`` database; False if the server is unreachable."""
    import psycopg

    cible = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(cible, autocommit=True, connect_timeout=5) as c:
            c.execute(sql)
    except psycopg.OperationalError as e:
        print(f"[postgresql] {e}".strip())
        return False
    return True


def postgres_existe(url: str, nom: str) -> bool:
    import psycopg

    cible = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(cible, autocommit=True, connect_timeout=5) as c:
            return c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom]).fetchone() is not None
    except psycopg.OperationalError:
        return False


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--experts", type=int, default=100_000)
    p.add_argument("--requetes", type=int, default=240, help="searches per backend (as many minimal pages, interleaved)")
    p.add_argument("--postgres", default=os.environ.get("BENCH_RECHERCHE_POSTGRES", POSTGRES), help='"" to skip PostgreSQL')
    p.add_argument("--sans-sqlite", action="store_true")
    p.add_argument(
        "--garder",
        metavar="DOSSIER",
        default="",
        help="keep the generated databases (SQLite file in DOSSIER, PostgreSQL database not dropped) and reuse them",
    )
    p.add_argument("--preparer", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.preparer:
        preparer(args.experts)
        return 0

    garder = bool(args.garder)
    if garder:
        dossier = Path(args.garder).resolve()
        dossier.mkdir(parents=True, exist_ok=True)
        os.environ["BENCH_RECHERCHE_GARDER"] = "1"
    else:
        dossier = Path(tempfile.mkdtemp(prefix="bench-recherche-"))
    try:
        if not args.sans_sqlite:
            lancer("sqlite", f"sqlite:///{dossier / 'bench.sqlite3'}", dossier, args.experts, args.requetes)
        if args.postgres:
            nom = urllib.parse.urlsplit(args.postgres).path.lstrip("/")
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", nom) or not nom.startswith("justexpert_bench"):
                raise SystemExit(f"refusing to drop {nom!r}: the database name must start with justexpert_bench")
            if garder and postgres_existe(args.postgres, nom):
                lancer("postgresql", args.postgres, dossier, args.experts, args.requetes)
            elif postgres_admin(args.postgres, f"DROP DATABASE IF EXISTS {nom} WITH (FORCE)"):
                postgres_admin(args.postgres, f"CREATE DATABASE {nom}")
                try:
                    lancer("postgresql", args.postgres, dossier, args.experts, args.requetes)
                finally:
                    if not garder:
                        postgres_admin(args.postgres, f"DROP DATABASE IF EXISTS {nom} WITH (FORCE)")
            else:
                print("[postgresql] server unreachable: PostgreSQL part skipped")
    except BaseException:
        print(f"gunicorn logs kept in {dossier}")
        raise
    if not garder:
        shutil.rmtree(dossier, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
