"""Recording events, checkpoints after commit, receipts."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from django.db import transaction

from justexpert.preuves import merkle, services
from justexpert.preuves.models import Evenement, PointDeControle, StatutHorodatage
from justexpert.preuves.services import EvenementInvalide, enregistrer
from justexpert.preuves.verificateur import verifier_accuse, verifier_coherence, verifier_inclusion, verifier_note


def test_leaf_is_the_canonical_json_of_references_hashes_and_time(consigner):
    (evenement,) = consigner()
    feuille = bytes(evenement.feuille)
    contenu = json.loads(feuille)
    assert feuille == json.dumps(contenu, sort_keys=True, separators=(",", ":")).encode()
    assert set(contenu) == {"v", "id", "type", "acteur", "objet", "dossier", "document_sha256", "le"}
    assert bytes(evenement.hash_feuille) == merkle.hash_feuille(feuille)


@pytest.mark.parametrize(
    "arguments",
    [
        {"acteur_ref": "Jean Dupont", "objet_ref": uuid.uuid4()},
        {"acteur_ref": "jean@exemple.fr", "objet_ref": uuid.uuid4()},
        {"acteur_ref": uuid.uuid4(), "objet_ref": "rapport final.pdf"},
        {"acteur_ref": uuid.uuid4(), "objet_ref": uuid.uuid4(), "document_sha256": "pas-un-hash"},
        {"acteur_ref": uuid.uuid4(), "objet_ref": uuid.uuid4(), "details": {"nom": "Martin Durand"}},
    ],
)
def test_personal_data_in_clear_is_refused(db, arguments):
    with pytest.raises(EvenementInvalide):
        enregistrer("depot", **arguments)
    assert not Evenement.objects.exists()


def test_event_is_rolled_back_with_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enregistrer("depot", acteur_ref=uuid.uuid4(), objet_ref=uuid.uuid4())
        raise RuntimeError
    assert not Evenement.objects.exists()
    evenement = enregistrer("depot", acteur_ref=uuid.uuid4(), objet_ref=uuid.uuid4())
    assert evenement.index == 0


def test_a_checkpoint_is_cut_and_timestamped_right_after_commit(consigner):
    (evenement,) = consigner()
    point = PointDeControle.objects.get()
    assert point.taille == 1
    assert point.statut == StatutHorodatage.FAIT
    assert point.autorite == "Autorité d'horodatage intégrée (non qualifiée)"
    assert not point.qualifie
    assert bytes(point.racine) == bytes(evenement.hash_feuille)


def test_events_committed_together_share_one_checkpoint(consigner):
    consigner(5)
    assert list(PointDeControle.objects.values_list("taille", flat=True)) == [5]


def test_checkpoint_is_a_signed_note_naming_size_root_and_time(consigner):
    from justexpert.preuves import conf

    consigner(3)
    point = PointDeControle.objects.get()
    lignes = point.note.split("\n")
    assert lignes[0] == conf.origine()
    assert lignes[1] == "3"
    assert lignes[3].startswith("horodatage ")
    assert lignes[4] == ""
    assert lignes[5].startswith(f"— {conf.origine()} ")
    cp = verifier_note(point.note, conf.origine(), conf.cle_publique_journal())
    assert cp.racine == services.racine(3)


def test_stored_proofs_verify_against_every_checkpoint(consigner):
    for _ in range(4):
        consigner(3)
    points = list(PointDeControle.objects.order_by("taille"))
    assert [p.taille for p in points] == [3, 6, 9, 12]
    for point in points:
        for evenement in Evenement.objects.filter(index__lt=point.taille):
            preuve = services.preuve_inclusion(evenement.index, point.taille)
            verifier_inclusion(evenement.index, point.taille, bytes(evenement.hash_feuille), preuve, bytes(point.racine))
    for a in points:
        for b in points:
            if a.taille <= b.taille:
                preuve = services.preuve_coherence(a.taille, b.taille)
                verifier_coherence(a.taille, b.taille, bytes(a.racine), bytes(b.racine), preuve)


def test_receipt_proves_event_document_and_date(consigner):
    (evenement,) = consigner(document=b"rapport")
    consigner(2)
    accuse = services.accuse(evenement)
    assert accuse["horodatage"]["statut"] == "fait"
    assert accuse["point_de_controle"]["taille"] == 1
    rapport = verifier_accuse(json.loads(json.dumps(accuse)), document_sha256=hashlib.sha256(b"rapport").hexdigest())
    assert rapport.valide, rapport.texte()
    assert "horodatage n'est PAS qualifié" in rapport.texte()
    autre = verifier_accuse(accuse, document_sha256=hashlib.sha256(b"autre").hexdigest())
    assert not autre.valide
    assert "n'est PAS celui de l'événement" in autre.texte()


def test_receipt_with_any_part_altered_is_rejected(consigner):
    (evenement,) = consigner()
    accuse = services.accuse(evenement)
    alterations = [
        ("evenement", {**accuse["evenement"], "type": "ouverture"}),
        ("index", accuse["index"] + 1),
        ("preuve_inclusion", ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]),
        (
            "point_de_controle",
            {**accuse["point_de_controle"], "note": accuse["point_de_controle"]["note"].replace("\n1\n", "\n2\n")},
        ),
        ("horodatage", {**accuse["horodatage"], "nonce": 12}),
    ]
    for champ, valeur in alterations:
        rapport = verifier_accuse({**accuse, champ: valeur})
        assert not rapport.valide, champ
