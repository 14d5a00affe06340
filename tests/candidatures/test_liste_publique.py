"""An accepted candidate reaches the public list: the instructor prepares the list of the year the
inscription takes effect as soon as the decision is recorded, and a refusal states the rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import ListeAnnuelle
from justexpert.candidatures import services
from justexpert.comptes.services import RefusService
from tests.conftest import texte

from .conftest import deposee


def _acceptee(candidat, instructeur):
    c = deposee(candidat)
    services.passer_en_instruction(c, acteur=instructeur)
    services.enregistrer_avis_parquet(c, acteur=instructeur, texte="Avis favorable.")
    return services.accepter(c, acteur=instructeur)


def test_list_of_the_year_the_inscription_takes_effect_is_published_once_decided(client, candidat, instructeur, orgs):
    c = _acceptee(candidat, instructeur)
    annee = c.annee_liste
    assert c.expert.inscriptions.get().debut.year == annee
    client.force_login(instructeur)
    page = texte(client.get(reverse("annuaire:listes_gestion")))
    assert f"liste {annee} — {orgs['PARIS'].nom} : 1 inscription" in page
    assert annuaire.regle_liste(annee - 1) in page  # the rule, stated on the page
    reponse = client.post(reverse("annuaire:listes_gestion"), {"liste": orgs["PARIS"].pk, "annee": annee})
    assert reponse.status_code == 302
    publication = ListeAnnuelle.objects.get(liste=orgs["PARIS"], annee=annee)
    publique = texte(client.get(reverse("listes:liste", args=[publication.uuid])))
    assert c.nom.upper() in publique


def test_a_list_without_any_decision_is_refused_with_the_rule(instructeur, orgs):
    annee = annuaire.timezone.localdate().year + 3
    with pytest.raises(RefusService) as refus:
        annuaire.publier_liste(acteur=instructeur, liste=orgs["PARIS"], annee=annee)
    message = str(refus.value)
    assert f"aucune décision d'inscription prenant effet en {annee}" in message
    assert f"déposées avant le 1er mars {annee - 1}, qui prennent effet le 1er janvier {annee}" in message
