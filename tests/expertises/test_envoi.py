"""Deposit forms work with the upload script (static coffre/envoi.js: JSON answers, errors shown
next to the fields without reloading) and without it (pages); in both, a refused file keeps what
was chosen in the other fields, and the page gives the script what the server enforces."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justexpert.coffre import conf
from justexpert.coffre.formats import FORMATS
from justexpert.expertises.models import Depot
from tests.conftest import texte
from tests.preuves.outils_signature import pdf

from .outils_depots import en_cours

SCRIPT = {"HTTP_X_ENVOI": "1"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_expert(client, dossier, expert):
    en_cours(dossier)
    client.force_login(expert)
    return client


def _poster(client, dossier, nom: str, contenu: bytes, **entetes):
    fichier = SimpleUploadedFile(nom, contenu, content_type="application/octet-stream")
    return client.post(reverse("expertises:deposer", args=[dossier.uuid]), {"type": "note", "fichier": fichier}, **entetes)


def test_page_gives_the_script_the_limits_the_server_enforces(client_expert, dossier):
    page = texte(client_expert.get(reverse("expertises:detail", args=[dossier.uuid])))
    formulaire = re.search(r'<form[^>]*action="/expertises/[^"]+/documents/deposer/"[^>]*>', page).group(0)
    assert f'data-taille-max="{conf.taille_max()}"' in formulaire and "data-envoi" in formulaire
    assert f'data-extensions="{" ".join(sorted(FORMATS))}"' in formulaire
    assert re.search(r'<script src="/static/coffre/envoi[^"]*\.js" nonce="[^"]+" defer>', page)


def test_script_deposit_answers_where_to_go_and_the_message_waits_there(client_expert, dossier):
    reponse = _poster(client_expert, dossier, "note.pdf", pdf("Note"), **SCRIPT)
    assert reponse.status_code == 200
    url = json.loads(reponse.content)["url"]
    assert url == reverse("expertises:detail", args=[dossier.uuid]) + "#documents"
    assert Depot.objects.filter(expertise=dossier).count() == 1
    assert "« Note aux parties » déposé" in texte(client_expert.get(url))


def test_script_deposit_of_a_refused_file_gets_the_error_at_the_file_field(client_expert, dossier):
    reponse = _poster(client_expert, dossier, "programme.exe", b"MZ" + b"x" * 100, **SCRIPT)
    assert reponse.status_code == 400
    erreurs = json.loads(reponse.content)["erreurs"]
    assert list(erreurs) == ["fichier"] and "Ce type de fichier n'est pas accepté" in erreurs["fichier"][0]
    assert not Depot.objects.filter(expertise=dossier).exists()


def test_script_deposit_with_a_bad_field_gets_the_error_at_that_field(client_expert, dossier):
    fichier = SimpleUploadedFile("note.pdf", pdf("Note"))
    reponse = client_expert.post(reverse("expertises:deposer", args=[dossier.uuid]), {"type": "", "fichier": fichier}, **SCRIPT)
    assert reponse.status_code == 400
    assert json.loads(reponse.content)["erreurs"] == {"type": ["Choisissez le type du document."]}


def test_without_script_a_refused_file_keeps_the_chosen_type_and_shows_one_error(client_expert, dossier):
    reponse = _poster(client_expert, dossier, "programme.exe", b"MZ" + b"x" * 100)
    assert reponse.status_code == 400
    page = texte(reponse)
    assert '<option value="note" selected>' in page
    assert "Choisissez le type du document." not in page
    assert "Ce type de fichier n'est pas accepté" in page
