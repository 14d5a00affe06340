"""Login, lockout, session rotation, sign-up and e-mail verification, password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from justexpert.comptes.models import EchecConnexion, EvenementSecurite, JournalSecurite, Role, Utilisateur
from tests.conftest import MOT_DE_PASSE, texte

pytestmark = pytest.mark.django_db


def _login(client, email, mdp=MOT_DE_PASSE, **extra):
    return client.post(reverse("comptes:connexion"), {"email": email, "mot_de_passe": mdp}, **extra)


def test_login_by_email_is_case_insensitive_and_lands_on_dashboard(client, expert):
    response = _login(client, "EXPERT@Test.fr")
    assert response.status_code == 302
    assert response["Location"] == reverse("portail:tableau_de_bord")
    assert client.get(reverse("portail:tableau_de_bord")).status_code == 200
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.CONNEXION, utilisateur=expert).exists()


def test_wrong_password_gives_same_message_as_unknown_address(client, expert):
    mauvais = _login(client, "expert@test.fr", "pas-le-bon")
    inconnu = _login(client, "personne@test.fr", "pas-le-bon")
    for response in (mauvais, inconnu):
        assert response.status_code == 200
        assert "Adresse électronique ou mot de passe incorrect." in texte(response)
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.ECHEC_CONNEXION).count() == 2


def test_session_key_rotates_at_login(client, expert):
    client.get(reverse("comptes:connexion"))
    client.session.save()
    avant = client.session.session_key
    _login(client, "expert@test.fr")
    assert client.session.session_key != avant


def test_unsafe_next_is_ignored(client, expert):
    response = client.post(
        reverse("comptes:connexion") + "?next=https://evil.example/",
        {"email": "expert@test.fr", "mot_de_passe": MOT_DE_PASSE, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("portail:tableau_de_bord")


@override_settings(VERROUILLAGE_ECHECS_COMPTE=3)
def test_account_locked_after_repeated_failures_even_with_right_password(client, expert):
    for _ in range(3):
        _login(client, "expert@test.fr", "faux")
    response = _login(client, "expert@test.fr")
    assert "Trop de tentatives" in texte(response)
    assert "_auth_user_id" not in client.session
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.VERROUILLAGE).exists()


@override_settings(VERROUILLAGE_ECHECS_COMPTE=3)
def test_lockout_is_temporary(client, expert):
    for _ in range(3):
        _login(client, "expert@test.fr", "faux")
    EchecConnexion.objects.update(le="2000-01-01T00:00:00Z")
    assert _login(client, "expert@test.fr").status_code == 302


@override_settings(VERROUILLAGE_ECHECS_ADRESSE=4, VERROUILLAGE_ECHECS_COMPTE=100)
def test_address_locked_after_failures_on_many_accounts(client, expert):
    for i in range(4):
        _login(client, f"inconnu{i}@test.fr", "faux")
    response = _login(client, "expert@test.fr")
    assert "Trop de tentatives" in texte(response)


def test_malformed_login_input_gives_field_errors_not_500(client, db):
    for data in (
        {},
        {"email": "pas une adresse", "mot_de_passe": "x"},
        {"email": "a@b.fr" * 100, "mot_de_passe": ""},
        {"email": "\x00@x.fr", "mot_de_passe": "\u202e"},
    ):
        response = client.post(reverse("comptes:connexion"), data)
        assert response.status_code == 200


def test_logout_requires_post_and_ends_session(client, expert):
    _login(client, "expert@test.fr")
    assert client.get(reverse("comptes:deconnexion")).status_code == 405
    client.post(reverse("comptes:deconnexion"))
    assert client.get(reverse("portail:tableau_de_bord")).status_code == 302


# --- Sign-up and verification -------------------------------------------------------------------


def _inscription(client, email="nouveau@test.fr", mdp="un-long-mot-de-passe-solide"):
    return client.post(
        reverse("comptes:inscription"),
        {"prenom": "Lou", "nom": "Nouveau", "email": email, "mot_de_passe": mdp, "confirmation": mdp},
    )


def test_self_signup_creates_a_candidate_who_must_verify_the_address(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _inscription(client)
    assert response.status_code == 200
    user = Utilisateur.objects.get(email="nouveau@test.fr")
    assert user.roles == {Role.CANDIDAT}
    assert not user.email_verifie
    assert len(mail.outbox) == 1
    lien = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    # Not verified yet: login refused, a new link is sent.
    with django_capture_on_commit_callbacks(execute=True):
        refus = _login(client, "nouveau@test.fr", "un-long-mot-de-passe-solide")
    assert "pas encore confirmée" in texte(refus)
    assert len(mail.outbox) == 2
    chemin = lien.split("8000", 1)[-1] if "8000" in lien else lien
    ok = client.get(chemin)
    assert ok.status_code == 302
    assert ok["Referrer-Policy"] == "no-referrer"
    user.refresh_from_db()
    assert user.email_verifie
    assert _login(client, "nouveau@test.fr", "un-long-mot-de-passe-solide").status_code == 302


def test_signup_with_existing_address_reveals_nothing_and_warns_the_owner(client, expert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _inscription(client, email="expert@test.fr")
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in texte(response)
    assert Utilisateur.objects.filter(email="expert@test.fr").count() == 1
    assert "déjà un" in mail.outbox[0].body
    assert expert.roles == {Role.EXPERT}


def test_signup_keeps_input_and_explains_errors(client, db):
    response = _inscription(client, mdp="court")
    contenu = texte(response)
    assert response.status_code == 200
    assert "nouveau@test.fr" in contenu  # nothing typed is lost
    assert "Ce mot de passe est trop court" in contenu
    assert not Utilisateur.objects.exists()


def test_forged_or_tampered_verification_link_is_refused(client, expert):
    from justexpert.comptes.services import jeton_verification

    jeton = jeton_verification(expert)
    response = client.get(reverse("comptes:verifier_adresse", args=[jeton[:-2] + "xx"]))
    assert response.status_code == 400
    assert "pas valide" in texte(response)


# --- Password reset -------------------------------------------------------------------------------


def test_reset_gives_same_answer_for_known_and_unknown_addresses(client, expert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        connu = client.post(reverse("comptes:reinitialisation"), {"email": "expert@test.fr"})
        inconnu = client.post(reverse("comptes:reinitialisation"), {"email": "personne@test.fr"})
    assert connu.status_code == inconnu.status_code == 302
    assert connu["Location"] == inconnu["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["expert@test.fr"]


def test_reset_link_is_single_use_and_ends_other_sessions(client, expert, django_capture_on_commit_callbacks):
    autre = client.__class__()
    _login(autre, "expert@test.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comptes:reinitialisation"), {"email": "expert@test.fr"})
    chemin = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    page = client.get(chemin, follow=True)
    assert page.status_code == 200
    formulaire = page.redirect_chain[-1][0]
    nouveau = "encore-un-mot-de-passe-long"
    fin = client.post(formulaire, {"new_password1": nouveau, "new_password2": nouveau})
    assert fin.status_code == 302
    assert _login(client.__class__(), "expert@test.fr", nouveau).status_code == 302
    # The same link again: refused.
    encore = client.get(chemin, follow=True)
    assert "n'est plus valable" in texte(encore)
    # Sessions opened before the change are closed.
    assert autre.get(reverse("portail:tableau_de_bord")).status_code == 302


def test_reset_token_url_is_never_sent_as_referrer_but_the_form_keeps_origin(client, expert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("comptes:reinitialisation"), {"email": "expert@test.fr"})
    chemin = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    avec_jeton = client.get(chemin)
    assert avec_jeton.status_code == 302 and avec_jeton["Referrer-Policy"] == "no-referrer"
    formulaire = client.get(avec_jeton["Location"])
    assert formulaire.status_code == 200
    # The form page keeps the site policy: browsers then send a real Origin with the POST (CSRF).
    assert formulaire["Referrer-Policy"] == "same-origin"
