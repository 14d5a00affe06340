"""Backup and restore drill with real processes: a document purged after the backup stays
unreadable after the restore, the others read back intact, and both verifiers pass."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.lent

_spec = importlib.util.spec_from_file_location("exercice_restauration", RACINE / "tools" / "exercice_restauration.py")
assert _spec and _spec.loader
exercice_restauration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exercice_restauration)

DEPOSER = """
import io, json
from justexpert.coffre import services as coffre
from justexpert.preuves import services as preuves
from django.db import transaction
sortie = {}
for nom in ("a", "b"):
    with transaction.atomic():
        doc = coffre.deposer(io.BytesIO(("contenu %s " % nom).encode() * 5000), nom=nom + ".txt", proprietaire="test:exercice")
        preuves.enregistrer("test.depot", acteur_ref="systeme", objet_ref=doc.uuid, document_sha256=doc.sha256)
    sortie[nom] = str(doc.uuid)
print(json.dumps(sortie))
"""

DETRUIRE = """
from justexpert.coffre import services as coffre
from justexpert.coffre.models import Document
from justexpert.preuves import services as preuves
from django.db import transaction
with transaction.atomic():
    coffre.detruire(Document.objects.get(uuid="{uuid}"), acteur=None, journal=preuves.journal_destruction(), motif="purge")
"""

LIRE = """
import hashlib, json
from justexpert.coffre import services as coffre
from justexpert.coffre.models import Document
etat = {}
for doc in Document.objects.all():
    if doc.est_detruit:
        etat[str(doc.uuid)] = "detruit"
    else:
        h = hashlib.sha256(b"".join(coffre.ouvrir(doc))).hexdigest()
        etat[str(doc.uuid)] = "lisible" if h == doc.sha256 else "altere"
print(json.dumps(etat))
"""


def _shell(env, code):
    resultat = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], env=env, cwd=RACINE, capture_output=True, text=True, check=False
    )
    assert resultat.returncode == 0, resultat.stderr
    return resultat.stdout


@pytest.fixture
def instance(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JUSTEXPERT_"))}
    env.update(DJANGO_SETTINGS_MODULE="justexpert.settings.dev", JUSTEXPERT_DATA_DIR=str(tmp_path / "live"), JUSTEXPERT_DEMO="0")
    source = os.environ.get("DATABASE_URL", "")
    base_pg = None
    if source.startswith("postgres"):
        url = urllib.parse.urlsplit(source)
        base_pg = f"justexpert_exercice_{os.getpid()}"
        admin = url._replace(path="/postgres").geturl()
        subprocess.run(["psql", admin, "-c", f'DROP DATABASE IF EXISTS "{base_pg}"'], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-c", f'CREATE DATABASE "{base_pg}"'], check=True, capture_output=True)
        env["DATABASE_URL"] = url._replace(path=f"/{base_pg}").geturl()
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'live' / 'justexpert.sqlite3'}"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=RACINE, check=True)
    yield env
    if base_pg:
        admin = urllib.parse.urlsplit(source)._replace(path="/postgres").geturl()
        for nom in (base_pg, f"justexpert_restaure_{os.getpid()}"):
            subprocess.run(
                ["psql", admin, "-c", f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)'], check=False, capture_output=True
            )


def test_document_purged_after_the_backup_stays_unreadable_after_restore(instance, tmp_path):
    documents = json.loads(_shell(instance, DEPOSER).strip().splitlines()[-1])
    travail = tmp_path / "travail"
    travail.mkdir()

    def purge_apres_sauvegarde():
        _shell(instance, DETRUIRE.format(uuid=documents["a"]))

    sortie = exercice_restauration.exercice(instance, travail, apres_sauvegarde=purge_apres_sauvegarde)
    assert "1 destruction(s) rejouée(s)" in sortie
    assert "Journal de preuves intact." in sortie
    assert "1 document(s) vérifié(s), 0 anomalie(s)" in sortie  # the purged one has no content to check
    restaure = dict(instance)
    restaure["JUSTEXPERT_DATA_DIR"] = str(travail / "restaure")
    if instance["DATABASE_URL"].startswith("postgres"):
        url = urllib.parse.urlsplit(instance["DATABASE_URL"])
        restaure["DATABASE_URL"] = url._replace(path=f"/justexpert_restaure_{os.getpid()}").geturl()
    else:
        restaure["DATABASE_URL"] = f"sqlite:///{travail / 'restaure' / 'justexpert.sqlite3'}"
    etat = json.loads(_shell(restaure, LIRE).strip().splitlines()[-1])
    assert etat == {documents["a"]: "detruit", documents["b"]: "lisible"}
    # The purged document's object is gone from the restored storage too.
    assert not any(documents["a"].replace("-", "") in p.name for p in (travail / "restaure").rglob("*") if p.is_file())


def test_restore_refuses_a_non_empty_target_and_a_bad_backup(instance, tmp_path):
    resultat = subprocess.run(
        [sys.executable, "manage.py", "restaurer", str(tmp_path / "absente")],
        env=instance,
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert resultat.returncode != 0 and "pas une sauvegarde lisible" in resultat.stderr
