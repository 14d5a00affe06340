"""Parallel appends leave no gap and no duplicate in the leaf sequence.

PostgreSQL: threads, each with its own connection, against the test database. SQLite: the test
database is in memory with a shared cache, which fails fast instead of waiting for the write lock,
so real processes (as several application workers would) append to a SQLite file instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from justexpert.preuves import controle
from justexpert.preuves.models import Evenement, PointDeControle
from justexpert.preuves.services import enregistrer

FILS = 6
PAR_FIL = 15
RACINE = Path(settings.BASE_DIR)

AJOUTER = """
import sys, uuid, django
django.setup()
from django.db import transaction
from justexpert.preuves.services import enregistrer
for _ in range(int(sys.argv[1])):
    with transaction.atomic():
        enregistrer("ouverture", acteur_ref=uuid.uuid4(), objet_ref=uuid.uuid4())
"""

VERIFIER = """
import django
django.setup()
from justexpert.preuves.models import Evenement, PointDeControle
from justexpert.preuves import controle
print(list(Evenement.objects.order_by("index").values_list("index", flat=True)) == list(range({total})))
print(PointDeControle.objects.order_by("-taille").values_list("taille", flat=True).first())
print(controle.verifier_journal().anomalies)
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a database that waits for locks")
@pytest.mark.django_db(transaction=True)
def test_parallel_appends_from_threads_are_gapless_on_postgresql():
    erreurs: list[BaseException] = []
    depart = threading.Barrier(FILS)

    def ajouter() -> None:
        try:
            depart.wait()
            for _ in range(PAR_FIL):
                with transaction.atomic():
                    enregistrer("ouverture", acteur_ref=uuid.uuid4(), objet_ref=uuid.uuid4())
        except BaseException as exc:  # noqa: B036 (reported by the main thread)
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=ajouter) for _ in range(FILS)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert not erreurs, erreurs
    total = FILS * PAR_FIL
    assert list(Evenement.objects.order_by("index").values_list("index", flat=True)) == list(range(total))
    assert PointDeControle.objects.order_by("-taille").values_list("taille", flat=True).first() == total
    resultat = controle.verifier_journal()
    assert resultat.ok, resultat.anomalies


@pytest.mark.lent
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file variant")
def test_parallel_appends_from_processes_are_gapless_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "justexpert.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'journal.sqlite3'}",
        "JUSTEXPERT_DATA_DIR": str(tmp_path),
        "PYTHONWARNINGS": "ignore",
    }

    def lancer(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=RACINE, env=env, capture_output=True, text=True, check=False, **kwargs)

    migration = lancer("manage.py", "migrate", "--no-input", "-v", "0")
    assert migration.returncode == 0, migration.stderr
    cles = lancer(
        "-c", "import django; django.setup(); from justexpert.preuves import conf; conf.cle_journal(); conf.tsa_integree()"
    )
    assert cles.returncode == 0, cles.stderr
    processus = [
        subprocess.Popen([sys.executable, "-c", AJOUTER, str(PAR_FIL)], cwd=RACINE, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(FILS)
    ]
    for p in processus:
        _, erreur = p.communicate(timeout=120)
        assert p.returncode == 0, erreur
    total = FILS * PAR_FIL
    verification = lancer("-c", VERIFIER.replace("{total}", str(total)))
    assert verification.returncode == 0, verification.stderr
    assert verification.stdout.split("\n")[:3] == ["True", str(total), "[]"]
