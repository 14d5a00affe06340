"""Personal API tokens do not outlive their owner's rights (issue 18, item 5): radiation,
suspension, deactivation, a password or second-factor reset revoke them with the sessions, so a
token left in a script can no longer read the expert's cases."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import StatutInscription
from justexpert.comptes.models import JetonAcces, Utilisateur
from justexpert.comptes.services import creer_jeton


def _lit_ses_expertises(secret: str) -> bool:
    reponse = Client().get("/api/v1/expertises/", headers={"authorization": f"Bearer {secret}"})
    if reponse.status_code == 200:
        assert reponse.json(), "the expert's token reads the expert's cases"
        return True
    assert reponse.status_code == 401
    return False


def _radier(monde):
    annuaire.changer_statut(
        monde.extra["fiche"].inscriptions.get(), StatutInscription.RADIE, acteur=monde.acteurs["instructeur"], motif="Sanction"
    )


def _sanctionner_radiation(monde):
    annuaire.sanctionner_expert(monde.extra["fiche"], StatutInscription.RADIE, acteur=monde.acteurs["instructeur"], motif="S")


def _suspendre(monde):
    annuaire.sanctionner_expert(monde.extra["fiche"], StatutInscription.SUSPENDU, acteur=monde.acteurs["instructeur"], motif="S")


def _desactiver_puis_reactiver(monde):
    admin = Client()
    admin.force_login(monde.acteurs["administrateur"])
    assert (
        admin.post(reverse("comptes:admin_desactiver", args=[monde.acteurs["expert"].uuid]), {"confirme": "oui"}).status_code
        == 302
    )
    # Reactivation (technical administration) does not bring the tokens back.
    Utilisateur.objects.filter(pk=monde.acteurs["expert"].pk).update(is_active=True)


def _reinitialiser_mot_de_passe(monde):
    expert = monde.acteurs["expert"]
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(expert.pk))
    page = client.get(reverse("comptes:reinitialisation_confirmer", args=[uid, default_token_generator.make_token(expert)]))
    nouveau = "un-tout-nouveau-mot-de-passe-2026"
    assert client.post(page["Location"], {"new_password1": nouveau, "new_password2": nouveau}).status_code == 302


def _reinitialiser_second_facteur(monde):
    admin = Client()
    admin.force_login(monde.acteurs["administrateur"])
    assert admin.post(reverse("comptes:admin_reinitialiser_totp", args=[monde.acteurs["expert"].uuid])).status_code == 302


@pytest.mark.parametrize(
    "changement",
    [
        _radier,
        _sanctionner_radiation,
        _suspendre,
        _desactiver_puis_reactiver,
        _reinitialiser_mot_de_passe,
        _reinitialiser_second_facteur,
    ],
)
def test_a_change_of_rights_revokes_the_personal_tokens(monde, changement):
    expert, autre = monde.acteurs["expert"], monde.acteurs["magistrat"]
    _jeton, secret = creer_jeton(acteur=expert, nom="logiciel")
    _autre_jeton, secret_autre = creer_jeton(acteur=autre, nom="logiciel")
    assert _lit_ses_expertises(secret)
    changement(monde)
    assert not _lit_ses_expertises(secret)
    assert not JetonAcces.objects.filter(utilisateur=expert, revoque_le__isnull=True).exists()
    assert _lit_ses_expertises(secret_autre)  # other people keep theirs
