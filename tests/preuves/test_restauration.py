"""The export and import of the evidence log used by a restore (issue 33 item 3): what is
imported must be this log's own signed history; the real-process drill is in
tests/portail/test_sauvegarde.py."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from justexpert.preuves import repere, restauration, services
from justexpert.preuves.models import PointDeControle


@pytest.fixture
def export(consigner):
    consigner(3)
    return list(restauration.exporter_journal(1))


def test_the_export_holds_the_proven_leaves_and_checkpoints_after_the_dump(export):
    entete, *lignes = export
    assert entete["format"] == restauration.FORMAT_EXPORT and entete["depuis"] == 1 and entete["taille"] == 3
    assert [ligne["index"] for ligne in lignes if "index" in ligne] == [1, 2]
    assert [ligne["point"]["taille"] for ligne in lignes if "point" in ligne] == [3]
    json.dumps(export)  # JSON lines


def test_importing_what_the_log_already_holds_changes_nothing(export):
    resultat = restauration.importer_journal(export)
    assert (resultat.ajoutes, resultat.points, resultat.taille) == (0, 0, 3)


def test_an_export_of_another_history_is_refused(export):
    altere = [dict(ligne) for ligne in export]
    feuille = json.loads(base64.b64decode(altere[1]["feuille"]))
    feuille["objet"] = "un-autre-objet"
    altere[1]["feuille"] = base64.b64encode(services.json_canonique(feuille)).decode()
    with pytest.raises(restauration.ImportRefuse, match="diffère de celui restauré : deux historiques"):
        restauration.importer_journal(altere)


def test_checkpoints_not_signed_by_this_log_are_refused(export, monkeypatch):
    autre = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    point = next(ligne["point"] for ligne in export if "point" in ligne)
    corps = point["note"].split("\n\n")[0] + "\n"
    monkeypatch.setenv("JUSTEXPERT_PREUVES_CLE", autre.decode())
    faux = services.signer_note(corps)
    monkeypatch.undo()
    altere = [ligne if "point" not in ligne else {"point": {**point, "note": faux}} for ligne in export]
    with pytest.raises(restauration.ImportRefuse, match="non signé par ce journal"):
        restauration.importer_journal(altere)


def test_a_witness_raises_the_mark_and_a_contradicting_one_is_a_fork(consigner):
    consigner(2)
    note = PointDeControle.objects.get(taille=2).note
    assert restauration.relever_repere([note]) == []  # already there: nothing raised
    autre = f"{services.origine_journal()}\n2\n{base64.b64encode(bytes(32)).decode()}\nhorodatage 2026-01-01T00:00:00.000000Z\n"
    with pytest.raises(repere.SignatureRefusee, match="fourche"):
        restauration.relever_repere([services.signer_note(autre)])


def test_an_export_that_contradicts_the_mark_is_refused(export):
    """The mark (outside the database) says checkpoint 3 was signed with another root: importing
    a history without it would make two; nothing is imported."""
    origine = services.origine_journal()
    repere._ecrire({origine: repere.Repere(3, bytes(32))})
    with pytest.raises(restauration.ImportRefuse, match="déjà signé : deux historiques"):
        restauration.importer_journal(export)


def test_a_restore_refuses_an_export_that_starts_after_the_backup_before_touching_anything(export, tmp_path):
    from django.core.management import CommandError, call_command
    from django.db import connection

    sauvegarde = tmp_path / "sauvegarde"
    sauvegarde.mkdir()
    manifeste = {"format": "justexpert-sauvegarde/1", "cree_le": "2026-12-01T00:00:00+00:00", "taille_journal": 0}
    (sauvegarde / "manifeste.json").write_text(
        json.dumps({**manifeste, "base": connection.vendor, "stockage": "local", "objets": 0})
    )
    (tmp_path / "journal.jsonl").write_text("".join(json.dumps(ligne) + "\n" for ligne in export))
    with pytest.raises(CommandError, match="commence à l'événement n° 1, après la sauvegarde"):
        call_command("restaurer", str(sauvegarde), "--journal", str(tmp_path / "journal.jsonl"))
    assert services.taille_journal() == 3  # nothing was restored


def test_destructions_are_read_from_an_export_even_when_it_cannot_be_imported(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.enregistrer(services.TYPE_DESTRUCTION, acteur_ref="systeme", objet_ref="doc-1")
        services.enregistrer("depot", acteur_ref="systeme", objet_ref="doc-2")
    lignes = list(restauration.exporter_journal(0))
    assert restauration.destructions_dans(lignes) == ["doc-1"]
