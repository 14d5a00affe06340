"""The S3 backend against a real S3 API server process (moto in server mode), not mocked calls."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import CommandError, call_command

from justexpert.coffre import services
from justexpert.coffre.stockage import TAILLE_PARTIE, _stockage, stockage
from justexpert.coffre.tasks import nettoyer
from tests import outils_processus

from .conftest import pdf

pytestmark = [pytest.mark.lent, pytest.mark.django_db]


@pytest.fixture(scope="module")
def serveur_s3():
    with outils_processus.serveur_s3() as url:
        yield url


@pytest.fixture
def s3(serveur_s3, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    settings.STOCKAGE_BACKEND = "s3"
    settings.S3_BUCKET = "coffre-" + os.urandom(4).hex()
    settings.S3_ENDPOINT_URL = serveur_s3
    settings.S3_REGION = "eu-west-3"
    _stockage.cache_clear()
    backend = stockage()
    backend.client.create_bucket(Bucket=settings.S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    yield backend
    _stockage.cache_clear()


def objets(backend) -> list[str]:
    return [nom for nom, _ in backend.lister()]


def test_multipart_round_trip_and_ranges(s3, coffre_isole):
    contenu = pdf(os.urandom(TAILLE_PARTIE + 300_000))  # more than one S3 part
    document = services.deposer(io.BytesIO(contenu), nom="gros.pdf", proprietaire="test:1")
    assert document.backend == "s3"
    assert objets(s3) == [document.uuid.hex]
    assert b"".join(services.ouvrir(document)) == contenu
    with services.lecteur(document) as lecteur:
        lecteur.seek(TAILLE_PARTIE - 10)
        assert lecteur.read(5000) == contenu[TAILLE_PARTIE - 10 : TAILLE_PARTIE + 4990]
    stocke = s3.client.get_object(Bucket=s3.bucket, Key="coffre/" + document.uuid.hex)["Body"].read()
    assert contenu[100:140] not in stocke
    assert not (coffre_isole / "coffre" / "objets").exists() or not any((coffre_isole / "coffre" / "objets").iterdir())


def test_destroy_removes_the_object(s3, journal, django_capture_on_commit_callbacks):
    document = services.deposer(io.BytesIO(pdf(b"a")), nom="a.pdf", proprietaire="test:1")
    with django_capture_on_commit_callbacks(execute=True):
        services.detruire(document, acteur="test", journal=journal)
    assert objets(s3) == []
    with pytest.raises(services.DocumentIndisponible):
        list(services.ouvrir(document))


def test_interrupted_and_orphan_uploads_are_cleaned(s3):
    vivant = services.deposer(io.BytesIO(pdf(b"vivant")), nom="a.pdf", proprietaire="test:1")
    interrompu = services.Depot("b.pdf")
    interrompu.ecrire(pdf(os.urandom(TAILLE_PARTIE + 10)))  # one part sent, then the worker dies
    orphelin = services.Depot("c.pdf")
    orphelin.ecrire(pdf(b"c"))
    orphelin.terminer()
    assert len(s3.client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", [])) == 1
    assert nettoyer(delai=0) == {"incomplets": 1, "orphelins": 1}
    assert s3.client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []
    assert objets(s3) == [vivant.uuid.hex]


def test_two_workers_cleaning_the_same_interrupted_upload_both_succeed(s3, monkeypatch):
    """Several workers (issue 32): another cleanup aborts the upload between this one's listing and
    its abort; S3 answers NoSuchUpload, which is not a failure of the task."""
    interrompu = services.Depot("b.pdf")
    interrompu.ecrire(pdf(os.urandom(TAILLE_PARTIE + 10)))
    abandonner = s3.client.abort_multipart_upload

    def autre_worker_d_abord(**arguments):  # noqa: ANN202
        abandonner(**arguments)  # the other worker's cleanup
        return abandonner(**arguments)  # this one's: NoSuchUpload

    monkeypatch.setattr(s3.client, "abort_multipart_upload", autre_worker_d_abord)
    assert nettoyer(delai=0) == {"incomplets": 0, "orphelins": 0}
    assert s3.client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []


def test_verifier_coffre_reports_a_missing_s3_object(s3):
    document = services.deposer(io.BytesIO(pdf(b"a")), nom="a.pdf", proprietaire="test:1")
    call_command("verifier_coffre", stdout=io.StringIO())
    s3.supprimer(document.uuid.hex)
    erreurs = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verifier_coffre", stdout=io.StringIO(), stderr=erreurs)
    assert f"MANQUANT {document.uuid}" in erreurs.getvalue()
