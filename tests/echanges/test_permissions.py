"""Permission matrix: every URL of echanges × every actor × civil and penal folders.

404 for whoever may not know the folder exists (exactly as for a folder that does not exist),
403 for an invitee asking for an agent's action, a login redirect for the anonymous.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, reverse

from justexpert.comptes.services import definir_habilitations
from justexpert.echanges import services
from justexpert.echanges import urls as echanges_urls
from justexpert.echanges.models import Participant, Qualite

from .conftest import depot

pytestmark = pytest.mark.django_db

ACTEURS = ["agent", "agent_juridiction", "agent_penal", "agent_lyon", "invite", "autre_invite", "anonyme"]

# url key -> (method, expected for the folder's agent, expected for the folder's invitee)
URLS = {
    "detail": ("get", 200, 200),
    "deposer": ("post", 400, 400),  # no file sent: a French error, nothing recorded
    "inviter": ("get", 200, 403),
    "inviter_post": ("post", 400, 403),  # empty address
    "ajouter_agent": ("post", 400, 403),  # no agent chosen
    "trace": ("get", 200, 403),
    "trace_pdf": ("get", 200, 403),
    "telecharger": ("get", 200, 200),
    "accuse": ("get", 200, 200),
    "accuse_pdf": ("get", 200, 200),
    "api_detail": ("get", 200, 200),
    "supprimer": ("post", 302, 403),  # a file deposited by the agent
    "retirer": ("post", 302, 403),  # the invitee
}


def _url(cle: str, dossier) -> str:
    e, f = dossier.echange, dossier.fichier
    invite = e.participants.get(qualite=Qualite.INVITE, retire_le__isnull=True)
    return {
        "detail": reverse("echanges:detail", args=[e.uuid]),
        "deposer": reverse("echanges:deposer", args=[e.uuid]),
        "inviter": reverse("echanges:inviter", args=[e.uuid]),
        "inviter_post": reverse("echanges:inviter", args=[e.uuid]),
        "ajouter_agent": reverse("echanges:ajouter_agent", args=[e.uuid]),
        "trace": reverse("echanges:trace", args=[e.uuid]),
        "trace_pdf": reverse("echanges:trace_pdf", args=[e.uuid]),
        "telecharger": reverse("echanges:telecharger", args=[f.uuid]),
        "accuse": reverse("echanges:accuse", args=[f.evenement_depot.uuid]),
        "accuse_pdf": reverse("echanges:accuse_pdf", args=[f.evenement_depot.uuid]),
        "api_detail": f"/api/v1/echanges/{e.uuid}",
        "supprimer": reverse("echanges:supprimer", args=[f.uuid]),
        "retirer": reverse("echanges:retirer", args=[e.uuid, invite.uuid]),
    }[cle]


def _appeler(client, methode: str, url: str):
    reponse = client.post(url, {"confirme": "oui"}) if methode == "post" else client.get(url)
    if hasattr(reponse, "streaming_content"):
        b"".join(reponse.streaming_content)
    return reponse


def test_every_echanges_view_declares_its_access():
    for motif in echanges_urls.urlpatterns:
        assert isinstance(motif, URLPattern)
        attendu = ("roles", ("agent",)) if motif.name == "creer" else "connecte"
        assert getattr(motif.callback, "justexpert_acces", None) == attendu, motif.name


def test_matrix_covers_every_url():
    noms = {m.name for m in echanges_urls.urlpatterns}
    couverts = {cle.removesuffix("_post") for cle in URLS} - {"api_detail"}
    assert noms - {"liste", "creer"} == couverts


@pytest.mark.parametrize("matiere", ["civil", "penal"])
@pytest.mark.parametrize("acteur", ACTEURS)
def test_permission_matrix(request, client, matiere, acteur, dossier_autre_invite):
    dossier = request.getfixturevalue(matiere)
    if acteur != "anonyme":
        client.force_login(request.getfixturevalue(acteur))
    for cle, (methode, pour_agent, pour_invite) in URLS.items():
        url = _url(cle, dossier)
        reponse = _appeler(client, methode, url)
        if acteur == "agent":
            attendu = pour_agent
        elif acteur == "invite":
            attendu = pour_invite
        elif acteur == "anonyme":
            attendu = 401 if cle.startswith("api") else 302
        else:
            attendu = 404
        assert reponse.status_code == attendu, (cle, acteur, matiere, reponse.status_code)
        if acteur == "anonyme" and attendu == 302:
            assert reponse["Location"].startswith(reverse("comptes:connexion"))


@pytest.mark.parametrize("acteur", ["agent", "invite", "agent_juridiction"])
def test_guessed_ids_get_the_same_404_as_hidden_folders(request, client, acteur):
    client.force_login(request.getfixturevalue(acteur))
    inconnu = uuid.uuid4()
    for url in (
        reverse("echanges:detail", args=[inconnu]),
        reverse("echanges:trace", args=[inconnu]),
        reverse("echanges:telecharger", args=[inconnu]),
        reverse("echanges:accuse", args=[inconnu]),
        f"/api/v1/echanges/{inconnu}",
    ):
        assert client.get(url).status_code == 404, url


def test_lists_show_only_visible_folders(client, civil, penal, agent_juridiction, agent_penal, invite, dossier_autre_invite):
    client.force_login(agent_juridiction)
    assert client.get(reverse("echanges:liste")).context["echanges"].count() == 0
    assert client.get("/api/v1/echanges/").json() == []
    client.force_login(agent_penal)
    assert client.get(reverse("echanges:liste")).context["echanges"].count() == 0
    client.force_login(invite)
    titres = {e["titre"] for e in client.get("/api/v1/echanges/").json()}
    assert titres == {civil.echange.titre, penal.echange.titre}


def test_agent_losing_penal_habilitation_loses_the_penal_folder(client, agent, civil, penal):
    appartenance = agent.appartenances.get()
    definir_habilitations(None, acteur=None, appartenance=appartenance, codes=[])
    agent.refresh_from_db()
    client.force_login(agent)
    assert client.get(reverse("echanges:detail", args=[penal.echange.uuid])).status_code == 404
    assert client.get(reverse("echanges:detail", args=[civil.echange.uuid])).status_code == 200


def test_only_penal_habilitated_agents_of_the_juridiction_can_be_added_to_a_penal_folder(
    agent, penal, civil, agent_juridiction, agent_penal, agent_lyon
):
    assert services.agents_ajoutables(penal.echange) == [agent_penal]
    assert set(services.agents_ajoutables(civil.echange)) == {agent_juridiction, agent_penal}
    with pytest.raises(services.RefusService):
        services.ajouter_agent(acteur=agent, echange=penal.echange, utilisateur=agent_juridiction)
    with pytest.raises(services.RefusService):
        services.ajouter_agent(acteur=agent, echange=civil.echange, utilisateur=agent_lyon)
    services.ajouter_agent(acteur=agent, echange=penal.echange, utilisateur=agent_penal)
    assert Participant.objects.filter(echange=penal.echange, utilisateur=agent_penal, qualite=Qualite.AGENT).exists()


def test_added_agent_sees_the_folder_then_loses_it_once_removed(client, agent, civil, agent_juridiction):
    participant = services.ajouter_agent(acteur=agent, echange=civil.echange, utilisateur=agent_juridiction)
    client.force_login(agent_juridiction)
    url = reverse("echanges:detail", args=[civil.echange.uuid])
    assert client.get(url).status_code == 200
    services.retirer_participant(acteur=agent, participant=participant)
    assert client.get(url).status_code == 404


def test_invitee_without_second_factor_is_sent_to_enrolment(client, invite, civil):
    invite.totp_actif = False
    invite.save(update_fields=["totp_actif"])
    client.force_login(invite)
    reponse = client.get(reverse("echanges:detail", args=[civil.echange.uuid]))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("comptes:second_facteur_activer"))
    assert client.get(reverse("echanges:telecharger", args=[civil.fichier.uuid])).status_code == 302
    assert client.get("/api/v1/echanges/").status_code == 403


def test_only_agents_create_folders(client, invite, agent_juridiction):
    client.force_login(invite)
    assert client.get(reverse("echanges:creer")).status_code == 403
    client.force_login(agent_juridiction)
    assert client.get(reverse("echanges:creer")).status_code == 200


def test_invitee_may_delete_own_file_but_not_the_agents(client, invite, civil):
    fichier = services.deposer(acteur=invite, echange=civil.echange, depot=depot(), jours=2)
    client.force_login(invite)
    assert client.post(reverse("echanges:supprimer", args=[civil.fichier.uuid])).status_code == 403
    assert client.post(reverse("echanges:supprimer", args=[fichier.uuid]), {"confirme": "oui"}).status_code == 302
    fichier.refresh_from_db()
    assert fichier.supprime_le is not None
