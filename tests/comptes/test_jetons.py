"""The page where a person lists, creates and revokes their own API tokens (issue 18, item 5)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from justexpert.comptes.models import EvenementSecurite, JetonAcces, JournalSecurite
from justexpert.comptes.services import RefusService, creer_jeton, revoquer_jeton
from tests.conftest import texte

pytestmark = pytest.mark.django_db
PAGE = "comptes:jetons"


def _api(secret: str) -> int:
    return Client().get("/api/v1/comptes/moi", headers={"authorization": f"Bearer {secret}"}).status_code


def test_my_account_links_to_the_tokens_page(client, expert):
    client.force_login(expert)
    page = texte(client.get(reverse("comptes:mon_compte")))
    assert f'href="{reverse(PAGE)}"' in page and "Gérer mes jetons d'accès à l'API" in page


def test_the_secret_is_shown_once_and_works_until_revoked(client, expert):
    client.force_login(expert)
    reponse = client.post(reverse(PAGE), {"nom": "Logiciel du cabinet", "jours": "30"})
    assert reponse.status_code == 200 and reponse["Cache-Control"] == "no-store"
    secret = re.search(r'id="secret-jeton">(je_[A-Za-z0-9_-]+)<', reponse.content.decode()).group(1)
    assert _api(secret) == 200
    jeton = JetonAcces.objects.get(utilisateur=expert)
    assert jeton.nom == "Logiciel du cabinet" and round((jeton.expire_le - jeton.cree_le).total_seconds() / 86400) == 30
    assert secret not in client.get(reverse(PAGE)).content.decode()  # never shown again
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.JETON_CREE, utilisateur=expert).exists()

    page = texte(client.get(reverse(PAGE)))
    assert "Logiciel du cabinet" in page and "Actif" in page
    # The DSFR confirmation dialog holds the revoking form; the button only opens it.
    assert f'aria-controls="revoquer-{jeton.uuid}"' in page and 'class="fr-modal"' in page
    assert f'action="{reverse("comptes:revoquer_jeton", args=[jeton.uuid])}"' in page

    reponse = client.post(reverse("comptes:revoquer_jeton", args=[jeton.uuid]))
    assert reponse.status_code == 302 and reponse["Location"] == reverse(PAGE)
    assert _api(secret) == 401
    page = texte(client.get(reverse(PAGE)))
    assert "« Logiciel du cabinet » est révoqué" in page and "Révoqué le" in page
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.JETON_REVOQUE, utilisateur=expert).count() == 1
    client.post(reverse("comptes:revoquer_jeton", args=[jeton.uuid]))  # again: nothing more happens
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.JETON_REVOQUE, utilisateur=expert).count() == 1


def test_nobody_sees_or_revokes_another_persons_token(client, expert, autre_expert):
    jeton, secret = creer_jeton(acteur=autre_expert, nom="Script de l'autre")
    client.force_login(expert)
    assert "Script de l'autre" not in texte(client.get(reverse(PAGE)))
    assert client.post(reverse("comptes:revoquer_jeton", args=[jeton.uuid])).status_code == 404
    assert _api(secret) == 200
    with pytest.raises(RefusService):
        revoquer_jeton(acteur=expert, jeton=jeton)


def test_revoking_needs_a_post_and_a_login(client, expert):
    jeton, _secret = creer_jeton(acteur=expert, nom="x")
    url = reverse("comptes:revoquer_jeton", args=[jeton.uuid])
    assert client.post(url)["Location"].startswith(reverse("comptes:connexion"))
    assert client.get(reverse(PAGE))["Location"].startswith(reverse("comptes:connexion"))
    client.force_login(expert)
    assert client.get(url).status_code == 405
    assert JetonAcces.objects.get(pk=jeton.pk).revoque_le is None


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"nom": "", "jours": "90"}, "Donnez un nom au jeton."),
        ({"nom": "   ", "jours": "90"}, "Donnez un nom au jeton."),
        ({"nom": "x" * 101, "jours": "90"}, "100 caractères au plus."),
        ({"nom": "Script", "jours": "3650"}, "Choisissez une des durées proposées."),
        ({"nom": "Script", "jours": "beaucoup"}, "Choisissez une des durées proposées."),
        ({"nom": "Script"}, "Ce champ est obligatoire."),
    ],
)
def test_bad_input_gets_a_french_message_and_creates_nothing(client, expert, donnees, message):
    client.force_login(expert)
    reponse = client.post(reverse(PAGE), donnees)
    assert reponse.status_code == 200 and message in texte(reponse)
    assert not JetonAcces.objects.exists()


def test_the_service_refuses_what_the_form_would(expert):
    for nom, jours in (("", 90), ("x" * 101, 90), ("Script", 7)):
        with pytest.raises(RefusService):
            creer_jeton(acteur=expert, nom=nom, jours=jours)
