"""Public API (hashes only) and the public page "Vérifier un accusé"."""

from __future__ import annotations

import base64
import html
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from justexpert.preuves import services
from justexpert.preuves.verificateur import verifier_coherence, verifier_inclusion, verifier_note

API = "/api/v1/preuves"


def test_latest_and_every_older_checkpoint_are_public(client, consigner):
    consigner(2)
    consigner(3)
    dernier = client.get(f"{API}/checkpoints/latest").json()
    assert dernier["taille"] == 5
    assert dernier["horodatage"]["statut"] == "fait"
    liste = client.get(f"{API}/checkpoints").json()
    assert [p["taille"] for p in liste["items"]] == [2, 5]
    assert client.get(f"{API}/checkpoints/2").json()["note"] == liste["items"][0]["note"]
    assert client.get(f"{API}/checkpoints/3").status_code == 404
    cle = client.get(f"{API}/cle").json()
    verifier_note(dernier["note"], cle["nom_cle"], base64.b64decode(cle["cle_publique"]))
    assert "non qualifiée" in cle["autorite_horodatage"]


def test_inclusion_proof_by_leaf_hash(client, consigner):
    evenements = consigner(4)
    consigner(2)
    h = bytes(evenements[2].hash_feuille)
    reponse = client.get(f"{API}/inclusion", {"hash_feuille": h.hex()}).json()
    assert reponse["taille"] == 6
    verifier_inclusion(2, 6, h, [base64.b64decode(p) for p in reponse["preuve"]], base64.b64decode(reponse["racine"]))
    assert client.get(f"{API}/inclusion", {"hash_feuille": h.hex(), "taille": 4}).json()["taille"] == 4
    assert client.get(f"{API}/inclusion", {"hash_feuille": "00" * 32}).status_code == 404
    assert client.get(f"{API}/inclusion", {"hash_feuille": "pas-hex"}).status_code == 400


def test_consistency_proof_between_checkpoints(client, consigner):
    consigner(3)
    consigner(4)
    reponse = client.get(f"{API}/consistency", {"premiere": 3, "seconde": 7}).json()
    verifier_coherence(
        3,
        7,
        base64.b64decode(reponse["racine_premiere"]),
        base64.b64decode(reponse["racine_seconde"]),
        [base64.b64decode(p) for p in reponse["preuve"]],
    )
    assert client.get(f"{API}/consistency", {"premiere": 3, "seconde": 5}).status_code == 404
    assert client.get(f"{API}/consistency", {"premiere": 7, "seconde": 3}).status_code == 400


def test_public_answers_reveal_hashes_not_events(client, consigner):
    (evenement,) = consigner()
    corps = b"".join(
        client.get(url).content
        for url in (
            f"{API}/checkpoints",
            f"{API}/checkpoints/latest",
            f"{API}/inclusion?hash_feuille={bytes(evenement.hash_feuille).hex()}",
        )
    )
    assert str(evenement.uuid).encode() not in corps
    assert str(evenement.objet_ref).encode() not in corps


def _deposer(client, accuse: bytes, document: bytes | None = None):
    donnees = {"accuse": SimpleUploadedFile("accuse.json", accuse, content_type="application/json")}
    if document is not None:
        donnees["document"] = SimpleUploadedFile("doc.pdf", document)
    return client.post("/preuves/verifier/", donnees)


def test_verify_page_is_public_and_proves_a_good_receipt(client, consigner):
    (evenement,) = consigner(document=b"rapport")
    assert client.get("/preuves/verifier/").status_code == 200
    reponse = _deposer(client, json.dumps(services.accuse(evenement)).encode(), b"rapport")
    assert reponse.status_code == 200
    texte = html.unescape(reponse.content.decode())
    resume = reponse.context["resume"]
    assert resume.verdict == "valide" and "Cet accusé est authentique" in texte
    assert not resume.non_prouve and not resume.a_etablir
    premier = texte.index("Ce qui est prouvé")
    assert "heure de Paris" in texte[premier:] and "UTC" not in texte[: texte.index("Détails techniques")]
    assert "exactement celui de cet accusé" in texte and "inscrit au journal de preuves de cette plateforme" in texte
    assert "n'est pas qualifiée" in texte  # the demo authority, said in the summary
    # The technical lines stay, folded below the summary.
    assert texte.index("horodatage n'est PAS qualifié") > texte.index("<details")
    assert (
        "bien celui publié par cette plateforme" in texte and "publiée dans les ancres de confiance de cette plateforme" in texte
    )
    assert "que vous avez indiquée" not in texte


