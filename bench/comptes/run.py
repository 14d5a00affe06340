"""Timing of self sign-up for a new address and for an address that already has an account
(issue 18, item 2: account enumeration by timing).

Both paths go through the real view with production's password hasher (Argon2) and the database
task backend (the mail is queued, as in production), on a fresh SQLite file (or the database named
by BENCH_DATABASE_URL). Each path is timed N times, alternating; the baseline is the same view
answering a form error (no account work at all), measured in the same run. The figure that matters
is the ratio of the two medians (goal: between 0.9 and 1.1); the last line is one JSON object.

Usage: python bench/comptes/run.py [--n 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()

    dossier = Path(tempfile.mkdtemp(prefix="bench-comptes-"))
    os.environ["JUSTEXPERT_DATA_DIR"] = str(dossier)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{dossier / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justexpert.settings.test")
    sys.path.insert(0, str(RACINE))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from justexpert.comptes.models import Utilisateur

    call_command("migrate", verbosity=0, interactive=False)
    reglages = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        # The measure is about the cost of each path, not about throttling.
        LIMITES={},
        ALLOWED_HOSTS=["*"],
    )
    reglages.enable()
    Utilisateur.objects.create_user("existant@bench.fr", "un-mot-de-passe-assez-long", email_verifie=True)
    client = Client()
    url = reverse("comptes:inscription")

    def poster(email: str, confirmation: str = "un-mot-de-passe-assez-long") -> float:
        donnees = {"prenom": "Alix", "nom": "Durand", "email": email, "mot_de_passe": "un-mot-de-passe-assez-long"}
        debut = time.perf_counter()
        reponse = client.post(url, {**donnees, "confirmation": confirmation})
        duree = time.perf_counter() - debut
        assert reponse.status_code == 200, reponse.status_code
        return duree * 1000

    for i in range(3):  # warm-up: templates, connections, hasher
        poster(f"chauffe{i}@bench.fr")
        poster("existant@bench.fr")
    nouveaux, existants, erreurs = [], [], []
    for i in range(args.n):
        nouveaux.append(poster(f"nouveau{i}@bench.fr"))
        existants.append(poster("existant@bench.fr"))
        erreurs.append(poster(f"erreur{i}@bench.fr", confirmation="pas-la-meme"))
    m_nouveau, m_existant, m_erreur = (statistics.median(x) for x in (nouveaux, existants, erreurs))
    print(f"sign-up, new address:      median {m_nouveau:7.1f} ms  (min {min(nouveaux):.1f}, max {max(nouveaux):.1f})")
    print(f"sign-up, existing address: median {m_existant:7.1f} ms  (min {min(existants):.1f}, max {max(existants):.1f})")
    print(f"baseline, form error:      median {m_erreur:7.1f} ms")
    print(
        json.dumps(
            {
                "n": args.n,
                "nouvelle_ms": round(m_nouveau, 1),
                "existante_ms": round(m_existant, 1),
                "erreur_formulaire_ms": round(m_erreur, 1),
                "ratio_existante_nouvelle": round(m_existant / m_nouveau, 3),
            }
        )
    )
    reglages.disable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
