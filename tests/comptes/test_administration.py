"""Administration pages: staff accounts, memberships and habilitations; role menus; API tokens."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from justexpert.comptes.models import Appartenance, EvenementSecurite, Habilitation, JournalSecurite, Role, Utilisateur
from justexpert.comptes.services import creer_jeton, revoquer_jeton
from justexpert.navigation import menu_pour
from tests.conftest import MOT_DE_PASSE, texte

pytestmark = pytest.mark.django_db


def _login(client, email):
    client.post(reverse("comptes:connexion"), {"email": email, "mot_de_passe": MOT_DE_PASSE})
    return client


ADMIN_GET = ["comptes:admin_utilisateurs", "comptes:admin_creer", "comptes:admin_journal"]


@pytest.mark.parametrize(
    "acteur", ["magistrat", "greffier", "agent", "expert", "candidat", "avocat_partie_a", "partie_b", "invite"]
)
def test_only_administrators_reach_administration_pages(client, request, acteur):
    user = request.getfixturevalue(acteur)
    _login(client, user.email)
    for nom in ADMIN_GET:
        assert client.get(reverse(nom)).status_code == 403, nom
    assert client.get(reverse("comptes:admin_utilisateur", args=[user.uuid])).status_code == 403


def test_administrator_creates_a_staff_account_with_habilitations(
    client, administrateur, orgs, django_capture_on_commit_callbacks
):
    from django.core import mail

    _login(client, "admin@test.fr")
    for nom in ADMIN_GET:
        assert client.get(reverse(nom)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("comptes:admin_creer"),
            {
                "prenom": "Inès",
                "nom": "Greffe",
                "email": "Ines.Greffe@Justice.fr",
                "role": Role.GREFFIER,
                "organisation": orgs["PARIS"].pk,
                "habilitations": [Habilitation.INSTRUCTEUR_CANDIDATURES],
            },
        )
    assert reponse.status_code == 302
    user = Utilisateur.objects.get(email="ines.greffe@justice.fr")
    assert user.a_habilitation(Habilitation.INSTRUCTEUR_CANDIDATURES, orgs["PARIS"])
    assert not user.a_habilitation(Habilitation.INSTRUCTEUR_CANDIDATURES, orgs["LYON"])
    assert not user.has_usable_password()
    # The mail carries a single-use link to choose the password.
    lien = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    page = client.__class__().get(lien, follow=True)
    assert "Choisir un mot de passe" in texte(page)
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.COMPTE_CREE, acteur=administrateur).exists()


def test_staff_role_without_organisation_is_refused_with_a_field_message(client, administrateur):
    _login(client, "admin@test.fr")
    reponse = client.post(reverse("comptes:admin_creer"), {"prenom": "A", "nom": "B", "email": "a@b.fr", "role": Role.MAGISTRAT})
    assert reponse.status_code == 200
    assert "Choisissez l'organisation" in texte(reponse)
    assert "a@b.fr" in texte(reponse)
    assert not Utilisateur.objects.filter(email="a@b.fr").exists()


def test_duplicate_address_is_refused_at_the_field(client, administrateur, expert):
    _login(client, "admin@test.fr")
    reponse = client.post(
        reverse("comptes:admin_creer"), {"prenom": "A", "nom": "B", "email": "expert@test.fr", "role": Role.AVOCAT}
    )
    assert "Un compte existe déjà" in texte(reponse)


def test_user_may_hold_several_roles_and_habilitations_can_be_changed(client, administrateur, expert, orgs):
    _login(client, "admin@test.fr")
    url = reverse("comptes:admin_utilisateur", args=[expert.uuid])
    client.post(url, {"role": Role.AGENT, "organisation": orgs["TJ_PARIS"].pk, "habilitations": [Habilitation.MATIERE_PENALE]})
    expert = Utilisateur.objects.get(pk=expert.pk)
    assert expert.roles == {Role.EXPERT, Role.AGENT}
    assert expert.a_habilitation(Habilitation.MATIERE_PENALE)
    client.post(url, {"role": Role.AGENT, "organisation": orgs["TJ_PARIS"].pk, "habilitations": []})
    expert = Utilisateur.objects.get(pk=expert.pk)
    assert not expert.a_habilitation(Habilitation.MATIERE_PENALE)
    appartenance = Appartenance.objects.get(utilisateur=expert, role=Role.AGENT)
    client.post(reverse("comptes:admin_retirer_appartenance", args=[appartenance.uuid]))
    assert Utilisateur.objects.get(pk=expert.pk).roles == {Role.EXPERT}


def test_deactivation_ends_sessions_and_blocks_login(client, administrateur, expert):
    session_expert = _login(client.__class__(), "expert@test.fr")
    _login(client, "admin@test.fr")
    client.post(reverse("comptes:admin_desactiver", args=[expert.uuid]), {"confirme": "oui"})
    assert session_expert.get(reverse("portail:tableau_de_bord")).status_code == 302
    assert _login(client.__class__(), "expert@test.fr").get(reverse("portail:tableau_de_bord")).status_code == 302


def test_administrator_cannot_deactivate_themselves(client, administrateur):
    _login(client, "admin@test.fr")
    reponse = client.post(reverse("comptes:admin_desactiver", args=[administrateur.uuid]), {"confirme": "oui"}, follow=True)
    assert "propre compte" in texte(reponse)
    administrateur.refresh_from_db()
    assert administrateur.is_active


def test_unknown_user_uuid_is_404(client, administrateur):
    _login(client, "admin@test.fr")
    assert client.get("/administration/comptes/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_menu_depends_on_roles(administrateur, expert):
    assert "Administration" in [e["libelle"] for e in menu_pour(administrateur)]
    assert "Administration" not in [e["libelle"] for e in menu_pour(expert)]
    assert [e["libelle"] for e in menu_pour(expert)][0] == "Tableau de bord"


def test_menu_is_rendered_in_the_header(client, administrateur):
    _login(client, "admin@test.fr")
    contenu = texte(client.get(reverse("portail:tableau_de_bord")))
    assert 'href="/administration/comptes/"' in contenu


# --- API ------------------------------------------------------------------------------------------


def test_api_requires_authentication(client, db):
    assert client.get("/api/v1/comptes/moi").status_code == 401


def test_api_with_session_and_with_personal_token(client, expert):
    _login(client, "expert@test.fr")
    assert client.get("/api/v1/comptes/moi").json()["roles"][0]["role"] == Role.EXPERT
    jeton, secret = creer_jeton(acteur=expert, nom="script")
    anonyme = client.__class__()
    reponse = anonyme.get("/api/v1/comptes/moi", headers={"Authorization": f"Bearer {secret}"})
    assert reponse.status_code == 200 and reponse.json()["email"] == "expert@test.fr"
    assert secret not in str(jeton.empreinte)
    revoquer_jeton(acteur=expert, jeton=jeton)
    assert anonyme.get("/api/v1/comptes/moi", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert anonyme.get("/api/v1/comptes/moi", headers={"Authorization": "Bearer je_faux"}).status_code == 401
