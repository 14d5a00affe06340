#!/usr/bin/env python3
"""Backup and restore drill (``make restauration-essai``), without forking the evidence log.

1. back up the running configuration (database + encrypted objects) with ``manage.py sauvegarder``;
2. export the evidence log after the backup's size (``exporter_journal --depuis N``): the events
   and checkpoints the live log signed since, destructions included — in a real disaster, run it
   on whatever still holds the log (the live instance, a replica);
3. restore into a fresh location (new data folder; new SQLite file, or a new PostgreSQL database)
   with ``manage.py restaurer --journal``, which brings the log up to what was published, replays
   the destructions, raises the log's high-water mark and runs verifier_journal and
   verifier_coffre on the restored copy (docs/fiabilite.md, "Restauration sans fourche du
   journal").

The live instance is whatever the environment points to (default: var/ and SQLite). Development
keys are copied to the restored location; in production they come from the environment. The
high-water mark is copied too, so the drill's copy never shares the live one's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(RACINE / "manage.py")]


def manage(env: dict[str, str], *args: str, sortie: Path | None = None) -> str:
    resultat = subprocess.run(  # noqa: S603 (our own manage.py)
        [*MANAGE, *args], env=env, cwd=RACINE, capture_output=True, text=True, check=False
    )
    if resultat.returncode != 0:
        raise SystemExit(f"échec de manage.py {' '.join(args)} :\n{resultat.stdout}\n{resultat.stderr}")
    if sortie is not None:
        sortie.write_text(resultat.stdout, encoding="utf-8")
    return resultat.stdout


def env_restauration(env_source: dict[str, str], cible: Path, suffixe: str = "") -> dict[str, str]:
    """The environment of a fresh location: data folder `cible`, a new database (PostgreSQL:
    justexpert_restaure_<pid><suffixe>, created here)."""
    env = dict(env_source)
    env["JUSTEXPERT_DATA_DIR"] = str(cible)
    source_url = env_source.get("DATABASE_URL", "")
    if source_url.startswith("postgres"):
        url = urllib.parse.urlsplit(source_url)
        nom = f"justexpert_restaure_{os.getpid()}{suffixe}"
        admin = url._replace(path="/postgres").geturl()
        subprocess.run(["psql", admin, "-c", f'CREATE DATABASE "{nom}"'], check=True, capture_output=True)  # noqa: S603,S607
        env["DATABASE_URL"] = url._replace(path=f"/{nom}").geturl()
    else:
        env["DATABASE_URL"] = f"sqlite:///{cible / 'justexpert.sqlite3'}"
    return env


def data_dir(env: dict[str, str]) -> Path:
    return Path(env.get("JUSTEXPERT_DATA_DIR") or RACINE / "var")


def exercice(env_source: dict[str, str], travail: Path, *, apres_sauvegarde=None) -> str:  # type: ignore[no-untyped-def]
    sauvegarde = travail / "sauvegarde"
    print(manage(env_source, "sauvegarder", str(sauvegarde)).strip())
    manifeste = json.loads((sauvegarde / "manifeste.json").read_text(encoding="utf-8"))
    if apres_sauvegarde is not None:
        apres_sauvegarde()
    journal = travail / "journal.jsonl"
    manage(env_source, "exporter_journal", "--depuis", str(manifeste["taille_journal"]), "--sortie", str(journal))
    cible = travail / "restaure"
    cible.mkdir()
    secrets = data_dir(env_source) / "secrets"
    if secrets.is_dir():
        shutil.copytree(secrets, cible / "secrets")
    env_cible = env_restauration(env_source, cible)
    repere = Path(env_source.get("JUSTEXPERT_PREUVES_REPERE") or secrets / "preuves-repere.json")
    if repere.is_file():
        shutil.copyfile(repere, cible / "preuves-repere.json")
        env_cible["JUSTEXPERT_PREUVES_REPERE"] = str(cible / "preuves-repere.json")
    sortie = manage(env_cible, "restaurer", str(sauvegarde), "--journal", str(journal))
    print(sortie.strip())
    print(f"Copie restaurée et vérifiée dans {cible} ({env_cible['DATABASE_URL']}).")
    return sortie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--garder", action="store_true", help="garder le dossier de travail")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "justexpert.settings.dev")
    travail = Path(tempfile.mkdtemp(prefix="justexpert-exercice-"))
    try:
        exercice(env, travail)
    finally:
        if not args.garder:
            shutil.rmtree(travail, ignore_errors=True)


if __name__ == "__main__":
    main()
