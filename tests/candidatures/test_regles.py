"""Rules at filing, at their boundaries, and the instructor's warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from justexpert.annuaire.models import Inscription
from justexpert.candidatures import services
from justexpert.candidatures.models import Etat, TypeCandidature
from justexpert.lib import temps

from .conftest import annee, brouillon, fiche_inscrite_depuis, spe


def test_69_years_on_1_january_of_the_list_year_may_file(candidat):
    c = brouillon(candidat, date_naissance=dt.date(annee() - 70, 1, 2))
    assert services.deposer(c, acteur=candidat).etat == Etat.DEPOSEE


def test_70_years_on_1_january_of_the_list_year_is_refused_with_a_clear_message(candidat):
    c = brouillon(candidat, date_naissance=dt.date(annee() - 70, 1, 1))
    with pytest.raises(services.RegleNonRespectee) as refus:
        services.deposer(c, acteur=candidat)
    assert any("70 ans" in m and "art. 2" in m for m in refus.value.messages)
    c.refresh_from_db()
    assert c.etat == Etat.BROUILLON


def test_national_list_with_5_years_on_a_cour_d_appel_list_may_file(instructeur, expert, orgs):
    fiche_inscrite_depuis(instructeur, expert, orgs, dt.date(annee() - 5, 1, 1))
    c = brouillon(expert, TypeCandidature.NATIONALE)
    assert services.deposer(c, acteur=expert).etat == Etat.DEPOSEE


def test_national_list_with_4_years_is_refused(instructeur, expert, orgs):
    fiche_inscrite_depuis(instructeur, expert, orgs, dt.date(annee() - 4, 1, 1))
    c = brouillon(expert, TypeCandidature.NATIONALE)
    with pytest.raises(services.RegleNonRespectee) as refus:
        services.deposer(c, acteur=expert)
    assert any("cinq années" in m for m in refus.value.messages)


def test_national_list_one_day_short_of_5_years_is_refused(instructeur, expert, orgs):
    fiche_inscrite_depuis(instructeur, expert, orgs, dt.date(annee() - 5, 1, 2))
    with pytest.raises(services.RegleNonRespectee):
        services.deposer(brouillon(expert, TypeCandidature.NATIONALE), acteur=expert)


@pytest.mark.parametrize("type_", [TypeCandidature.REINSCRIPTION, TypeCandidature.EXTENSION, TypeCandidature.NATIONALE])
def test_kinds_reserved_to_inscribed_experts_are_refused_without_a_fiche(candidat, type_):
    with pytest.raises(services.RegleNonRespectee) as refus:
        services.deposer(brouillon(candidat, type_), acteur=candidat)
    assert any("inscription initiale" in m for m in refus.value.messages)


def test_reinscription_without_current_inscription_is_refused(instructeur, expert, fiche_expert):
    Inscription.objects.filter(expert=fiche_expert).update(statut="radie")
    with pytest.raises(services.RegleNonRespectee) as refus:
        services.deposer(brouillon(expert, TypeCandidature.REINSCRIPTION), acteur=expert)
    assert any("Une réinscription suppose une inscription en cours" in m for m in refus.value.messages)


def test_extension_without_current_inscription_on_that_list_is_refused(expert, fiche_expert, orgs):
    with pytest.raises(services.RegleNonRespectee) as refus:
        services.deposer(brouillon(expert, TypeCandidature.EXTENSION, liste=orgs["LYON"], specialite=spe("A.1.6")), acteur=expert)
    assert any("Une extension suppose une inscription en cours" in m for m in refus.value.messages)


def test_missing_fields_and_pieces_are_listed(candidat):
    c = brouillon(candidat, pieces=False, nom="", declaration_honneur=False)
    erreurs = services.erreurs_bloquantes(c)
    assert any("le nom" in e for e in erreurs)
    assert any("déclaration sur l'honneur" in e for e in erreurs)
    assert any(e.startswith("Pièces manquantes") and "Lettre de motivation" in e for e in erreurs)


def test_activity_outside_the_ressort_is_a_warning_not_a_block(candidat):
    c = services.deposer(brouillon(candidat, code_postal_pro="69003", ville_pro="Lyon"), acteur=candidat)
    assert c.etat == Etat.DEPOSEE
    assert any("ressort" in a and "Lyon" in a for a in c.alertes)


def test_retired_candidate_is_placed_by_domicile(candidat):
    c = brouillon(candidat, retraite=True, code_postal_pro="69003", code_postal_domicile="75011", ville_domicile="Paris")
    c = services.deposer(c, acteur=candidat)
    assert not any("ressort" in a for a in c.alertes)


def test_filing_after_the_campaign_deadline_is_flagged(candidat, monkeypatch):
    c = brouillon(candidat)
    limite = services.date_limite(c.annee_liste)
    apres = dt.datetime(limite.year, limite.month, limite.day, 10, tzinfo=temps.zone("Europe/Paris"))
    monkeypatch.setattr(temps, "maintenant", lambda: apres)
    c = services.deposer(c, acteur=candidat)
    assert any("après la date limite" in a for a in c.alertes)


def test_filing_the_day_before_the_deadline_is_not_flagged(candidat, monkeypatch):
    c = brouillon(candidat)
    veille = services.date_limite(c.annee_liste) - dt.timedelta(days=1)
    instant = dt.datetime(veille.year, veille.month, veille.day, 23, 30, tzinfo=temps.zone("Europe/Paris"))
    monkeypatch.setattr(temps, "maintenant", lambda: instant)
    c = services.deposer(c, acteur=candidat)
    assert not any("date limite" in a for a in c.alertes)


def test_deadline_is_a_setting(settings):
    settings.CANDIDATURES_DATE_LIMITE = "02-15"
    assert services.date_limite(2028) == dt.date(2027, 2, 15)
