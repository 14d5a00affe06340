"""The candidature's piece form works with the upload script (JSON answers)."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from tests.conftest import texte

from .conftest import brouillon


def test_piece_form_carries_the_script_and_gets_json_answers(client, candidat):
    c = brouillon(candidat, pieces=False)
    client.force_login(candidat)
    page = texte(client.get(reverse("candidatures:modifier", args=[c.uuid])))
    assert re.search(r'<form[^>]*id="depot-piece"[^>]*data-envoi', page) and "coffre/envoi" in page
    url = reverse("candidatures:piece_deposer", args=[c.uuid])
    reponse = client.post(url, {"type": "", "fichier": _fichier()}, HTTP_X_ENVOI="1")
    assert reponse.status_code == 400 and json.loads(reponse.content)["erreurs"]["__all__"]
    reponse = client.post(url, {"type": c.pieces_requises[0], "fichier": _fichier()}, HTTP_X_ENVOI="1")
    assert reponse.status_code == 200
    assert json.loads(reponse.content)["url"] == reverse("candidatures:modifier", args=[c.uuid])


def _fichier():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("piece.txt", b"Contenu de la piece\n")
