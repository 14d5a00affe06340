"""The Python API: store, open, metadata, destroy, rotation, verification, cleanup, clean failure."""

from __future__ import annotations

import errno
import io
import os
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from justexpert.coffre import conf, services
from justexpert.coffre.models import Document
from justexpert.coffre.services import DocumentIndisponible, RefusDepot
from justexpert.coffre.stockage import EcrivainLocal, stockage
from justexpert.coffre.tasks import nettoyer
from justexpert.lib.env import ConfigurationError

from .conftest import SEGMENT, fichiers_sous, pdf

pytestmark = pytest.mark.django_db


def deposer(contenu: bytes, nom: str = "rapport.pdf", **kwargs) -> Document:
    kwargs.setdefault("proprietaire", "test:1")
    return services.deposer(io.BytesIO(contenu), nom=nom, **kwargs)


def lire(document: Document) -> bytes:
    return b"".join(services.ouvrir(document))


def test_stored_document_reads_back_and_is_named_by_its_id(coffre_isole):
    contenu = pdf(os.urandom(5 * SEGMENT))
    document = deposer(contenu, "Rapport d'expertise.pdf")
    assert lire(document) == contenu
    assert document.taille == len(contenu)
    objets = fichiers_sous(coffre_isole / "coffre" / "objets")
    assert [p.name for p in objets] == [document.uuid.hex]
    assert fichiers_sous(coffre_isole / "coffre" / "staging") == []
    assert services.metadonnees(document)["nom"] == "Rapport d'expertise.pdf"


def test_hash_is_checked_on_every_full_read():
    document = deposer(pdf(b"x" * 10000))
    Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    document.refresh_from_db()
    with pytest.raises(DocumentIndisponible):
        lire(document)


def test_destroying_the_key_keeps_metadata_and_records_an_event(journal, django_capture_on_commit_callbacks, coffre_isole):
    document = deposer(pdf(b"secret"))
    empreinte = document.sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.detruire(document, acteur="utilisateur:test", journal=journal, motif="purge")
    document.refresh_from_db()
    assert document.est_detruit and document.cle_chiffree is None
    assert document.sha256 == empreinte and document.nom == "rapport.pdf"
    assert journal.evenements == [
        (
            "coffre.document_detruit",
            {
                "acteur": "utilisateur:test",
                "references": {"document": str(document.uuid)},
                "empreintes": {"sha256": empreinte},
                "details": {"motif": "purge"},
            },
        )
    ]
    with pytest.raises(DocumentIndisponible):
        lire(document)
    assert fichiers_sous(coffre_isole / "coffre" / "objets") == []
    assert services.metadonnees(document)["lisible"] is False


def test_destruction_needs_a_journal_and_rolls_back_if_it_fails():
    document = deposer(pdf(b"secret"))
    with pytest.raises(TypeError):
        services.detruire(document, acteur="x")  # type: ignore[call-arg]

    def journal_en_panne(*args, **kwargs):
        raise RuntimeError("journal indisponible")

    with pytest.raises(RuntimeError):
        services.detruire(document, acteur="x", journal=journal_en_panne)
    document.refresh_from_db()
    assert not document.est_detruit
    assert lire(document).startswith(b"%PDF")


def test_rotation_adds_a_key_and_old_documents_stay_readable():
    ancien = deposer(pdf(b"avant rotation"))
    premiere = ancien.cle_id
    call_command("rotation_cle", stdout=io.StringIO())
    ancien.refresh_from_db()
    cles, active = conf.cles()
    assert active != premiere and premiere in cles
    assert ancien.cle_id == active
    assert lire(ancien) == pdf(b"avant rotation")
    nouveau = deposer(pdf(b"apres"))
    assert nouveau.cle_id == active


def test_keys_from_environment(monkeypatch):
    import base64

    k1, k2 = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))
    monkeypatch.setenv("JUSTEXPERT_COFFRE_CLES", f"p1:{k1}")
    document = deposer(pdf(b"prod"))
    assert document.cle_id == "p1"
    monkeypatch.setenv("JUSTEXPERT_COFFRE_CLES", f"p1:{k1},p2:{k2}")
    call_command("rotation_cle", stdout=io.StringIO())
    document.refresh_from_db()
    assert document.cle_id == "p2"
    assert lire(document) == pdf(b"prod")
    monkeypatch.setenv("JUSTEXPERT_COFFRE_CLES", "p1:pas-du-base64")
    with pytest.raises(ConfigurationError):
        conf.cles()
    monkeypatch.setenv("JUSTEXPERT_COFFRE_CLES", f"p1:{base64.b64encode(b'court').decode()}")
    with pytest.raises(ConfigurationError):
        conf.cles()


