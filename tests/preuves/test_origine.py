"""Issue 17 item 4: the log's name is stored with it the first time it is used; a change of the
site's URL does not rename it; renaming is an explicit rotation command."""

from __future__ import annotations

import base64
import importlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.core.management import CommandError, call_command

from justexpert.preuves import conf, services
from justexpert.preuves.models import CleJournal, Journal, PointDeControle
from justexpert.preuves.verificateur import lire_point_de_controle, verifier_accuse


def _noms() -> list[str]:
    return [lire_point_de_controle(p.note).origine for p in PointDeControle.objects.order_by("taille")]


def test_a_new_site_url_does_not_rename_the_log(settings, monkeypatch, consigner, capsys):
    monkeypatch.delenv("JUSTEXPERT_PREUVES_ORIGINE", raising=False)
    settings.SITE_URL = "https://ancien.example"
    (ancien,) = consigner()
    settings.SITE_URL = "https://nouveau.example"
    (nouveau,) = consigner()
    assert _noms() == ["ancien.example/preuves", "ancien.example/preuves"]
    call_command("verifier_journal")
    assert "Journal de preuves intact" in capsys.readouterr().out
    # A receipt asked now for the old event verifies offline, as one for the new event does.
    for evenement in (ancien, nouveau):
        rapport = verifier_accuse(services.accuse(evenement), cle_attendue=conf.cle_publique_journal())
        assert rapport.valide, rapport.texte()
    assert services.accuse(ancien)["point_de_controle"]["nom_cle"] == "ancien.example/preuves"


def test_the_configured_name_is_taken_once_then_ignored(monkeypatch, consigner, caplog):
    monkeypatch.setenv("JUSTEXPERT_PREUVES_ORIGINE", "premier.example/preuves")
    consigner()
    monkeypatch.setenv("JUSTEXPERT_PREUVES_ORIGINE", "second.example/preuves")
    consigner()
    assert _noms() == ["premier.example/preuves"] * 2
    assert Journal.objects.get().origine == "premier.example/preuves"
    assert "JUSTEXPERT_PREUVES_ORIGINE=second.example/preuves ignored" in caplog.text


def test_existing_logs_keep_the_name_their_checkpoints_carry(consigner):
    """The migration's data step: a log from before this change is named after its checkpoints."""
    consigner(2)
    nom = _noms()[-1]
    Journal.objects.update(origine="")
    migration = importlib.import_module("justexpert.preuves.migrations.0002_journal_origine")
    from django.apps import apps

    migration.garder_le_nom_existant(apps, None)
    assert Journal.objects.get().origine == nom


def test_renaming_is_an_explicit_rotation_and_old_proofs_stay_verifiable(monkeypatch, consigner, capsys):
    monkeypatch.setenv("JUSTEXPERT_PREUVES_ORIGINE", "ancien.example/preuves")
    (ancien,) = consigner()
    call_command("changer_origine_journal", "nouveau.example/preuves")
    sortie = capsys.readouterr().out
    assert "s'appelle désormais « nouveau.example/preuves »" in sortie
    assert "Mettez JUSTEXPERT_PREUVES_ORIGINE=nouveau.example/preuves" in sortie
    (nouveau,) = consigner()
    assert _noms() == ["ancien.example/preuves", "nouveau.example/preuves", "nouveau.example/preuves"]
    assert set(CleJournal.objects.values_list("origine", flat=True)) == {"ancien.example/preuves", "nouveau.example/preuves"}
    call_command("verifier_journal")
    for evenement in (ancien, nouveau):
        assert verifier_accuse(services.accuse(evenement)).valide
    with pytest.raises(CommandError, match="déjà"):
        call_command("changer_origine_journal", "nouveau.example/preuves")
    with pytest.raises(CommandError, match="nom de journal invalide"):
        call_command("changer_origine_journal", "un nom+avec espace")


def test_a_checkpoint_under_a_name_the_log_never_had_is_reported(consigner):
    from tests.preuves.test_verifier_journal import _echoue

    consigner()
    point = PointDeControle.objects.get()
    corps = point.note.split("\n\n")[0].replace(_noms()[0], "autre.example/preuves", 1) + "\n"
    PointDeControle.objects.filter(pk=point.pk).update(note=services.signer_note(corps, "autre.example/preuves"))
    assert "altéré" in _echoue()


def test_receipt_of_an_old_event_verifies_after_a_key_rotation(monkeypatch, consigner):
    (ancien,) = consigner()
    retiree = base64.b64encode(conf.cle_publique_journal()).decode()
    nouvelle = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    monkeypatch.setenv("JUSTEXPERT_PREUVES_CLE", nouvelle.decode())
    monkeypatch.setenv("JUSTEXPERT_PREUVES_CLES_RETIREES", retiree)
    consigner()
    accuse = services.accuse(ancien)
    assert accuse["point_de_controle"]["cle_publique"] == retiree
    assert verifier_accuse(accuse).valide
