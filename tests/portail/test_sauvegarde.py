"""Backup and restore drill with real processes: a document purged after the backup stays
unreadable after the restore, the others read back intact, and both verifiers pass."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
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
        for nom in (base_pg, *(f"justexpert_restaure_{os.getpid()}{suffixe}" for suffixe in ("", "_a", "_b", "_c"))):
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


# --- Issue 33 items 3 and 4: a restore never forks the log, never revives a destroyed document -----

TEMOIN = "from justexpert.preuves.controle import texte_temoin; open({chemin!r}, 'w').write(texte_temoin())"
ETAT_JOURNAL = """
import json
from justexpert.preuves import services
from justexpert.preuves.models import PointDeControle
print(json.dumps({"taille": services.taille_journal(),
                  "points": {p.taille: p.note for p in PointDeControle.objects.order_by("taille")}}))
"""
ENREGISTRER = """
import json
from django.db import transaction
from justexpert.preuves import services
with transaction.atomic():
    e = services.enregistrer("test.apres_restauration", acteur_ref="systeme", objet_ref="objet-restaure")
print(json.dumps({"index": e.index, "accuse": services.accuse(e)}))
"""
ACCUSE = """
import json
from justexpert.preuves import services
from justexpert.preuves.models import Evenement
print(json.dumps(services.accuse(Evenement.objects.get(index={index}))))
"""


def _json(env, code):
    return json.loads(_shell(env, code).strip().splitlines()[-1])


def _manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=RACINE, capture_output=True, text=True, check=False)


def _emplacement(instance, travail, nom, suffixe, *, avec_repere=True):
    """A fresh location for a restore: the live keys (development: the secrets folder), and the
    live log's high-water mark when it survived (it lives beside the key, outside the database)."""
    cible = travail / nom
    secrets = Path(instance["JUSTEXPERT_DATA_DIR"]) / "secrets"
    shutil.copytree(secrets, cible / "secrets", ignore=None if avec_repere else shutil.ignore_patterns("preuves-repere.json"))
    return exercice_restauration.env_restauration(instance, cible, suffixe)


def test_a_restore_never_signs_over_the_history_it_does_not_have(instance, tmp_path):
    """The audit's scenario: the dump is at size 2, the live log signs sizes 3 and 4 afterwards.
    Restored from the dump alone, the copy used to sign a new size 3 with another root (a fork,
    "intact" on both sides). Now it refuses to sign below what was published; restored with the
    live log's export, it is the live log, receipts issued after the dump included, and goes on."""
    _shell(instance, DEPOSER)
    travail = tmp_path / "travail"
    travail.mkdir()
    assert _manage(instance, "sauvegarder", str(travail / "sauvegarde")).returncode == 0
    apres = json.loads(_shell(instance, DEPOSER).strip().splitlines()[-1])  # signed after the dump
    live = _json(instance, ETAT_JOURNAL)
    assert live["taille"] == 4 and sorted(map(int, live["points"])) == [1, 2, 3, 4]
    _shell(instance, TEMOIN.format(chemin=str(travail / "temoin.txt")))

    # 1. The dump alone, the live mark beside the key: restored, but reported incomplete…
    env_a = _emplacement(instance, travail, "a", "_a")
    resultat = _manage(env_a, "restaurer", str(travail / "sauvegarde"), "--aucune-destruction")
    assert resultat.returncode != 0
    assert (
        "Restauration incomplète : le journal restauré a 2 événement(s), mais un point de contrôle de taille 4" in resultat.stderr
    )
    # …and a new event there is recorded but never signed over sizes 3 and 4.
    nouveau = _json(env_a, ENREGISTRER)
    assert nouveau["index"] == 2 and nouveau["accuse"]["horodatage"]["statut"] == "en_attente"
    assert sorted(map(int, _json(env_a, ETAT_JOURNAL)["points"])) == [1, 2]
    resultat = _manage(env_a, "verifier_journal", "--temoin", str(travail / "temoin.txt"))
    assert resultat.returncode != 0 and "FOURCHE" not in resultat.stderr  # missing history, no second one

    # 2. With the live log's export: the same log as the live one, and it goes on from there.
    export = travail / "journal.jsonl"
    assert _manage(instance, "exporter_journal", "--depuis", "2", "--sortie", str(export)).returncode == 0
    env_b = _emplacement(instance, travail, "b", "_b", avec_repere=False)
    resultat = _manage(env_b, "restaurer", str(travail / "sauvegarde"), "--journal", str(export))
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "Journal : 2 événement(s) et 2 point(s) de contrôle repris de l'export." in resultat.stdout
    assert _json(env_b, ETAT_JOURNAL) == live
    # The receipt of a deposit made after the dump is back, identical, and verifies offline.
    assert _json(env_b, ACCUSE.format(index=3)) == _json(instance, ACCUSE.format(index=3))
    assert _manage(env_b, "verifier_journal", "--temoin", str(travail / "temoin.txt")).returncode == 0
    suite = _json(env_b, ENREGISTRER)
    assert suite["index"] == 4 and suite["accuse"]["point_de_controle"]["taille"] == 5
    assert set(apres) == {"a", "b"}


