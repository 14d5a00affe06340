"""Invitations: single use, expiring, bound to the address, handler of the inviting module."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from justexpert.comptes import invitations
from justexpert.comptes.models import EvenementSecurite, Invitation, JournalSecurite, Role, Utilisateur
from justexpert.comptes.services import RefusService
from tests.conftest import MOT_DE_PASSE, texte

pytestmark = pytest.mark.django_db

ACCUEILLIS: list[tuple[str, str]] = []


def _gestionnaire(invitation, utilisateur):
    ACCUEILLIS.append((invitation.objet_ref, utilisateur.email))
    return f"/tableau-de-bord/?dossier={invitation.objet_ref}"


@pytest.fixture(autouse=True)
def gestionnaire_test():
    ACCUEILLIS.clear()
    invitations.enregistrer_gestionnaire("test.dossier", _gestionnaire)


def _inviter(acteur, email="invitee@test.fr", role=Role.AVOCAT, **kw):
    return invitations.inviter(acteur=acteur, email=email, role=role, objet="test.dossier", objet_ref="D-42", **kw)


def _chemin(lien):
    return lien.split("8000", 1)[1]


OUVERTE = "/invitation/"


def _ouvrir(client, lien):
    """Open the mailed link: the secret goes to the session, the page continues without it."""
    redirection = client.get(_chemin(lien))
    assert redirection.status_code == 302 and redirection["Location"] == OUVERTE
    assert redirection["Referrer-Policy"] == "no-referrer"
    return client.get(OUVERTE)


MDP = "un-mot-de-passe-assez-long"


def test_new_person_creates_account_from_the_link_and_lands_on_the_object(client, magistrat):
    inv, lien = _inviter(magistrat)
    assert len(lien.rsplit("/", 2)[-2]) >= 40
    assert lien.rsplit("/", 2)[-2] not in inv.empreinte  # only a hash is stored
    page = _ouvrir(client, lien)
    assert page.status_code == 200
    assert "i••••••@test.fr" in texte(page)
    reponse = client.post(OUVERTE, {"prenom": "Ana", "nom": "Vocat", "mot_de_passe": MDP, "confirmation": MDP})
    assert reponse.status_code == 302 and reponse["Location"] == "/tableau-de-bord/?dossier=D-42"
    user = Utilisateur.objects.get(email="invitee@test.fr")
    assert user.roles == {Role.AVOCAT} and user.email_verifie
    assert ACCUEILLIS == [("D-42", "invitee@test.fr")]
    assert client.get(reverse("portail:tableau_de_bord")).status_code == 200


def test_a_used_invitation_cannot_be_used_again(client, magistrat):
    _, lien = _inviter(magistrat)
    _ouvrir(client, lien)
    client.post(OUVERTE, {"prenom": "Ana", "nom": "Vocat", "mot_de_passe": MDP, "confirmation": MDP})
    autre = client.__class__()
    reponse = _ouvrir(autre, lien)
    assert reponse.status_code == 400 and "déjà été utilisée" in texte(reponse)


def test_an_expired_invitation_is_refused(client, magistrat):
    inv, lien = _inviter(magistrat)
    Invitation.objects.filter(pk=inv.pk).update(expire_le=timezone.now() - dt.timedelta(seconds=1))
    reponse = _ouvrir(client, lien)
    assert reponse.status_code == 400 and "expiré" in texte(reponse)
    assert not Utilisateur.objects.filter(email="invitee@test.fr").exists()


def test_a_guessed_link_reveals_nothing(client, db):
    for secret in ("x", "a" * 43, "a" * 500):
        reponse = client.get(reverse("comptes:invitation", args=[secret]), follow=True)
        assert reponse.status_code == 400 and "n'est pas valide" in texte(reponse)


def test_another_logged_in_account_cannot_use_the_invitation(client, magistrat, expert):
    _, lien = _inviter(magistrat)
    client.force_login(expert)
    _ouvrir(client, lien)
    reponse = client.post(OUVERTE)
    assert "destinée à l'adresse" in texte(reponse)
    assert expert.roles == {Role.EXPERT}
    assert Invitation.objects.get().acceptee_le is None
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.REFUS_PERMISSION, utilisateur=expert).exists()


def test_existing_account_logs_in_then_accepts(client, magistrat, expert):
    _, lien = _inviter(magistrat, email="EXPERT@test.fr", role=Role.PARTIE)
    page = _ouvrir(client, lien)
    assert "Un compte existe déjà" in texte(page)
    client.post(reverse("comptes:connexion"), {"email": "expert@test.fr", "mot_de_passe": MOT_DE_PASSE})
    reponse = client.post(OUVERTE)
    assert reponse["Location"] == "/tableau-de-bord/?dossier=D-42"
    assert Utilisateur.objects.get(pk=expert.pk).roles == {Role.EXPERT, Role.PARTIE}


def test_bad_password_keeps_the_invitation_unused_and_the_names_typed(client, magistrat):
    _, lien = _inviter(magistrat)
    _ouvrir(client, lien)
    reponse = client.post(OUVERTE, {"prenom": "Ana", "nom": "Vocat", "mot_de_passe": "court", "confirmation": "court"})
    assert reponse.status_code == 200 and "Ana" in texte(reponse)
    assert Invitation.objects.get().acceptee_le is None
    assert not Utilisateur.objects.filter(email="invitee@test.fr").exists()


def test_revoked_invitation_and_unknown_object_kind(client, magistrat):
    inv, lien = _inviter(magistrat)
    invitations.revoquer(acteur=magistrat, invitation=inv)
    assert "retirée" in texte(_ouvrir(client, lien))
    with pytest.raises(RefusService):
        invitations.inviter(acteur=magistrat, email="x@test.fr", role=Role.PARTIE, objet="inconnu.objet")


def test_invitation_mail_is_sent_after_commit(magistrat, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        _, lien = _inviter(magistrat)
    assert mailoutbox[0].to == ["invitee@test.fr"] and lien in mailoutbox[0].body
