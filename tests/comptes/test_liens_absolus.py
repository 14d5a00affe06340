"""Absolute links (issue 18, item 6): every link in a mail starts with settings.SITE_URL — the reset
link as the invitation link — never with the Host header of the request that caused the mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from justexpert.comptes import invitations

pytestmark = pytest.mark.django_db
SITE = "https://justexpert.example"


def _liens(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def test_the_reset_link_uses_the_setting_not_the_request_host(client, expert, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comptes:reinitialisation"), {"email": expert.email}, HTTP_HOST="localhost")
    (message,) = mail.outbox
    (lien,) = _liens(message)
    assert lien.startswith(SITE + "/mot-de-passe/nouveau/"), lien
    assert "localhost" not in message.body and "testserver" not in message.body


def test_invitation_sign_up_and_reset_links_share_one_source(
    client, expert, magistrat, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        invitations.inviter(acteur=magistrat, email="nouveau@exemple.fr", role="partie")
        client.post(reverse("comptes:reinitialisation"), {"email": expert.email}, HTTP_HOST="127.0.0.1")
        client.post(
            reverse("comptes:inscription"),
            {
                "prenom": "Nina",
                "nom": "Roux",
                "email": "nina@exemple.fr",
                "mot_de_passe": "un-mot-de-passe-assez-long",
                "confirmation": "un-mot-de-passe-assez-long",
            },
            HTTP_HOST="localhost",
        )
    liens = [lien for message in mail.outbox for lien in _liens(message)]
    assert len(mail.outbox) == 3 and len(liens) == 3
    assert all(lien.startswith(SITE + "/") for lien in liens), liens
