"""The PLEX deposit form works with the upload script (JSON answers, errors at their field)."""

from __future__ import annotations

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import texte

from .conftest import pdf


def test_plex_deposit_form_carries_the_script_and_gets_json_answers(client, civil, agent):
    client.force_login(agent)
    page = texte(client.get(reverse("echanges:detail", args=[civil.echange.uuid])))
    assert re.search(r'<form[^>]*action="/echanges/[^"]+/deposer/"[^>]*data-envoi', page) and "coffre/envoi" in page
    url = reverse("echanges:deposer", args=[civil.echange.uuid])
    reponse = client.post(url, {"jours": "31", "fichier": SimpleUploadedFile("a.pdf", pdf(b"A"))}, HTTP_X_ENVOI="1")
    assert reponse.status_code == 400
    assert json.loads(reponse.content)["erreurs"] == {"jours": ["Choisissez une durée de 1 à 30 jours."]}
    reponse = client.post(url, {"jours": "3", "fichier": SimpleUploadedFile("a.pdf", pdf(b"A"))}, HTTP_X_ENVOI="1")
    assert reponse.status_code == 200
    assert json.loads(reponse.content) == {"url": reverse("echanges:detail", args=[civil.echange.uuid])}