def test_verify_page_accepts_the_pdf_accuse(client, consigner):
    from justexpert.preuves import accuses

    (evenement,) = consigner(document=b"rapport")
    pdf = accuses.accuse_pdf(evenement, titre="Accusé de dépôt", lignes=[("Dossier", "RG 26/00001")])
    reponse = client.post(
        "/preuves/verifier/",
        {
            "accuse": SimpleUploadedFile("accuse-depot.pdf", pdf, content_type="application/pdf"),
            "document": SimpleUploadedFile("rapport.pdf", b"rapport"),
        },
    )
    assert reponse.status_code == 200 and reponse.context["resume"].verdict == "valide"
    # A PDF that is not an accusé: said at the field, nothing kept.
    autre = client.post(
        "/preuves/verifier/",
        {"accuse": SimpleUploadedFile("autre.pdf", b"%PDF-1.4 pas vraiment", content_type="application/pdf")},
    )
    assert "accuse" in autre.context["form"].errors and "Accusé illisible" in html.unescape(autre.content.decode())


def test_verify_page_on_a_pending_receipt_says_what_remains(client, db):
    evenement = services.enregistrer("test.depot", acteur_ref="a", objet_ref="o", document_sha256="ab" * 32)
    reponse = _deposer(client, json.dumps(services.accuse(evenement)).encode())
    resume = reponse.context["resume"]
    assert resume.verdict == "incomplet" and not resume.non_prouve
    texte = html.unescape(reponse.content.decode())
    assert "Rien de faux" in texte and "Date certaine en attente" in texte and "Vous n'avez pas fourni le document" in texte


def test_verify_page_on_an_altered_receipt_says_it_proves_nothing(client, consigner):
    (evenement,) = consigner(document=b"rapport")
    recu = services.accuse(evenement)
    recu["evenement"]["le"] = "2020-01-01T00:00:00Z"  # the readable part edited, the leaf unchanged
    reponse = _deposer(client, json.dumps(recu).encode())
    resume = reponse.context["resume"]
    assert resume.verdict == "invalide" and "modifié" in resume.non_prouve[0]
    assert "ne prouve pas ce qu'il affirme" in html.unescape(reponse.content.decode())


def test_verify_page_says_what_is_not_proven(client, consigner):
    (evenement,) = consigner(document=b"rapport")
    reponse = _deposer(client, json.dumps(services.accuse(evenement)).encode(), b"autre document")
    assert "n&#x27;est PAS celui de l&#x27;événement" in reponse.content.decode()
    assert reponse.context["resume"].verdict == "invalide"
    assert "n'est pas celui de cet accusé" in html.unescape(reponse.content.decode())


def test_malformed_receipt_gets_a_field_error_not_a_500(client, db):
    for contenu in (b"pas du json", b"[]", b'{"format": "autre"}', b"\xff\xfe", b"x" * (5 * 1024 * 1024 + 1)):
        reponse = _deposer(client, contenu)
        assert reponse.status_code == 200
        assert reponse.context["form"].errors["accuse"], contenu
        assert "Accusé illisible" in reponse.content.decode() or "trop volumineux" in reponse.content.decode()
    for accuse in (
        {"format": "justexpert-accuse/1"},
        {"format": "justexpert-accuse/1", "feuille": "!!", "point_de_controle": 3},
        {"format": "justexpert-accuse/1", "feuille": "e30=", "evenement": {}, "point_de_controle": {"note": 3}},
    ):
        reponse = _deposer(client, json.dumps(accuse).encode())
        assert reponse.status_code == 200
        assert "Non prouvé" in reponse.content.decode()
    reponse = client.post("/preuves/verifier/", {})
    assert reponse.status_code == 200
    assert "accuse" in reponse.context["form"].errors


def test_verify_page_hashes_a_large_document_without_keeping_it(client, consigner, settings):
    """The platform's memory-only upload handler drops files over 2.5 Mo: the verify page reads
    the document with its own handler (hashed while streaming), so a big report still counts."""
    contenu = b"r" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE * 3)
    (evenement,) = consigner(document=contenu)
    reponse = _deposer(client, json.dumps(services.accuse(evenement)).encode(), contenu)
    assert reponse.context["resume"].verdict == "valide"
    assert any("exactement celui" in t for t in reponse.context["resume"].prouve)


def test_verify_page_still_checks_csrf(db):
    from django.test import Client

    reponse = Client(enforce_csrf_checks=True).post(
        "/preuves/verifier/", {"accuse": SimpleUploadedFile("a.json", b"{}", content_type="application/json")}
    )
    assert reponse.status_code == 403
