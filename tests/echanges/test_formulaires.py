"""Bad input on every form: a French message next to the field, what was typed kept, never a 500,
nothing recorded."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justexpert.coffre.models import Document
from justexpert.comptes.models import Invitation
from justexpert.echanges.models import Echange, Fichier, Participant
from tests.conftest import texte

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_agent(client, agent):
    client.force_login(agent)
    return client


@pytest.mark.parametrize(
    ("donnees", "messages"),
    [
        ({}, ["Indiquez un titre.", "Choisissez la matière."]),
        ({"titre": "   ", "matiere": "civile"}, ["Indiquez un titre."]),
        ({"titre": "T" * 201, "matiere": "civile", "reference_procedure": "R-1"}, ["200 caractères au plus."]),
        ({"titre": "Titre gardé", "matiere": "autre"}, ["Choisissez civile ou pénale."]),
        ({"titre": "Titre gardé", "matiere": "civile", "reference_procedure": "R" * 101}, ["100 caractères au plus."]),
    ],
)
def test_create_form_errors(client_agent, orgs, donnees, messages):
    donnees = {"juridiction": orgs["TJ_PARIS"].pk, **donnees}
    reponse = client_agent.post(reverse("echanges:creer"), donnees)
    assert reponse.status_code == 400
    page = texte(reponse)
    for message in messages:
        assert message in page
    if donnees.get("titre", "").strip():
        assert f'value="{donnees["titre"]}"' in page
    assert not Echange.objects.exists()


def test_create_in_a_juridiction_that_is_not_theirs(client_agent, orgs):
    reponse = client_agent.post(
        reverse("echanges:creer"), {"titre": "Titre gardé", "juridiction": orgs["TJ_LYON"].pk, "matiere": "civile"}
    )
    assert reponse.status_code == 400
    assert "Choisissez une de vos juridictions." in texte(reponse)


def test_penal_folder_needs_the_habilitation(client, agent_juridiction, orgs):
    client.force_login(agent_juridiction)
    reponse = client.post(
        reverse("echanges:creer"), {"titre": "Titre gardé", "juridiction": orgs["TJ_PARIS"].pk, "matiere": "penale"}
    )
    assert reponse.status_code == 400
    assert "Vous n'êtes pas habilité en matière pénale pour cette juridiction." in texte(reponse)
    assert 'value="Titre gardé"' in texte(reponse)


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"email": ""}, "Indiquez l'adresse électronique."),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"email": "invite@test.fr"}, "Cette personne participe déjà à l'échange."),
        ({"expert": str(uuid.uuid4())}, "Cet expert n'a pas été trouvé dans l'annuaire."),
        ({"expert": "pas-un-uuid"}, "Cet expert n'a pas été trouvé dans l'annuaire."),
    ],
)
def test_invitation_form_errors(client_agent, civil, donnees, message):
    reponse = client_agent.post(reverse("echanges:inviter", args=[civil.echange.uuid]), donnees)
    assert reponse.status_code == 400
    assert message in texte(reponse)
    if donnees.get("email"):
        assert f'value="{donnees["email"]}"' in texte(reponse)
    assert not Invitation.objects.exists()


def test_expert_search_too_long_is_told(client_agent, civil):
    reponse = client_agent.get(reverse("echanges:inviter", args=[civil.echange.uuid]), {"q": "x" * 101})
    assert reponse.status_code == 200
    assert "100 caractères au plus." in texte(reponse)


@pytest.mark.parametrize("valeur", ["", "12345", "pas-un-nombre"])
def test_add_agent_form_errors(client_agent, civil, valeur):
    reponse = client_agent.post(reverse("echanges:ajouter_agent", args=[civil.echange.uuid]), {"agent": valeur})
    assert reponse.status_code == 400
    assert ("Choisissez un agent." if not valeur else "Choisissez un agent de la liste.") in texte(reponse)
    assert Participant.objects.filter(echange=civil.echange).count() == 2


@pytest.mark.parametrize(
    ("jours", "message"),
    [
        ("0", "Choisissez une durée de 1 à 30 jours."),
        ("31", "Choisissez une durée de 1 à 30 jours."),
        ("abc", "Choisissez une durée de 1 à 30 jours."),
        ("", "Indiquez combien de jours le fichier reste disponible."),
    ],
)
def test_deposit_with_bad_duration_records_nothing(client_agent, civil, jours, message):
    avant = Document.objects.count()
    reponse = client_agent.post(
        reverse("echanges:deposer", args=[civil.echange.uuid]),
        {"fichier": SimpleUploadedFile("a.pdf", pdf(b"x")), "jours": jours},
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    assert message in page
    assert "corrigez la durée puis choisissez-le de nouveau" in page
    assert Document.objects.count() == avant
    assert Fichier.objects.count() == 1


def test_deposit_without_file_keeps_the_duration(client_agent, civil):
    reponse = client_agent.post(reverse("echanges:deposer", args=[civil.echange.uuid]), {"jours": "12"})
    assert reponse.status_code == 400
    assert "Aucun fichier complet n'a été reçu" in texte(reponse)
    assert '<option value="12" selected>' in texte(reponse)


def test_refused_file_type_is_told_in_french(client_agent, civil):
    reponse = client_agent.post(
        reverse("echanges:deposer", args=[civil.echange.uuid]),
        {"fichier": SimpleUploadedFile("outil.exe", b"MZ\x90\x00"), "jours": "3"},
    )
    assert reponse.status_code == 400
    assert Fichier.objects.count() == 1
    assert "fichier" in texte(reponse).lower()


@pytest.mark.parametrize(
    "requete",
    [
        {"data": b"brut", "content_type": "text/plain"},
        {"data": b"--x\r\nContent-Disposition: form-data; name=", "content_type": "multipart/form-data; boundary=x"},
        {"data": b"abc", "content_type": "application/octet-stream"},
    ],
)
def test_malformed_deposits_never_500(client_agent, civil, requete):
    reponse = client_agent.post(reverse("echanges:deposer", args=[civil.echange.uuid]), **requete)
    assert 400 <= reponse.status_code < 500
    assert Fichier.objects.count() == 1


def test_removing_the_last_agent_is_refused(client_agent, civil, agent):
    moi = Participant.objects.get(echange=civil.echange, utilisateur=agent)
    reponse = client_agent.post(reverse("echanges:retirer", args=[civil.echange.uuid, moi.uuid]), follow=True)
    assert "L'échange doit garder au moins un agent." in texte(reponse)
    moi.refresh_from_db()
    assert moi.retire_le is None


def test_unknown_participant_is_404(client_agent, civil):
    assert client_agent.post(reverse("echanges:retirer", args=[civil.echange.uuid, uuid.uuid4()])).status_code == 404


def test_wrong_methods_are_405(client_agent, civil):
    assert client_agent.get(reverse("echanges:deposer", args=[civil.echange.uuid])).status_code == 405
    assert client_agent.get(reverse("echanges:supprimer", args=[civil.fichier.uuid])).status_code == 405
    assert client_agent.post(reverse("echanges:detail", args=[civil.echange.uuid])).status_code == 405


def test_deleting_twice_is_a_clear_message(client_agent, civil):
    url = reverse("echanges:supprimer", args=[civil.fichier.uuid])
    client_agent.post(url, {"confirme": "oui"})
    reponse = client_agent.post(url, {"confirme": "oui"}, follow=True)
    assert "supprimé" in texte(reponse)


def test_file_deletion_asks_first_with_its_consequence_and_does_nothing_before(client_agent, civil):
    url = reverse("echanges:supprimer", args=[civil.fichier.uuid])
    page = texte(client_agent.get(reverse("echanges:detail", args=[civil.echange.uuid])))
    assert 'Supprimer<span class="fr-sr-only"> rapport-civil.pdf</span>…' in page
    reponse = client_agent.post(url)
    assert reponse.status_code == 200
    confirmation = texte(reponse)
    assert "Cette action est définitive" in confirmation and "Son contenu sera détruit aussitôt" in confirmation
    assert reverse("echanges:detail", args=[civil.echange.uuid]) in confirmation  # Annuler goes back
    civil.fichier.refresh_from_db()
    assert not civil.fichier.termine
    assert client_agent.post(url, {"confirme": "oui"}).status_code == 302
    civil.fichier.refresh_from_db()
    assert civil.fichier.termine


def test_deposit_form_offers_only_the_durations_the_service_accepts(client_agent, civil):
    page = texte(client_agent.get(reverse("echanges:detail", args=[civil.echange.uuid])))
    offertes = [int(v) for v in re.findall(r'<option value="(\d+)"', page)]
    assert offertes == list(range(1, 31))
