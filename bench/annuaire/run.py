"""Benchmark of importer_experts (issue 6).

Generates a list of N experts (default 15,000, one or two inscriptions each) on the 36 cours
d'appel, imports it through `importation.importer()` in a fresh SQLite file (or the database named
by BENCH_DATABASE_URL), then deletes the rows and inserts the very same rows again with one
`bulk_create` per table (fiches, inscriptions, history) in this same process: the baseline.
import_ratio = import time / baseline time (goal ≤ 3). A second import of the same file is timed
too (it must change nothing). The last line is one JSON object.

Usage: python bench/annuaire/run.py [--experts N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=15_000)
    args = parser.parse_args()

    dossier = Path(tempfile.mkdtemp(prefix="bench-annuaire-"))
    os.environ["JUSTEXPERT_DATA_DIR"] = str(dossier)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{dossier / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justexpert.settings.test")
    sys.path.insert(0, str(RACINE))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from justexpert.annuaire import importation, nomenclature
    from justexpert.annuaire.models import ElementNomenclature, Expert, Historique, Inscription
    from justexpert.comptes import organisations
    from justexpert.comptes.models import Organisation, TypeOrganisation

    call_command("migrate", verbosity=0, interactive=False)
    organisations.charger_reference()
    data = Path(nomenclature.__file__).resolve().parent / "data"
    for fichier in ("nomenclature-2022-fragment.csv", "nomenclature-demo-complement.csv"):
        nomenclature.importer((data / fichier).read_bytes(), version="2022")
    specialites = list(
        ElementNomenclature.objects.filter(version__code="2022", niveau="specialite").values_list("code", flat=True)
    )
    cours = list(Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL))

    rng = random.Random(6)  # noqa: S311 (test data)
    sortie = io.StringIO()
    w = csv.writer(sortie)
    w.writerow(importation.COLONNES)
    lignes = 0
    for n in range(args.experts):
        cour = rng.choice(cours)
        dep = str(cour.departements[0])
        cp = (dep + "000")[:5] if len(dep) == 2 and dep.isdigit() else "75001"
        identite = [
            f"X{n:06d}",
            rng.choice(["Mme", "M."]),
            f"Nom{n}",
            f"Prenom{n}",
            f"19{rng.randint(55, 90)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "Ingénieur",
            f"{n} rue du Palais",
            cp,
            "Ville",
            f"e{n}@exemple.fr",
            "01 23 45 67 89",
            "",
            "",
            "",
        ]
        for spe in rng.sample(specialites, rng.choice([1, 1, 2])):
            w.writerow(
                [*identite, cour.code, spe, "", rng.choice(["probatoire", "inscrit"]), f"20{rng.randint(20, 25)}-01-01", "", ""]
            )
            lignes += 1
    contenu = sortie.getvalue().encode()

    t0 = time.perf_counter()
    rapport = importation.importer(contenu)
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = importation.importer(contenu)
    t_second = time.perf_counter() - t0
    assert second.inchange, "second import changed something"  # noqa: S101

    experts = list(Expert.objects.values())
    inscriptions = list(Inscription.objects.values())
    historique = list(Historique.objects.values())
    with transaction.atomic():
        Historique.objects.all().delete()
        Inscription.objects.all().delete()
        Expert.objects.all().delete()
    t0 = time.perf_counter()
    with transaction.atomic():
        Expert.objects.bulk_create([Expert(**v) for v in experts], batch_size=2000)
        Inscription.objects.bulk_create([Inscription(**v) for v in inscriptions], batch_size=2000)
        Historique.objects.bulk_create([Historique(**v) for v in historique], batch_size=2000)
    t_base = time.perf_counter() - t0

    resultat = {
        "experts": rapport.fiches_creees,
        "inscriptions": rapport.inscriptions_creees,
        "historique": len(historique),
        "lignes": lignes,
        "import_s": round(t_import, 3),
        "second_import_s": round(t_second, 3),
        "bulk_create_s": round(t_base, 3),
        "import_ratio": round(t_import / t_base, 2),
        "database": os.environ["DATABASE_URL"].split(":", 1)[0],
    }
    print(f"import of {lignes} rows: {t_import:.2f} s; same rows by bulk_create: {t_base:.2f} s; re-import: {t_second:.2f} s")
    print(json.dumps(resultat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
