"""Openings are proven: the first opening of each document by each participant is an evidence
event with its receipt; the contradictoire table; the folder as a streamed ZIP."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from justexpert.expertises.models import Depot, Ouverture, TypeDocument
from justexpert.preuves import signatures
from justexpert.preuves.models import Evenement
from justexpert.preuves.verificateur import lire_accuse, verifier_accuse
from tests.conftest import texte

from .outils_depots import deposer, en_cours


@pytest.fixture
def note(dossier, expert):
    en_cours(dossier)
    return deposer(expert, dossier, TypeDocument.NOTE, nom="note-aux-parties.pdf")


def test_first_opening_is_an_event_with_its_receipt_later_ones_are_not(client, dossier, note, avocat_partie_a):
    client.force_login(avocat_partie_a)
    url = reverse("expertises:telecharger", args=[dossier.uuid, note.uuid])
    avant = Evenement.objects.count()
    reponse = client.get(url)
    assert reponse.status_code == 200 and b"".join(reponse.streaming_content).startswith(b"%PDF")
    o = Ouverture.objects.get(depot=note, utilisateur=avocat_partie_a)
    assert o.evenement.type == "expertises.ouverture" and Evenement.objects.count() == avant + 1
    client.get(url)
    assert Ouverture.objects.filter(depot=note).count() == 1 and Evenement.objects.count() == avant + 1
    recu = client.get(reverse("expertises:accuse", args=[dossier.uuid, o.evenement.uuid, "json"])).json()
    assert recu["evenement"]["type"] == "expertises.ouverture"
    assert recu["evenement"]["document_sha256"] == note.document.sha256
    verifier_accuse(recu)
    pdf = client.get(reverse("expertises:accuse", args=[dossier.uuid, o.evenement.uuid, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_depositor_download_is_not_an_opening(client, dossier, note, expert):
    client.force_login(expert)
    assert client.get(reverse("expertises:telecharger", args=[dossier.uuid, note.uuid])).status_code == 200
    assert not Ouverture.objects.filter(depot=note).exists()


def test_opening_receipt_is_for_the_opener_and_the_court_only(
    client, dossier, note, avocat_partie_a, avocat_partie_b, expert, greffier
):
    client.force_login(avocat_partie_a)
    client.get(reverse("expertises:telecharger", args=[dossier.uuid, note.uuid]))
    ev = Ouverture.objects.get(depot=note).evenement
    url = reverse("expertises:accuse", args=[dossier.uuid, ev.uuid, "json"])
    client.force_login(avocat_partie_b)
    assert client.get(url).status_code == 404
    for user in (expert, greffier):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_contradictoire_shows_who_opened_what_to_the_expert_and_the_court(
    client, dossier, note, avocat_partie_a, avocat_partie_b, expert, magistrat, greffier
):
    client.force_login(avocat_partie_a)
    client.get(reverse("expertises:telecharger", args=[dossier.uuid, note.uuid]))
    url = reverse("expertises:contradictoire", args=[dossier.uuid])
    for user in (expert, magistrat, greffier):
        client.force_login(user)
        page = texte(client.get(url))
        assert "ouvert le" in page and "non ouvert" in page and "déposant" in page
    client.force_login(avocat_partie_b)
    assert client.get(url).status_code == 403


def test_folder_zip_is_streamed_stored_with_the_receipts_and_counts_as_opening(
    client, dossier, expert, avocat_partie_a, avocat_partie_b
):
    en_cours(dossier)
    deposer(expert, dossier, TypeDocument.NOTE, nom="note.pdf")
    deposer(avocat_partie_a, dossier, TypeDocument.PIECE, nom="bail.txt", contenu=b"Bail commercial\n")
    client.force_login(avocat_partie_b)
    reponse = client.get(reverse("expertises:dossier_zip", args=[dossier.uuid]))
    assert isinstance(reponse, StreamingHttpResponse) and reponse["Content-Type"] == "application/zip"
    assert 'filename="expertise-RG-26-00001.zip"' in reponse["Content-Disposition"]  # the case number, "/" made safe
    contenu = b"".join(reponse.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    assert archive.testzip() is None
    noms = archive.namelist()
    assert any(n.endswith("note.pdf") for n in noms) and any(n.endswith("bail.txt") for n in noms)
    assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
    liste = archive.read("accuses/liste.csv").decode("utf-8-sig")
    assert "bail.txt" in liste and "Pièce n° 1" in liste
    # Each deposit's sealed PDF accusé, in words, carrying its JSON receipt.
    assert {"accuses/001-accuse-de-depot.pdf", "accuses/002-accuse-de-depot.pdf"} <= set(noms)
    pdf = archive.read("accuses/002-accuse-de-depot.pdf")
    assert signatures.verifier_pdf(pdf).statut == signatures.Statut.VALIDE
    assert lire_accuse(pdf)["evenement"]["document_sha256"] == Depot.objects.get(document__nom="bail.txt").document.sha256
    assert "accuses/002-accuse-de-depot.pdf" in liste
    assert Ouverture.objects.filter(utilisateur=avocat_partie_b).count() == 2


def test_zip_is_written_chunk_by_chunk():
    """The generator hands out bytes per coffre segment: no whole-archive buffer."""
    from justexpert.expertises.archive import _Flux

    flux = _Flux()
    with zipfile.ZipFile(flux, mode="w", compression=zipfile.ZIP_STORED) as archive:
        with archive.open("a.bin", mode="w") as entree:
            entree.write(b"x" * 1000)
            morceau = flux.vider()
            assert 1000 <= len(morceau) < 1200
            entree.write(b"y" * 10)
            assert len(flux.vider()) == 10
    assert flux.vider()  # central directory
