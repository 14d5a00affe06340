"""The default greffe of a juridiction: a case opened without a greffier is followed by it, so it
can move; without any, the designation says so before anything is opened."""

from __future__ import annotations

import pytest
from django.urls import reverse

from justexpert.comptes.models import Habilitation, Role
from justexpert.comptes.services import RefusService
from justexpert.expertises import greffes, services
from justexpert.expertises.models import Etat, GreffeParDefaut, Matiere, Qualite, StatutConsignation
from justexpert.preuves.models import Evenement
from tests.conftest import creer_utilisateur, texte

from .conftest import nouvelle_expertise


@pytest.fixture
def greffe_paris(orgs, administrateur, greffier):
    return greffes.definir(acteur=administrateur, juridiction=orgs["TJ_PARIS"], greffiers=[greffier])


def test_case_opened_without_greffier_is_followed_by_the_default_greffe_and_can_move(
    magistrat, greffier, expert, fiche_expert, orgs, greffe_paris
):
    e = nouvelle_expertise(acteur=magistrat, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"])
    assert list(e.participants.filter(qualite=Qualite.GREFFIER).values_list("utilisateur", flat=True)) == [greffier.pk]
    # The greffe notifies, the expert accepts, the greffe records the consignation: operations start.
    e = services.notifier(acteur=greffier, expertise=e)
    e = services.accepter(acteur=expert, expertise=e)
    e = services.inviter_consignation(acteur=greffier, expertise=e)
    e = services.constater_consignation(acteur=greffier, expertise=e)
    assert e.etat == Etat.EN_COURS and e.consignation_statut == StatutConsignation.CONSIGNEE


def test_designation_without_greffier_and_without_default_greffe_is_refused_in_words(magistrat, fiche_expert, orgs):
    with pytest.raises(RefusService, match="Choisissez au moins un greffier : cette juridiction n'a pas de greffe par défaut"):
        nouvelle_expertise(acteur=magistrat, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"])


def test_penal_case_takes_only_the_habilitated_default_greffiers(
    administrateur, magistrat_penal, greffier, greffier_penal, fiche_expert, orgs
):
    greffes.definir(acteur=administrateur, juridiction=orgs["TJ_PARIS"], greffiers=[greffier, greffier_penal])
    e = nouvelle_expertise(acteur=magistrat_penal, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"], matiere=Matiere.PENALE)
    assert set(e.participants.filter(qualite=Qualite.GREFFIER).values_list("utilisateur", flat=True)) == {greffier_penal.pk}


def test_designation_form_says_who_follows_the_case_when_no_greffier_is_ticked(client, magistrat, orgs, greffe_paris, greffier):
    client.force_login(magistrat)
    page = texte(client.get(reverse("expertises:nouvelle")))
    assert (
        f"Si vous n'en cochez aucun, le greffe par défaut de la juridiction suit l'expertise — {orgs['TJ_PARIS']} : {greffier}"
        in page
    )


def test_designation_form_warns_when_the_juridiction_has_no_default_greffe(client, magistrat, orgs):
    client.force_login(magistrat)
    page = texte(client.get(reverse("expertises:nouvelle")))
    assert f"{orgs['TJ_PARIS']} : aucun greffe par défaut, cochez au moins un greffier" in page


def test_administrator_sets_the_default_greffe_from_the_menu(client, administrateur, orgs, greffier):
    client.force_login(administrateur)
    liste = texte(client.get(reverse("expertises:greffes")))
    assert "Greffes des expertises" in liste and "aucun" in liste
    url = reverse("expertises:greffe_modifier", args=[orgs["TJ_PARIS"].uuid])
    assert url in liste
    reponse = client.post(url, {"greffiers": [greffier.pk]})
    assert reponse.status_code == 302
    assert list(GreffeParDefaut.objects.get(juridiction=orgs["TJ_PARIS"]).greffiers.all()) == [greffier]
    assert Evenement.objects.filter(type="expertises.greffe_par_defaut", objet_ref=str(orgs["TJ_PARIS"].uuid)).exists()
    assert str(greffier) in texte(client.get(reverse("expertises:greffes")))


def test_choosing_someone_who_is_not_a_greffier_of_the_juridiction_is_refused_at_the_field(client, administrateur, orgs, expert):
    client.force_login(administrateur)
    reponse = client.post(reverse("expertises:greffe_modifier", args=[orgs["TJ_PARIS"].uuid]), {"greffiers": [expert.pk]})
    assert reponse.status_code == 400
    assert "Choisissez des greffiers de la juridiction." in texte(reponse)
    assert not GreffeParDefaut.objects.exists()


def test_only_administrators_reach_the_greffe_pages(client, magistrat, greffier, orgs):
    for user in (magistrat, greffier):
        client.force_login(user)
        assert client.get(reverse("expertises:greffes")).status_code == 403
        assert client.get(reverse("expertises:greffe_modifier", args=[orgs["TJ_PARIS"].uuid])).status_code == 403


def test_administrator_of_a_cour_administers_its_tribunaux_only(client, orgs, greffier):
    admin_ca = creer_utilisateur("admin.lyon@test.fr", (Role.ADMINISTRATEUR, orgs["LYON"], []))
    assert set(greffes.juridictions_administrees(admin_ca)) == {orgs["LYON"], orgs["TJ_LYON"]}
    client.force_login(admin_ca)
    assert client.get(reverse("expertises:greffe_modifier", args=[orgs["TJ_PARIS"].uuid])).status_code == 404
    with pytest.raises(RefusService, match="Vous n'administrez pas cette juridiction"):
        greffes.definir(acteur=admin_ca, juridiction=orgs["TJ_PARIS"], greffiers=[greffier])


def test_inactive_default_greffier_is_not_named(administrateur, magistrat, greffier, fiche_expert, orgs):
    autre = creer_utilisateur("greffier2@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], [Habilitation.MATIERE_PENALE]))
    greffes.definir(acteur=administrateur, juridiction=orgs["TJ_PARIS"], greffiers=[greffier, autre])
    greffier.is_active = False
    greffier.save()
    e = nouvelle_expertise(acteur=magistrat, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"])
    assert list(e.participants.filter(qualite=Qualite.GREFFIER).values_list("utilisateur", flat=True)) == [autre.pk]
