"""Measured relevance of the search (issue 21) on the evaluation set of ``jeu_evaluation``.

In a throwaway database (SQLite file, or a PostgreSQL database whose name starts with
``justexpert_bench``, dropped afterwards): the set's nomenclature, the thesaurus of the platform,
150 experts inscribed on the lists of five cours d'appel, the index built; then every mission is
searched as a greffier of the tribunal judiciaire de Paris would (mission text, every cour
d'appel list) and the first ten results are judged.

Figures, for the tuning part and the held-out part (``reserve``) apart: mean nDCG@5 and nDCG@10
(gain 2^grade - 1, ideal order from every expert of the set), missions whose first result is
ideal (grade 3), clearly wrong experts in the top tens (``jeu_evaluation.clairement_faux``).
Last line: ``PERTINENCE {json}``.

Usage: python bench/recherche/evaluation.py [--base sqlite:///…|postgres://…/justexpert_bench_eval] [--detail]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(RACINE))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _dcg(notes: list[int]) -> float:
    return sum((2**n - 1) / math.log2(i + 2) for i, n in enumerate(notes))


def ndcg(obtenues: list[int], toutes: list[int], k: int) -> float:
    ideal = _dcg(sorted(toutes, reverse=True)[:k])
    return _dcg(obtenues[:k]) / ideal if ideal else 1.0


def preparer() -> None:
    import datetime as dt

    import jeu_evaluation as jeu
    from django.core.management import call_command

    from justexpert.annuaire import nomenclature
    from justexpert.annuaire.models import ElementNomenclature, Expert, Inscription
    from justexpert.comptes import organisations
    from justexpert.comptes.models import Organisation
    from justexpert.recherche import index, thesaurus

    call_command("migrate", verbosity=0, interactive=False)
    organisations.charger_reference()
    organisations.importer_tribunaux("code,nom,cour_appel,departement\nTJ_PARIS,Tribunal judiciaire de Paris,PARIS,75\n")
    lignes = ["code,branch_code,branch_label,rubric_code,rubric_label,specialty_label"]

    def cellule(v: str) -> str:
        return '"' + v.replace('"', '""') + '"'

    for b, libelle in jeu.BRANCHES.items():
        lignes.append(f"{b},{b},{cellule(libelle)},,,")
    for r, libelle in jeu.RUBRIQUES.items():
        lignes.append(f"{r},{r.split('.')[0]},,{r},{cellule(libelle)},")
    for code, (libelle, _) in jeu.SPECIALITES.items():
        r = ".".join(code.split(".")[:2])
        lignes.append(f"{code},{code.split('.')[0]},,{r},{cellule(jeu.RUBRIQUES[r])},{cellule(libelle)}")
    nomenclature.importer("\n".join(lignes).encode(), version="2022", debut=dt.date(2024, 1, 1))
    thesaurus.charger(thesaurus.lire())
    specialites = dict(ElementNomenclature.objects.filter(niveau="specialite").values_list("code", "pk"))
    cours = {o.code: o for o in Organisation.objects.filter(code__in=jeu.COURS)}
    experts = jeu.experts()
    objets = [
        Expert(
            reference=e.reference,
            nom=e.nom,
            prenom="Éval",
            departement=(cours[e.cour].departements or ["75"])[0],
            cour_appel=cours[e.cour],
            specialites_fines=e.specialites_fines,
        )
        for e in experts
    ]
    Expert.objects.bulk_create(objets)
    pks = dict(Expert.objects.values_list("reference", "pk"))
    Inscription.objects.bulk_create(
        Inscription(
            expert_id=pks[e.reference],
            liste=cours[e.cour],
            specialite_id=specialites[e.code],
            statut="inscrit",
            debut=dt.date(2024, 1, 1),
            fin=dt.date(2029, 1, 1),
            inscrit_depuis=dt.date(2024, 1, 1),
        )
        for e in experts
    )
    index.reconstruire()


def evaluer(detail: bool = False) -> dict:
    import jeu_evaluation as jeu

    from justexpert.annuaire.models import Inscription
    from justexpert.comptes.models import Organisation, Role, Utilisateur
    from justexpert.comptes.services import ajouter_appartenance
    from justexpert.recherche import moteur

    user = Utilisateur.objects.create_user("greffier.eval@bench.invalid", "mot-de-passe-eval-2026", prenom="G", nom="Eval")
    ajouter_appartenance(
        None,
        acteur=None,
        utilisateur=user,
        role=Role.GREFFIER,
        organisation=Organisation.objects.get(code="TJ_PARIS"),
        habilitations=[],
    )
    codes: dict[int, list[str]] = {}
    for pk, code in Inscription.objects.values_list("expert_id", "specialite__code"):
        codes.setdefault(pk, []).append(code)
    parties: dict[str, dict] = {}
    for m in jeu.MISSIONS:
        r = moteur.rechercher(moteur.Criteres(texte=m.texte, cour=None, liste=moteur.Liste.COUR), user=user)
        top = [x.expert.pk for x in r.resultats[:10]]
        notes = [jeu.note(m, codes[pk]) for pk in top]
        toutes = [jeu.note(m, c) for c in codes.values()]
        faux = sum(1 for pk in top if jeu.clairement_faux(m, codes[pk]))
        p = parties.setdefault(
            "reserve" if m.reserve else "mise_au_point",
            {"n": 0, "ndcg5": 0.0, "ndcg10": 0.0, "premier_ideal": 0, "clairement_faux": 0},
        )
        p["n"] += 1
        p["ndcg5"] += ndcg(notes, toutes, 5)
        p["ndcg10"] += ndcg(notes, toutes, 10)
        p["premier_ideal"] += int(bool(notes) and notes[0] == 3)
        p["clairement_faux"] += faux
        if detail:
            print(f"\n{'[réserve] ' if m.reserve else ''}{m.texte[:100]}")
            print(
                f"  nDCG@10 {ndcg(notes, toutes, 10):.2f}  notes {notes}  faux {faux}  compétents {r.competents}/{len(r.resultats)}  {r.messages}"
            )
            for x in r.resultats[:5]:
                print(
                    f"   {x.niveau_competence} {codes[x.expert.pk]} {x.raisons[0]} | {x.raisons[1] if len(x.raisons) > 1 else ''}"
                )
    resultat = {}
    for nom, p in parties.items():
        n = p["n"]
        resultat[nom] = {
            "missions": n,
            "ndcg_5": round(p["ndcg5"] / n, 3),
            "ndcg_10": round(p["ndcg10"] / n, 3),
            "premier_ideal": p["premier_ideal"],
            "premier_ideal_part": round(p["premier_ideal"] / n, 3),
            "clairement_faux_top10": p["clairement_faux"],
            "clairement_faux_par_10_missions": round(10 * p["clairement_faux"] / n, 2),
        }
    return resultat


def enfant(detail: bool) -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.RECHERCHE_FRAICHEUR_S = 0
    for nom, valeur in json.loads(os.environ.get("BENCH_EVAL_REGLAGES", "{}")).items():
        setattr(settings, nom, valeur)  # trying other thresholds without editing the code
    preparer()
    resultat = evaluer(detail)
    print("PERTINENCE " + json.dumps(resultat), flush=True)


def mesurer(base: str, detail: bool = False, dossier: Path | None = None) -> dict:
    """Run the evaluation in a child process on the database ``base`` (created empty first for
    PostgreSQL, dropped after); returns the figures."""
    import psycopg

    postgres = base.startswith("postgres")
    if postgres:
        nom = urllib.parse.urlsplit(base).path.lstrip("/")
        if not nom.startswith("justexpert_bench"):
            raise SystemExit(f"refusing to drop {nom!r}: the database name must start with justexpert_bench")
        admin = urllib.parse.urlsplit(base)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as c:
            c.execute(f"DROP DATABASE IF EXISTS {nom} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {nom}")
    else:  # a SQLite file left by an earlier run (``--garder``) is started again from scratch
        fichier = Path(urllib.parse.urlsplit(base).path)
        if base.startswith("sqlite:///") and fichier.name.endswith(".sqlite3"):
            fichier.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUSTEXPERT_", "DATABASE_", "DJANGO_"))}
    dossier = dossier or Path(tempfile.mkdtemp(prefix="bench-eval-"))
    env.update(
        DJANGO_SETTINGS_MODULE="justexpert.settings.dev",
        JUSTEXPERT_DEMO="0",
        JUSTEXPERT_DATA_DIR=str(dossier / "donnees"),
        DATABASE_URL=base,
        PYTHONPATH=str(RACINE),
    )
    try:
        sortie = subprocess.run(
            [sys.executable, __file__, "--enfant", *(["--detail"] if detail else [])],
            cwd=RACINE,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    finally:
        if postgres:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as c:
                c.execute(f"DROP DATABASE IF EXISTS {nom} WITH (FORCE)")
    resultat: dict = {}
    for ligne in sortie.splitlines():
        if ligne.startswith("PERTINENCE "):
            resultat = json.loads(ligne[len("PERTINENCE ") :])
        elif detail:
            print(ligne)
    return resultat


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="", help="database URL (default: a SQLite file in a temporary folder)")
    p.add_argument("--detail", action="store_true", help="print the first results of every mission")
    p.add_argument("--enfant", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.enfant:
        enfant(args.detail)
        return 0
    dossier = Path(tempfile.mkdtemp(prefix="bench-eval-"))
    base = args.base or f"sqlite:///{dossier / 'eval.sqlite3'}"
    print(json.dumps(mesurer(base, args.detail, dossier), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