def test_verifier_coffre_reports_missing_and_tampered_objects(coffre_isole):
    bon = deposer(pdf(b"bon"))
    sortie = io.StringIO()
    call_command("verifier_coffre", stdout=sortie)
    assert "0 anomalie" in sortie.getvalue()
    manquant = deposer(pdf(b"manquant"))
    stockage().supprimer(manquant.uuid.hex)
    altere = deposer(pdf(b"altere" * 3000))
    chemin = next(p for p in fichiers_sous(coffre_isole / "coffre" / "objets") if p.name == altere.uuid.hex)
    donnees = bytearray(chemin.read_bytes())
    donnees[-5] ^= 1
    chemin.write_bytes(bytes(donnees))
    erreurs = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verifier_coffre", stdout=io.StringIO(), stderr=erreurs)
    assert exc.value.returncode == 1
    assert f"MANQUANT {manquant.uuid}" in erreurs.getvalue()
    assert f"INVALIDE {altere.uuid}" in erreurs.getvalue()
    assert str(bon.uuid) not in erreurs.getvalue()


def test_same_client_id_twice_gives_one_document(coffre_isole):
    premier = deposer(pdf(b"un"), client_id="envoi-42")
    second = deposer(pdf(b"un"), client_id="envoi-42")
    assert premier.pk == second.pk
    assert Document.objects.count() == 1
    assert len(fichiers_sous(coffre_isole / "coffre" / "objets")) == 1


def test_oversized_stream_is_refused_and_leaves_nothing(settings, coffre_isole):
    settings.COFFRE_TAILLE_MAX = 10_000
    with pytest.raises(RefusDepot) as exc:
        deposer(pdf(b"x" * 20_000))
    assert exc.value.statut == 413
    assert "taille maximale" in exc.value.message
    assert fichiers_sous(coffre_isole / "coffre") == []
    with pytest.raises(RefusDepot):
        deposer(pdf(b""), taille_annoncee=10_001)
    assert Document.objects.count() == 0


def test_disk_full_at_write_leaves_nothing(monkeypatch, coffre_isole):
    ecrire = EcrivainLocal.ecrire
    appels = {"n": 0}

    def ecrire_puis_plein(self, donnees):
        appels["n"] += 1
        if appels["n"] > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return ecrire(self, donnees)

    monkeypatch.setattr(EcrivainLocal, "ecrire", ecrire_puis_plein)
    with pytest.raises(RefusDepot) as exc:
        deposer(pdf(os.urandom(10 * SEGMENT)))
    assert exc.value.statut == 507
    assert "insuffisant" in exc.value.message
    assert fichiers_sous(coffre_isole / "coffre") == []
    assert Document.objects.count() == 0


def test_database_unavailable_at_commit_leaves_no_row_and_the_orphan_is_cleaned(monkeypatch, coffre_isole):
    # SQLite stand-in for the PostgreSQL outage of tests/coffre/test_pannes.py: the insert fails.
    def en_panne(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Document.objects, "create", en_panne)
    with pytest.raises(RefusDepot) as exc:
        deposer(pdf(b"contenu"))
    monkeypatch.undo()
    assert exc.value.statut == 503
    assert "n'a pas été enregistré" in exc.value.message
    assert Document.objects.count() == 0
    # The object is kept (the commit outcome was unknown) until the cleanup delay has passed.
    assert len(fichiers_sous(coffre_isole / "coffre" / "objets")) == 1
    assert nettoyer() == {"incomplets": 0, "orphelins": 0}
    assert nettoyer(delai=0) == {"incomplets": 0, "orphelins": 1}
    assert fichiers_sous(coffre_isole / "coffre") == []


def test_cleanup_removes_staging_leftovers_and_orphans_but_keeps_documents(coffre_isole):
    vivant = deposer(pdf(b"vivant"))
    interrompu = services.Depot("a.pdf")
    interrompu.ecrire(pdf(b"moitie"))  # a worker killed here leaves a staging file
    interrompu._ecrivain._fichier.close()  # as the kernel does for a killed process
    orphelin = services.Depot("b.pdf")
    orphelin.ecrire(pdf(b"orphelin"))
    orphelin.terminer()  # killed between the object and the row
    assert len(fichiers_sous(coffre_isole / "coffre" / "staging")) == 1
    assert nettoyer(delai=0) == {"incomplets": 1, "orphelins": 1}
    assert [p.name for p in fichiers_sous(coffre_isole / "coffre")] == [vivant.uuid.hex]
    assert lire(vivant) == pdf(b"vivant")


def test_unknown_document_id_in_object_name_is_rejected():
    with pytest.raises(ValueError):
        stockage().ouvrir("../../etc/passwd")
    assert uuid.uuid4().hex  # names are generated ids only
