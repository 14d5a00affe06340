"""Sign-up does not tell by its timing whether an address has an account (issue 18, item 2).

Measured before the fix with Argon2: ~300 ms for a new address, ~7 ms for a known one (no password
hash on that path). Both paths now pay the same hash, write one security-log row and queue one mail;
bench/comptes/run.py measures the two medians. Here the work is counted, not timed (deterministic)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

from justexpert.comptes.models import EvenementSecurite, JournalSecurite, Utilisateur

pytestmark = pytest.mark.django_db
MOT_DE_PASSE = "un-long-mot-de-passe-solide"


class HacheurCompte(MD5PasswordHasher):
    """The test hasher, counting how many passwords it hashes."""

    algorithm = "md5_compte"
    appels = 0

    def encode(self, password, salt):  # type: ignore[no-untyped-def]
        type(self).appels += 1
        return super().encode(password, salt)


@pytest.fixture
def hacheur(settings):
    settings.PASSWORD_HASHERS = ["tests.comptes.test_inscription_temps.HacheurCompte"]
    HacheurCompte.appels = 0
    return HacheurCompte


def _inscrire(client, email: str):
    return client.post(
        reverse("comptes:inscription"),
        {"prenom": "Nina", "nom": "Roux", "email": email, "mot_de_passe": MOT_DE_PASSE, "confirmation": MOT_DE_PASSE},
    )


def _travail(client, email: str, hacheur, capture) -> tuple[int, int, int, bytes]:
    hacheur.appels = 0
    journal, courriels = JournalSecurite.objects.count(), len(mail.outbox)
    with capture(execute=True):
        reponse = _inscrire(client, email)
    assert reponse.status_code == 200
    return hacheur.appels, JournalSecurite.objects.count() - journal, len(mail.outbox) - courriels, reponse.content


def _page(contenu: bytes, email: str) -> str:
    return re.sub(r'nonce="[^"]+"', "", contenu.decode()).replace(email, "")


def test_a_known_and_a_new_address_cost_the_same_hash_log_row_and_mail(
    client, expert, hacheur, django_capture_on_commit_callbacks
):
    connue = _travail(client, expert.email, hacheur, django_capture_on_commit_callbacks)
    nouvelle = _travail(client, "nina@exemple.fr", hacheur, django_capture_on_commit_callbacks)
    assert connue[:3] == nouvelle[:3] == (1, 1, 1)
    # The same page, but for the address typed and the script nonces.
    assert _page(connue[3], expert.email) == _page(nouvelle[3], "nina@exemple.fr")
    # The new account got the very hash computed before the address was looked up.
    assert Utilisateur.objects.get(email="nina@exemple.fr").check_password(MOT_DE_PASSE)
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.INSCRIPTION_ADRESSE_CONNUE, utilisateur=expert).count() == 1
