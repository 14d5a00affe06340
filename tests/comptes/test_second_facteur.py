"""TOTP second factor: enrolment, login, replay, recovery codes, mandatory per role, admin reset."""

from __future__ import annotations

import pyotp
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from justexpert.comptes import services
from justexpert.comptes.models import EvenementSecurite, JournalSecurite, Role
from tests.conftest import MOT_DE_PASSE, creer_utilisateur, texte

pytestmark = pytest.mark.django_db


def _login(client, email):
    return client.post(reverse("comptes:connexion"), {"email": email, "mot_de_passe": MOT_DE_PASSE})


def _enroler(client, user) -> tuple[str, list[str]]:
    page = client.get(reverse("comptes:second_facteur_activer"))
    assert page.status_code == 200
    secret = client.session["comptes_totp_secret_en_cours"]
    assert secret in texte(page)
    assert "<svg" in texte(page)  # the QR code, inline, no external service
    reponse = client.post(reverse("comptes:second_facteur_activer"), {"code": pyotp.TOTP(secret).now()})
    assert reponse.status_code == 200
    codes = [li.strip() for li in reponse.context["codes"]]
    assert len(codes) == 10
    user.refresh_from_db()
    assert user.totp_actif
    return secret, codes


def _code_suivant(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(timezone.now().timestamp() + totp.interval)


def test_enrolment_then_login_asks_for_the_code(client, expert):
    _login(client, "expert@test.fr")
    secret, _ = _enroler(client, expert)
    client.post(reverse("comptes:deconnexion"))
    reponse = _login(client, "expert@test.fr")
    assert reponse["Location"] == reverse("comptes:second_facteur")
    assert "_auth_user_id" not in client.session  # not logged in before the code
    assert client.get(reverse("portail:tableau_de_bord")).status_code == 302
    ok = client.post(reverse("comptes:second_facteur"), {"code": _code_suivant(secret)})
    assert ok.status_code == 302
    assert client.get(reverse("portail:tableau_de_bord")).status_code == 200


def test_wrong_code_at_enrolment_keeps_factor_off(client, expert):
    _login(client, "expert@test.fr")
    client.get(reverse("comptes:second_facteur_activer"))
    reponse = client.post(reverse("comptes:second_facteur_activer"), {"code": "000000"})
    assert "Le code ne correspond pas" in texte(reponse)
    expert.refresh_from_db()
    assert not expert.totp_actif


def test_a_totp_code_cannot_be_replayed(client, expert):
    _login(client, "expert@test.fr")
    secret, _ = _enroler(client, expert)
    code = _code_suivant(secret)
    assert services.verifier_code_totp(expert, code)
    expert.refresh_from_db()
    assert not services.verifier_code_totp(expert, code)


def test_recovery_code_works_once(client, expert):
    _login(client, "expert@test.fr")
    _, codes = _enroler(client, expert)
    client.post(reverse("comptes:deconnexion"))
    for attendu in (302, 200):
        c = client.__class__()
        _login(c, "expert@test.fr")
        reponse = c.post(reverse("comptes:second_facteur"), {"code": codes[0].lower()})
        assert reponse.status_code == attendu
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.CODE_SECOURS_UTILISE).count() == 1


def test_second_step_without_password_step_goes_back_to_login(client, expert):
    reponse = client.post(reverse("comptes:second_facteur"), {"code": "123456"})
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("comptes:connexion")


@override_settings(VERROUILLAGE_ECHECS_COMPTE=3)
def test_wrong_codes_lock_the_account(client, expert):
    _login(client, "expert@test.fr")
    secret, _ = _enroler(client, expert)
    client.post(reverse("comptes:deconnexion"))
    _login(client, "expert@test.fr")
    for _ in range(3):
        client.post(reverse("comptes:second_facteur"), {"code": "000000"})
    reponse = client.post(reverse("comptes:second_facteur"), {"code": _code_suivant(secret)})
    assert "Trop de tentatives" in texte(reponse)


@pytest.mark.parametrize(
    ("role", "obligatoire"),
    [
        (Role.MAGISTRAT, True),
        (Role.GREFFIER, True),
        (Role.AGENT, True),
        (Role.EXPERT, True),
        (Role.ADMINISTRATEUR, True),
        (Role.CANDIDAT, False),
        (Role.AVOCAT, False),
        (Role.PARTIE, False),
        (Role.INVITE, False),
    ],
)
@override_settings(MFA_OBLIGATOIRE=True)
def test_mandatory_second_factor_per_role(client, orgs, role, obligatoire):
    org = orgs["TJ_PARIS"] if role in {Role.MAGISTRAT, Role.GREFFIER, Role.AGENT} else None
    creer_utilisateur("qui@test.fr", (role, org, []))
    _login(client, "qui@test.fr")
    reponse = client.get(reverse("portail:tableau_de_bord"))
    if obligatoire:
        assert reponse.status_code == 302
        assert reponse["Location"] == reverse("comptes:second_facteur_activer")
        assert client.get("/api/v1/comptes/moi").status_code == 403
        # Enrolment makes the session strong: the platform opens.
        user = creer_utilisateur.__globals__["Utilisateur"].objects.get(email="qui@test.fr")
        _enroler(client, user)
        assert client.get(reverse("portail:tableau_de_bord")).status_code == 200
    else:
        assert reponse.status_code == 200


def test_admin_resets_a_lost_factor_and_it_is_logged(client, expert, administrateur):
    c = client.__class__()
    _login(c, "expert@test.fr")
    _enroler(c, expert)
    _login(client, "admin@test.fr")
    reponse = client.post(reverse("comptes:admin_reinitialiser_totp", args=[expert.uuid]))
    assert reponse.status_code == 302
    expert.refresh_from_db()
    assert not expert.totp_actif and not expert.codes_secours.exists()
    entree = JournalSecurite.objects.get(evenement=EvenementSecurite.SECOND_FACTEUR_REINITIALISE)
    assert entree.utilisateur == expert and entree.acteur == administrateur
    # The expert's open session was ended.
    assert c.get(reverse("portail:tableau_de_bord")).status_code == 302


def test_non_admin_cannot_reset_a_factor(client, expert, magistrat):
    _login(client, "magistrat@test.fr")
    assert client.post(reverse("comptes:admin_reinitialiser_totp", args=[expert.uuid])).status_code == 403
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.REFUS_PERMISSION, utilisateur=magistrat).exists()


def test_enrolment_returns_to_the_page_that_asked_for_it_and_never_off_site(client, expert):
    client.force_login(expert)
    client.get(reverse("comptes:second_facteur_activer") + "?next=/echanges/")
    secret = client.session["comptes_totp_secret_en_cours"]
    page = client.post(reverse("comptes:second_facteur_activer"), {"code": pyotp.TOTP(secret).now(), "next": "/echanges/"})
    assert 'href="/echanges/"' in page.content.decode()
    client.get(reverse("comptes:second_facteur_activer"))
    secret = client.session["comptes_totp_secret_en_cours"]
    page = client.post(
        reverse("comptes:second_facteur_activer"), {"code": _code_suivant(secret), "next": "https://evil.example/"}
    )
    assert "evil.example" not in page.content.decode()
