"""Benchmark of the control judge's dashboard (issue 26, goal 4).

Builds, in a fresh SQLite file (or the PostgreSQL database named by --postgres, created then
dropped), a tribunal judiciaire with 8,000 open cases (default) straight into the tables with
``bulk_create``: 250 experts, each case with its magistrate and expert, three transitions of
history, a few deposits' worth of automatic deadline reminders and judge's reminders, a third of
the cases past their report deadline, a fifth waiting for their provision. Then, in-process with
Django's test client logged in as the judge of the control (session with the second factor
done), it measures interleaved in the same run:

  - the dashboard (``controle:tableau``) over a mix of typical views: default (deadline order),
    late only, provision unpaid, no activity for 30 days, sorted by last activity, one expert,
    page 40;
  - the minimal authenticated DSFR page (``/mon-compte/``), the baseline.

Goal: p95 of the dashboard mix <= 3 x p95 of the minimal page (p95_ratio). The per-expert summary
(``controle:experts``, every open case of the court in one page) is measured too, for
information. It also prints the number of SQL queries of each view of the mix (constant: it does
not grow with the number of cases). Last line: one JSON object.

Usage: python bench/controle/run.py [--expertises 8000] [--requetes 150]
       [--postgres postgres://postgres@127.0.0.1:5432/justexpert_bench_controle]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

RACINE = Path(__file__).resolve().parent.parent.parent
EMAIL = "juge.controle@bench.invalid"


def quantile(valeurs: list[float], q: int) -> float:
    return statistics.quantiles(valeurs, n=100, method="inclusive")[q - 1]


def psql(url: str, sql: str) -> None:
    parts = urlsplit(url)
    admin = f"{parts.scheme}://{parts.netloc}/postgres"
    subprocess.run(["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True, capture_output=True)


def preparer(n: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from justexpert.annuaire.models import Expert
    from justexpert.comptes import organisations
    from justexpert.comptes.models import Habilitation, Organisation, Role, Utilisateur
    from justexpert.comptes.services import ajouter_appartenance
    from justexpert.expertises.models import (
        Etat,
        Expertise,
        Historique,
        Participant,
        Qualite,
        Rappel,
        Relance,
        StatutConsignation,
    )
    from justexpert.lib.temps import maintenant
    from justexpert.preuves import services as preuves

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    organisations.charger_reference()
    organisations.importer_tribunaux("code,nom,cour_appel,departement\nTJ_BENCH,Tribunal judiciaire de Bench,PARIS,75\n")
    tj = Organisation.objects.get(code="TJ_BENCH")
    juge = Utilisateur.objects.create_user(EMAIL, "bench-controle-2026", prenom="Juge", nom="Contrôle", email_verifie=True)
    ajouter_appartenance(
        None,
        acteur=None,
        utilisateur=juge,
        role=Role.MAGISTRAT,
        organisation=tj,
        habilitations=[Habilitation.CONTROLE_EXPERTISES],
    )
    rng = random.Random(26)  # noqa: S311 (test data)
    maintenant_ = maintenant()
    aujourd_hui = maintenant_.date()
    with transaction.atomic():
        users = Utilisateur.objects.bulk_create(
            [Utilisateur(email=f"expert{i}@bench.invalid", nom=f"Expert{i}", prenom="B", email_verifie=True) for i in range(250)]
        )
        users = list(Utilisateur.objects.filter(email__endswith="@bench.invalid").exclude(pk=juge.pk).order_by("id"))
        fiches = Expert.objects.bulk_create([Expert(nom=u.nom, prenom="B", utilisateur=u) for u in users])
        fiches = list(Expert.objects.order_by("id"))
        etats = [Etat.EN_COURS] * 6 + [Etat.NOTIFIEE, Etat.ACCEPTEE, Etat.PHASE_DIRES, Etat.REDACTION, Etat.RAPPORT_DEPOSE]
        cases = []
        for i in range(n):
            cree = maintenant_ - dt.timedelta(days=rng.randint(10, 700))
            attente = i % 5 == 0
            cases.append(
                Expertise(
                    juridiction=tj,
                    numero_rg=f"26/{i:05d}",
                    type_procedure="fond",
                    magistrat=juge,
                    date_ordonnance=cree.date(),
                    mission="Mission de bench.",
                    etat=Etat.ATTENTE_CONSIGNATION if attente else rng.choice(etats),
                    consignation_statut=StatutConsignation.A_CONSIGNER if attente else StatutConsignation.CONSIGNEE,
                    date_limite_rapport=aujourd_hui + dt.timedelta(days=rng.randint(-200, 400)),
                    cree_le=cree,
                )
            )
        Expertise.objects.bulk_create(cases, batch_size=2000)
        cases = list(Expertise.objects.filter(juridiction=tj).order_by("id"))
        participants, historique, rappels = [], [], []
        for i, e in enumerate(cases):
            fiche = fiches[i % len(fiches)]
            participants.append(Participant(expertise=e, utilisateur=juge, qualite=Qualite.MAGISTRAT, ajoute_le=e.cree_le))
            participants.append(
                Participant(
                    expertise=e,
                    utilisateur_id=fiche.utilisateur_id,
                    qualite=Qualite.EXPERT,
                    fiche_expert=fiche,
                    ajoute_le=e.cree_le,
                )
            )
            for k, transition in enumerate(("designer", "notifier", "accepter")):
                historique.append(
                    Historique(
                        expertise=e,
                        transition=transition,
                        etat_avant=Etat.ORDONNEE,
                        etat_apres=Etat.ORDONNEE,
                        le=e.cree_le + dt.timedelta(days=3 * k),
                    )
                )
            if i % 4 == 0:
                rappels.append(Rappel(expertise=e, nature="rapport", echeance=e.date_limite_rapport, preavis_jours=7))
        Participant.objects.bulk_create(participants, batch_size=4000)
        Historique.objects.bulk_create(historique, batch_size=4000)
        Rappel.objects.bulk_create(rappels, batch_size=4000)
        evenement = preuves.enregistrer("bench.relance", acteur_ref="bench", objet_ref="bench")
        Relance.objects.bulk_create(
            [
                Relance(
                    expertise=e,
                    expert_id=fiches[i % len(fiches)].utilisateur_id,
                    auteur=juge,
                    message="Relance.",
                    evenement=evenement,
                )
                for i, e in enumerate(cases[::10])
            ]
        )
    # Bulk writes send no signal: the cases' last activity is computed once, as the migration does.
    from justexpert.expertises import activite

    activite.recalculer()
    # Statistics for the planner, as a live database has them (autovacuum / sqlite_stat1).
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    print(
        f"  {n} open cases, {len(historique)} history rows, {len(fiches)} experts: {time.perf_counter() - t0:.1f} s", flush=True
    )


def mesurer(requetes: int) -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from justexpert.annuaire.models import Expert
    from justexpert.comptes.models import Organisation, Utilisateur
    from justexpert.comptes.services import SESSION_MFA

    juge = Utilisateur.objects.get(email=EMAIL)
    tj = Organisation.objects.get(code="TJ_BENCH")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(juge)
    session = client.session
    session[SESSION_MFA] = True
    session.save()
    tableau = reverse("controle:tableau", args=[tj.uuid])
    expert = Expert.objects.order_by("id").values_list("uuid", flat=True)[3]
    mix = [
        tableau,
        tableau + "?en_retard=on",
        tableau + "?provision_non_versee=on",
        tableau + "?inactif_jours=30",
        tableau + "?tri=-activite",
        tableau + f"?expert={expert}",
        tableau + "?page=40",
    ]
    base = "/mon-compte/"
    experts = reverse("controle:experts", args=[tj.uuid])
    requetes_sql = {}
    for url in [*mix, base, experts]:
        client.get(url)
        with CaptureQueriesContext(connection) as q:
            r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)  # noqa: S101
        requetes_sql[url.replace(tableau, "tableau")] = len(q)
    durees: dict[str, list[float]] = {"tableau": [], "base": [], "experts": []}
    for i in range(requetes):
        for cle, url in (("base", base), ("tableau", mix[i % len(mix)]), ("base", base)):
            t0 = time.perf_counter()
            r = client.get(url)
            durees[cle].append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200  # noqa: S101
        if i % 5 == 0:
            t0 = time.perf_counter()
            client.get(experts)
            durees["experts"].append((time.perf_counter() - t0) * 1000)
    p95 = {k: round(quantile(v, 95), 1) for k, v in durees.items()}
    return {
        "p95_ms": p95,
        "p50_ms": {k: round(statistics.median(v), 1) for k, v in durees.items()},
        "p95_ratio": round(p95["tableau"] / p95["base"], 2),
        "experts_p95_ratio": round(p95["experts"] / p95["base"], 2),
        "requetes_sql": requetes_sql,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--expertises", type=int, default=8000)
    parser.add_argument("--requetes", type=int, default=150)
    parser.add_argument("--postgres", default="", help="URL of a PostgreSQL database to create, use and drop")
    args = parser.parse_args()

    dossier = Path(tempfile.mkdtemp(prefix="bench-controle-"))
    os.environ["JUSTEXPERT_DATA_DIR"] = str(dossier)
    os.environ["DATABASE_URL"] = args.postgres or f"sqlite:///{dossier / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justexpert.settings.test")
    os.environ.setdefault("JUSTEXPERT_PREUVES_REPERE", str(dossier / "repere.json"))
    sys.path.insert(0, str(RACINE))
    nom_pg = urlsplit(args.postgres).path.lstrip("/") if args.postgres else ""
    if nom_pg:
        psql(args.postgres, f"drop database if exists {nom_pg} with (force)")
        psql(args.postgres, f"create database {nom_pg}")
    try:
        import django

        django.setup()
        t0 = time.perf_counter()
        preparer(args.expertises)
        resultat = mesurer(args.requetes)
    finally:
        if nom_pg:
            from django.db import connections

            connections.close_all()
            psql(args.postgres, f"drop database if exists {nom_pg} with (force)")
    charge = os.getloadavg()[0]
    resultat = {
        "bench": "controle",
        "database": os.environ["DATABASE_URL"].split(":", 1)[0],
        "expertises_ouvertes": args.expertises,
        "requetes": args.requetes,
        **resultat,
        "load_average_1min": round(charge, 2),
        "duree_s": round(time.perf_counter() - t0, 1),
    }
    print(
        f"dashboard p95 {resultat['p95_ms']['tableau']} ms / minimal page p95 {resultat['p95_ms']['base']} ms "  # type: ignore[index]
        f"= {resultat['p95_ratio']} (goal <= 3); per-expert page ratio {resultat['experts_p95_ratio']}; load {charge:.2f}"
    )
    print(json.dumps(resultat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
