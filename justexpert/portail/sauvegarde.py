"""Backup and restore of the whole platform: database, encrypted document objects, and the replay
of key destructions that happened after the backup.

What a backup holds: the database (SQLite backup API, or ``pg_dump`` custom format) and the
encrypted objects of the local storage, plus a manifest with the evidence-log size at dump time.
What it does not hold: keys (key-encryption keys, log and seal keys) — they live in the
environment or a vault in production (in development, under ``var/secrets``), never beside the data.
With S3 storage, the bucket's own versioning/replication is the storage backup; this tool then dumps
the database only.

Why the replay: destroying a document's data key is final; a restore from an older backup would
bring the key back. Every destruction is an evidence-log event (``coffre.document_detruit``), so the
restore takes the list of destructions logged since the backup's log size (exported from the live
instance, or from the log's own copy) and destroys those keys again in the restored copy. The
replay writes no new events: the live log already has them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from justexpert.coffre import conf as coffre_conf
from justexpert.coffre import services as coffre
from justexpert.coffre.models import Document
from justexpert.preuves import services as preuves

MANIFESTE = "manifeste.json"


class ErreurSauvegarde(Exception):
    pass


def _moteur() -> str:
    return connection.vendor  # "sqlite" | "postgresql"


def _pg_env_url() -> str:
    base = settings.DATABASES["default"]
    utilisateur = base.get("USER") or "postgres"
    motdepasse = f":{base['PASSWORD']}" if base.get("PASSWORD") else ""
    hote = base.get("HOST") or "127.0.0.1"
    port = base.get("PORT") or 5432
    return f"postgresql://{utilisateur}{motdepasse}@{hote}:{port}/{base['NAME']}"


def sauvegarder(dossier: Path) -> dict:
    dossier.mkdir(parents=True, exist_ok=False)
    taille = preuves.taille_journal()
    if _moteur() == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        cible = sqlite3.connect(str(dossier / "base.sqlite3"))
        with cible:
            source.backup(cible)
        source.close()
        cible.close()
    else:
        subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dossier / "base.dump"), _pg_env_url()],  # noqa: S607
            check=True,
        )
    objets = 0
    if coffre_conf.backend() == "local" and coffre_conf.dossier_objets().is_dir():
        shutil.copytree(coffre_conf.dossier_objets(), dossier / "objets")
        objets = sum(1 for p in (dossier / "objets").rglob("*") if p.is_file())
    manifeste = {
        "format": "justexpert-sauvegarde/1",
        "cree_le": timezone.now().isoformat(),
        "taille_journal": taille,
        "base": _moteur(),
        "stockage": coffre_conf.backend(),
        "objets": objets,
    }
    (dossier / MANIFESTE).write_text(json.dumps(manifeste, indent=2), encoding="utf-8")
    return manifeste


def lire_manifeste(dossier: Path) -> dict:
    try:
        manifeste = json.loads((dossier / MANIFESTE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ErreurSauvegarde(f"{dossier} n'est pas une sauvegarde lisible ({exc}).") from None
    if manifeste.get("format") != "justexpert-sauvegarde/1":
        raise ErreurSauvegarde(f"{dossier} : format de sauvegarde inconnu.")
    return manifeste


def restaurer_donnees(dossier: Path) -> dict:
    """Put the backup's database and objects in place of the (fresh, empty) current instance."""
    manifeste = lire_manifeste(dossier)
    if manifeste["base"] != _moteur():
        raise ErreurSauvegarde(f"sauvegarde {manifeste['base']}, instance cible {_moteur()} : restaurez sur le même moteur.")
    connection.close()
    if _moteur() == "sqlite":
        cible = Path(settings.DATABASES["default"]["NAME"])
        cible.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dossier / "base.sqlite3", cible)
    else:
        subprocess.run(  # noqa: S603
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", _pg_env_url(), str(dossier / "base.dump")],  # noqa: S607
            check=True,
        )
    if (dossier / "objets").is_dir():
        cible_objets = coffre_conf.dossier_objets()
        if cible_objets.exists() and any(cible_objets.iterdir()):
            raise ErreurSauvegarde(f"{cible_objets} n'est pas vide : restaurez dans un emplacement neuf.")
        cible_objets.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(dossier / "objets", cible_objets, dirs_exist_ok=True)
    return manifeste


def rejouer_destructions(documents: Iterable[str]) -> list[str]:
    """Destroy again, in the restored copy, the keys destroyed after the backup. No new event."""
    rejouees = []

    def sans_journal(_type: str, **_kwargs: object) -> None:
        return None  # the live log already holds the event

    for reference in documents:
        document = Document.objects.filter(uuid=reference).first()
        if document is None or document.est_detruit:
            continue
        with transaction.atomic():
            coffre.detruire(document, acteur=None, journal=sans_journal, motif="rejeu_restauration")
        rejouees.append(reference)
    return rejouees
