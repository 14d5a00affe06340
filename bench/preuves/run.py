"""Benchmark of the evidence log (issue 3, goal 7).

Appends N events (default 100,000) through `enregistrer()` in a fresh SQLite file (or the
database named by BENCH_DATABASE_URL), committing in batches so each batch gets its checkpoint
(signed and timestamped by the built-in authority). Then measures:
- proof_ms: mean time of an inclusion proof for random leaves at that size (goal ≤ 5 ms);
- verify_ratio: full `verifier_journal` time divided by the time of recomputing the same leaf and
  node hashes from an in-memory list in this same process (goal ≤ 3).
The last line is one JSON object.

Usage: python bench/preuves/run.py [--evenements N] [--lot TAILLE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evenements", type=int, default=100_000)
    parser.add_argument("--lot", type=int, default=1000)
    parser.add_argument("--preuves", type=int, default=2000)
    args = parser.parse_args()

    dossier = Path(tempfile.mkdtemp(prefix="bench-preuves-"))
    os.environ["JUSTEXPERT_DATA_DIR"] = str(dossier)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{dossier / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justexpert.settings.test")
    sys.path.insert(0, str(RACINE))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from justexpert.preuves import controle, merkle, services
    from justexpert.preuves.models import PointDeControle

    call_command("migrate", verbosity=0, interactive=False)

    debut = time.perf_counter()
    restant = args.evenements
    while restant:
        n = min(args.lot, restant)
        with transaction.atomic():
            for _ in range(n):
                services.enregistrer(
                    "depot",
                    acteur_ref=uuid.uuid4(),
                    objet_ref=uuid.uuid4(),
                    dossier_ref=uuid.uuid4(),
                    document_sha256=random.randbytes(32).hex(),
                )
        restant -= n
    duree_ajout = time.perf_counter() - debut
    taille = services.taille_journal()
    assert taille == args.evenements, taille
    print(
        f"ajout : {taille} événements en {duree_ajout:.1f} s ({1e6 * duree_ajout / taille:.0f} µs/événement), "
        f"{PointDeControle.objects.count()} points de contrôle"
    )

    indices = [random.randrange(taille) for _ in range(args.preuves)]
    debut = time.perf_counter()
    for index in indices:
        services.preuve_inclusion(index, taille)
    proof_ms = 1000 * (time.perf_counter() - debut) / len(indices)
    print(f"preuve d'inclusion à {taille} : {proof_ms:.3f} ms en moyenne ({len(indices)} preuves)")

    # Best of 3 for both sides (the first run also pays cold caches, e.g. reading the SQLite WAL).
    durees = []
    for _ in range(3):
        debut = time.perf_counter()
        resultat = controle.verifier_journal()
        durees.append(time.perf_counter() - debut)
        assert resultat.ok, resultat.anomalies[:5]
    duree_verif = min(durees)

    # Baseline: the same leaf and node hashes from an in-memory list, in this process.
    from justexpert.preuves.models import Evenement

    feuilles = [bytes(f) for f in Evenement.objects.order_by("index").values_list("feuille", flat=True)]
    references = []
    for _ in range(3):
        debut = time.perf_counter()
        frontiere: list[bytes] = []
        noeuds = {}
        for i, f in enumerate(feuilles):
            for n, v in merkle.ajouter_feuille(i, frontiere, merkle.hash_feuille(f)):
                noeuds[merkle.cle_noeud(*n)] = v
        references.append(time.perf_counter() - debut)
    duree_reference = min(references)
    verify_ratio = duree_verif / duree_reference
    print(
        f"verifier_journal (meilleur de 3) : {duree_verif:.2f} s ; recalcul en mémoire : {duree_reference:.2f} s ; rapport {verify_ratio:.2f}"
    )
    print(
        json.dumps(
            {
                "evenements": taille,
                "append_s": round(duree_ajout, 1),
                "proof_ms": round(proof_ms, 3),
                "verify_ratio": round(verify_ratio, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