def test_two_copies_that_signed_the_same_size_are_reported_as_a_fork(instance, tmp_path):
    """verifier_journal given checkpoints of one size with two roots says so (here the live log's
    checkpoint 3 and a copy's: the copy, restored without the mark and without the export, is the
    old behaviour the mark prevents; it is forced by removing the mark)."""
    _shell(instance, DEPOSER)
    travail = tmp_path / "travail"
    travail.mkdir()
    assert _manage(instance, "sauvegarder", str(travail / "sauvegarde")).returncode == 0
    _shell(instance, DEPOSER)
    _shell(instance, TEMOIN.format(chemin=str(travail / "temoin.txt")))
    env_c = _emplacement(instance, travail, "c", "_c", avec_repere=False)
    resultat = _manage(
        env_c, "restaurer", str(travail / "sauvegarde"), "--aucune-destruction", "--dernier-point", str(travail / "temoin.txt")
    )
    assert resultat.returncode != 0 and "Restauration incomplète" in resultat.stderr
    (Path(env_c["JUSTEXPERT_DATA_DIR"]) / "secrets" / "preuves-repere.json").unlink()  # what an operator must never do
    _json(env_c, ENREGISTRER)
    resultat = _manage(env_c, "verifier_journal", "--temoin", str(travail / "temoin.txt"))
    assert resultat.returncode != 0
    assert "FOURCHE : 2 points de contrôle signés de taille 3 ont des racines différentes" in resultat.stderr


def test_restore_without_the_destruction_list_is_refused_unless_the_operator_says_none_happened(instance, tmp_path):
    documents = json.loads(_shell(instance, DEPOSER).strip().splitlines()[-1])
    travail = tmp_path / "travail"
    travail.mkdir()
    assert _manage(instance, "sauvegarder", str(travail / "sauvegarde")).returncode == 0
    _shell(instance, DETRUIRE.format(uuid=documents["a"]))  # destroyed after the dump

    env_a = _emplacement(instance, travail, "a", "_a")
    resultat = _manage(env_a, "restaurer", str(travail / "sauvegarde"))
    assert resultat.returncode != 0
    assert "Restauration refusée : sans la liste des destructions faites depuis la sauvegarde" in resultat.stderr
    assert not (travail / "a" / "coffre").exists()  # refused before anything was restored

    # The operator's explicit statement is obeyed, and logged as an alert.
    resultat = _manage(env_a, "restaurer", str(travail / "sauvegarde"), "--aucune-destruction")
    assert "ALERTE restauration : l'exploitant déclare qu'aucun document n'a été détruit depuis la sauvegarde" in resultat.stderr
    assert "Aucune destruction rejouée" in resultat.stdout

    # With the list (here from the live log's export), the destroyed document stays destroyed.
    export = travail / "journal.jsonl"
    assert _manage(instance, "exporter_journal", "--depuis", "2", "--sortie", str(export)).returncode == 0
    env_b = _emplacement(instance, travail, "b", "_b")
    resultat = _manage(env_b, "restaurer", str(travail / "sauvegarde"), "--journal", str(export))
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "1 destruction(s) rejouée(s)" in resultat.stdout
    assert json.loads(_shell(env_b, LIRE).strip().splitlines()[-1]) == {documents["a"]: "detruit", documents["b"]: "lisible"}
