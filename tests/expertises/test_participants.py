"""Participants: invitations by e-mail and their abuse, a lawyer refusing the enrolment of the
client, removal."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from justexpert.comptes.models import Invitation, Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.expertises import participants
from justexpert.expertises.models import Participant, Qualite
from tests.conftest import texte

from .conftest import parties, secret


def ouvrir(client, lien: str) -> str:
    """Follow the mailed link (comptes keeps the secret in the session) and return the page URL."""
    client.get(urlparse(lien).path)
    return reverse("comptes:invitation_ouverte")


@pytest.fixture
def invitation_avocat(dossier, expert):
    partie_a, _b = parties(dossier)
    _inv, lien = participants.inviter_participant(
        acteur=expert, expertise=dossier, email="nouvel.avocat@test.fr", qualite=Qualite.AVOCAT, partie=partie_a
    )
    return lien


def test_invitee_creates_an_account_and_lands_in_the_case(client, dossier, invitation_avocat):
    reponse = client.post(
        ouvrir(client, invitation_avocat),
        {
            "prenom": "Jeanne",
            "nom": "Avocate",
            "mot_de_passe": "un-mot-de-passe-solide-2026",
            "confirmation": "un-mot-de-passe-solide-2026",
        },
    )
    assert reponse.status_code == 302, texte(reponse)
    assert reponse["Location"] == reverse("expertises:detail", args=[dossier.uuid])
    assert client.get(reponse["Location"]).status_code == 200
    user = Utilisateur.objects.get(email="nouvel.avocat@test.fr")
    assert Participant.objects.filter(
        expertise=dossier, utilisateur=user, qualite=Qualite.AVOCAT, retire_le__isnull=True
    ).exists()


def test_existing_account_logs_in_then_lands_in_the_case(client, dossier, expert, invitee):
    partie_a, _b = parties(dossier)
    Invitation.objects.filter(email=invitee.email).update(revoquee_le=timezone.now())
    _inv, lien = participants.inviter_participant(
        acteur=expert, expertise=dossier, email=invitee.email, qualite=Qualite.AVOCAT, partie=partie_a
    )
    client.force_login(invitee)
    assert client.get(reverse("expertises:detail", args=[dossier.uuid])).status_code == 404  # before acceptance
    reponse = client.post(ouvrir(client, lien))
    assert reponse.status_code == 302 and reponse["Location"] == reverse("expertises:detail", args=[dossier.uuid])
    assert client.get(reponse["Location"]).status_code == 200


def test_reused_invitation_is_refused(client, dossier, invitation_avocat):
    donnees = {
        "prenom": "J",
        "nom": "A",
        "mot_de_passe": "un-mot-de-passe-solide-2026",
        "confirmation": "un-mot-de-passe-solide-2026",
    }
    assert client.post(ouvrir(client, invitation_avocat), donnees).status_code == 302
    client.logout()
    reponse = client.get(ouvrir(client, invitation_avocat))
    assert reponse.status_code == 400 and "déjà été utilisée" in texte(reponse)
    with pytest.raises(RefusService, match="déjà été utilisée"):
        from justexpert.comptes import invitations

        invitations.accepter(
            None, secret=secret(invitation_avocat), utilisateur=Utilisateur.objects.get(email="nouvel.avocat@test.fr")
        )


def test_expired_invitation_is_refused(client, dossier, invitation_avocat):
    Invitation.objects.filter(email="nouvel.avocat@test.fr").update(expire_le=timezone.now() - dt.timedelta(seconds=1))
    reponse = client.get(ouvrir(client, invitation_avocat))
    assert reponse.status_code == 400 and "expiré" in texte(reponse)
    assert not Utilisateur.objects.filter(email="nouvel.avocat@test.fr").exists()


def test_other_account_cannot_accept(client, dossier, invitation_avocat, avocat_partie_b):
    client.force_login(avocat_partie_b)
    reponse = client.post(ouvrir(client, invitation_avocat))
    assert reponse.status_code == 200 and "destinée à l'adresse" in texte(reponse)
    assert not Participant.objects.filter(expertise=dossier, utilisateur=avocat_partie_b, partie=parties(dossier)[0]).exists()
    # The link still works for the right person afterwards.
    assert Invitation.objects.get(email="nouvel.avocat@test.fr").acceptee_le is None


def test_other_address_cannot_create_an_account_from_the_link(client, dossier, expert, autre_expert):
    """The account created from a link always gets the invited address; an address that already has
    an account must log in (no second account, no takeover)."""
    partie_a, _b = parties(dossier)
    _inv, lien = participants.inviter_participant(
        acteur=expert, expertise=dossier, email=autre_expert.email.upper(), qualite=Qualite.AVOCAT, partie=partie_a
    )
    reponse = client.post(
        ouvrir(client, lien),
        {"prenom": "X", "nom": "Y", "mot_de_passe": "un-mot-de-passe-solide-2026", "confirmation": "un-mot-de-passe-solide-2026"},
    )
    assert "connectez-vous" in texte(reponse).lower()
    assert Utilisateur.objects.filter(email__iexact=autre_expert.email).count() == 1
    assert not Participant.objects.filter(expertise=dossier, utilisateur=autre_expert, partie=partie_a).exists()


def test_only_expert_and_greffe_invite(dossier, avocat_partie_a, magistrat):
    partie_a, _b = parties(dossier)
    for acteur in (avocat_partie_a, magistrat):
        with pytest.raises(RefusService, match="Seuls l'expert et le greffe"):
            participants.inviter_participant(
                acteur=acteur, expertise=dossier, email="x@test.fr", qualite=Qualite.AVOCAT, partie=partie_a
            )


def test_party_of_another_case_cannot_be_used(dossier, expert, magistrat, greffier, fiche_expert, orgs):
    from .conftest import nouvelle_expertise

    autre = nouvelle_expertise(
        acteur=magistrat, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"], numero_rg="26/00099", greffiers=[greffier]
    )
    with pytest.raises(RefusService, match="n'appartient pas"):
        participants.inviter_participant(
            acteur=expert, expertise=dossier, email="x@test.fr", qualite=Qualite.AVOCAT, partie=parties(autre)[0]
        )


def test_lawyer_asks_that_the_client_not_be_enrolled(client, dossier, expert, avocat_partie_b, partie_b):
    _a, partie_b_obj = parties(dossier)
    _inv, lien = participants.inviter_participant(
        acteur=expert, expertise=dossier, email="gerant.b@test.fr", qualite=Qualite.PARTIE, partie=partie_b_obj
    )
    client.force_login(avocat_partie_b)
    reponse = client.post(reverse("expertises:ne_pas_inscrire", args=[dossier.uuid, partie_b_obj.uuid]))
    assert reponse.status_code == 302
    partie_b_obj.refresh_from_db()
    assert partie_b_obj.inscription_refusee
    # The client's access ends at once, the pending invitation is withdrawn, no new one is possible.
    client.force_login(partie_b)
    assert client.get(reverse("expertises:detail", args=[dossier.uuid])).status_code == 404
    client.logout()
    assert "retirée" in texte(client.get(ouvrir(client, lien)))
    with pytest.raises(RefusService, match="ne soit pas inscrite"):
        participants.inviter_participant(
            acteur=expert, expertise=dossier, email="autre@test.fr", qualite=Qualite.PARTIE, partie=partie_b_obj
        )
    # The lawyer still invites colleagues for that party.
    participants.inviter_participant(
        acteur=expert, expertise=dossier, email="collab@test.fr", qualite=Qualite.AVOCAT, partie=partie_b_obj
    )


def test_lawyer_of_the_other_party_cannot_refuse_for_it(client, dossier, avocat_partie_a):
    _a, partie_b_obj = parties(dossier)
    client.force_login(avocat_partie_a)
    reponse = client.post(reverse("expertises:ne_pas_inscrire", args=[dossier.uuid, partie_b_obj.uuid]), follow=True)
    assert "pas l'avocat de cette partie" in texte(reponse)
    partie_b_obj.refresh_from_db()
    assert not partie_b_obj.inscription_refusee


def test_expert_cannot_remove_court_staff_but_court_can_remove_a_lawyer(dossier, expert, greffier, magistrat, avocat_partie_a):
    cible = Participant.objects.get(expertise=dossier, utilisateur=greffier)
    with pytest.raises(RefusService):
        participants.retirer_participant(acteur=expert, participant=cible)
    avocat = Participant.objects.get(expertise=dossier, utilisateur=avocat_partie_a)
    participants.retirer_participant(acteur=greffier, participant=avocat)
    moi = Participant.objects.get(expertise=dossier, utilisateur=magistrat)
    with pytest.raises(RefusService, match="garder un magistrat"):
        participants.retirer_participant(acteur=greffier, participant=moi)
    expert_p = Participant.objects.get(expertise=dossier, utilisateur=expert)
    with pytest.raises(RefusService, match="remplace"):
        participants.retirer_participant(acteur=magistrat, participant=expert_p)


def test_penal_parties_are_not_enrolled_only_their_lawyers(dossier_penal, expert):
    partie_a, _b = parties(dossier_penal)
    with pytest.raises(RefusService, match="seuls les avocats"):
        participants.inviter_participant(
            acteur=expert, expertise=dossier_penal, email="x@test.fr", qualite=Qualite.PARTIE, partie=partie_a
        )


def test_invitation_to_a_closed_case_is_no_longer_accepted(dossier, invitation_avocat):
    from justexpert.expertises.models import Etat, Expertise

    Expertise.objects.filter(pk=dossier.pk).update(etat=Etat.CLOSE)
    from justexpert.comptes import invitations

    user = Utilisateur.objects.create_user("nouvel.avocat@test.fr", "x" * 20)
    with pytest.raises(RefusService, match="close"):
        invitations.accepter(None, secret=secret(invitation_avocat), utilisateur=user)
    assert Invitation.objects.get(email="nouvel.avocat@test.fr").acceptee_le is None


def test_court_adds_a_greffier_of_the_juridiction_only(
    client, dossier, magistrat, greffier_juridiction, greffier_autre_cour, expert
):
    url = reverse("expertises:ajouter_greffier", args=[dossier.uuid])
    client.force_login(expert)
    assert client.get(url).status_code == 403
    client.force_login(magistrat)
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"greffier": greffier_autre_cour.pk})
    assert reponse.status_code == 400 and "Choisissez un greffier de la juridiction." in texte(reponse)
    assert client.post(url, {"greffier": greffier_juridiction.pk}).status_code == 302
    client.force_login(greffier_juridiction)
    assert client.get(reverse("expertises:detail", args=[dossier.uuid])).status_code == 200
    with pytest.raises(RefusService, match="pas greffier"):
        participants.ajouter_greffier(acteur=magistrat, expertise=dossier, utilisateur=greffier_autre_cour)
