"""No dead ends: what each person needs next is a link on the page they are on (issue 19, item 6)."""

from __future__ import annotations

import re

from django.urls import reverse

from justexpert.comptes import invitations
from justexpert.comptes.models import Invitation, Role
from tests.conftest import creer_utilisateur, texte


def test_anonymous_visitors_find_the_lists_and_the_receipt_check(client, db):
    for url in (reverse("portail:accueil"), reverse("comptes:connexion")):
        page = texte(client.get(url))
        assert f'href="{reverse("listes:index")}"' in page and f'href="{reverse("preuves:verifier")}"' in page


def test_every_space_item_of_the_dashboard_is_a_working_link(
    client, magistrat, greffier, expert, agent, avocat_partie_a, administrateur
):
    for user in (magistrat, greffier, expert, agent, avocat_partie_a, administrateur):
        client.force_login(user)
        page = texte(client.get(reverse("portail:tableau_de_bord")))
        section = page[page.index("Mes espaces") :]
        liens = re.findall(r'<li><a class="fr-link" href="([^"]+)">', section)
        assert liens, user
        for lien in liens:
            assert client.get(lien).status_code == 200, (user, lien)


def test_instructor_greffier_gets_the_candidatures_link_others_do_not(client, orgs, greffier):
    from justexpert.comptes.models import Habilitation

    instructeur = creer_utilisateur("instr@test.fr", (Role.GREFFIER, orgs["PARIS"], [Habilitation.INSTRUCTEUR_CANDIDATURES]))

    def espaces(user) -> str:
        client.force_login(user)
        page = texte(client.get(reverse("portail:tableau_de_bord")))
        return page[page.index("Mes espaces") :]

    assert "Candidatures à instruire" in espaces(instructeur)
    assert "Candidatures à instruire" not in espaces(greffier)


def test_lawyer_with_an_account_sees_a_pending_invitation_and_accepts_it_from_the_dashboard(client, dossier, expert, invitee):
    """``invitee`` has an account and a pending invitation to the case (fixture of tests/expertises)."""
    client.force_login(invitee)
    page = texte(client.get(reverse("portail:tableau_de_bord")))
    inv = Invitation.objects.get(email=invitee.email, acceptee_le__isnull=True)
    url = reverse("comptes:invitation_en_attente", args=[inv.uuid])
    assert url in page
    assert (
        f"Invitation à accepter : l'expertise RG {dossier.numero_rg} (Tribunal judiciaire de Paris), en qualité d'avocat de"
        in page
    )
    assert "Accepter l'invitation" in texte(client.get(url))
    reponse = client.post(url)
    assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("expertises:detail", args=[dossier.uuid]))
    assert client.get(reverse("expertises:detail", args=[dossier.uuid])).status_code == 200
    assert url not in texte(client.get(reverse("portail:tableau_de_bord")))


def test_someone_else_cannot_open_or_accept_an_invitation_sent_to_another_address(client, dossier, invitee, avocat_partie_a):
    inv = Invitation.objects.get(email=invitee.email, acceptee_le__isnull=True)
    client.force_login(avocat_partie_a)
    url = reverse("comptes:invitation_en_attente", args=[inv.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    inv.refresh_from_db()
    assert inv.acceptee_le is None


def test_an_unverified_address_does_not_see_invitations(dossier, invitee):
    invitee.email_verifie = False
    invitee.save()
    assert invitations.en_attente_pour(invitee) == []


def test_card_login_page_explains_what_it_needs_in_a_demonstration(client, db):
    reponse = client.get(reverse("comptes:connexion_certificat"))
    assert reponse.status_code == 403
    page = texte(reponse)
    assert "Ce qu'il faut pour se connecter avec sa carte" in page
    assert "En démonstration, aucun serveur de connexion par carte n'est installé" in page
    assert reverse("comptes:connexion") in page
