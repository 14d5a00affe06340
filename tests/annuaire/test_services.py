"""Services and the rules of the décret n° 2004-1463, at their boundaries; history on each change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from justexpert.annuaire import services
from justexpert.annuaire.models import ActionHistorique, Expert, Historique, Inscription, StatutInscription
from justexpert.comptes.services import RefusService
from justexpert.preuves.models import Evenement

from .conftest import lier, nouvelle_fiche, spe

pytestmark = pytest.mark.django_db
S = StatutInscription


def test_first_inscription_is_probationary_for_three_years(fiche, greffier_paris, orgs):
    i = services.inscrire(fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2024, 1, 1))
    assert i.statut == S.PROBATOIRE
    assert i.fin == dt.date(2026, 12, 31)
    assert i.inscrit_depuis == dt.date(2024, 1, 1)


def test_renewal_after_probation_is_for_five_years(fiche_inscrite, greffier_paris):
    i = fiche_inscrite.inscriptions.get()
    i = services.reinscrire(i, acteur=greffier_paris)
    assert (i.statut, i.debut, i.fin) == (S.INSCRIT, dt.date(2027, 1, 1), dt.date(2031, 12, 31))
    assert i.inscrit_depuis == dt.date(2024, 1, 1)


def test_renewal_after_the_end_requires_a_new_application(fiche_inscrite, greffier_paris):
    i = fiche_inscrite.inscriptions.get()
    with pytest.raises(RefusService, match="nouvelle candidature"):
        services.reinscrire(i, acteur=greffier_paris, debut=dt.date(2027, 1, 2))


def test_extension_follows_the_inscription_in_force_on_the_same_list(fiche_inscrite, greffier_paris, orgs):
    i = services.inscrire(
        fiche_inscrite, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.4.3"), debut=dt.date(2025, 3, 1)
    )
    assert (i.statut, i.fin) == (S.PROBATOIRE, dt.date(2026, 12, 31))


def test_same_specialite_twice_is_refused(fiche_inscrite, greffier_paris, orgs):
    with pytest.raises(RefusService, match="déjà inscrit"):
        services.inscrire(
            fiche_inscrite, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2025, 1, 1)
        )


def test_a_rubrique_is_not_a_specialite(fiche, greffier_paris, orgs):
    with pytest.raises(RefusService, match="spécialité"):
        services.inscrire(fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2"), debut=dt.date(2025, 1, 1))


def test_a_tribunal_is_not_a_list(fiche, greffier_paris, orgs):
    with pytest.raises(RefusService, match="liste"):
        services.inscrire(
            fiche, acteur=greffier_paris, liste=orgs["TJ_PARIS"], specialite=spe("C.2.8"), debut=dt.date(2025, 1, 1)
        )


@pytest.mark.parametrize(("debut", "accepte"), [(dt.date(2040, 4, 30), True), (dt.date(2040, 5, 1), False)])
def test_no_inscription_on_or_after_the_seventieth_birthday(fiche, greffier_paris, orgs, debut, accepte):
    # Born 1 May 1970: 69 years on 30 April 2040, 70 on 1 May 2040.
    appel = lambda: services.inscrire(fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=debut)  # noqa: E731
    if accepte:
        assert appel().statut == S.PROBATOIRE
    else:
        with pytest.raises(RefusService, match="70 ans"):
            appel()


def test_no_renewal_starting_at_seventy(greffier_paris, nomenclature_2022, orgs):
    f = nouvelle_fiche(greffier_paris, date_naissance=dt.date(1957, 1, 1))
    i = services.inscrire(f, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2024, 1, 1))
    with pytest.raises(RefusService, match="70 ans"):
        services.reinscrire(i, acteur=greffier_paris)  # would start on 1 January 2027, the 70th birthday


def test_birth_date_is_needed_for_an_inscription(greffier_paris, nomenclature_2022, orgs):
    f = nouvelle_fiche(greffier_paris, date_naissance=None)
    with pytest.raises(RefusService, match="date de naissance"):
        services.inscrire(f, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2024, 1, 1))


@pytest.mark.parametrize(("annees", "accepte"), [(4, False), (5, True)])
def test_national_list_needs_five_years_on_a_court_list(fiche, greffier_paris, greffier_cassation, orgs, annees, accepte):
    ca = services.inscrire(fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2019, 1, 1))
    services.reinscrire(ca, acteur=greffier_paris)  # 2022-2026, continuously listed since 2019
    debut = dt.date(2019 + annees, 1, 1)
    appel = lambda: services.inscrire(  # noqa: E731
        fiche, acteur=greffier_cassation, liste=orgs["COUR_CASSATION"], specialite=spe("C.2.8"), debut=debut
    )
    if accepte:
        n = appel()
        assert (n.statut, n.fin) == (S.INSCRIT, dt.date(2030, 12, 31))
    else:
        with pytest.raises(RefusService, match="cinq années"):
            appel()


def test_radiation_restarts_the_count_towards_the_national_list(fiche, greffier_paris, greffier_cassation, orgs):
    ca = services.inscrire(fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2015, 1, 1))
    services.reinscrire(ca, acteur=greffier_paris)
    services.reinscrire(ca, acteur=greffier_paris)
    services.changer_statut(ca, S.RADIE, acteur=greffier_paris, motif="Sanction disciplinaire", le=dt.date(2023, 6, 1))
    nouvelle = services.inscrire(
        fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2024, 1, 1)
    )
    assert (nouvelle.pk, nouvelle.statut, nouvelle.inscrit_depuis) == (ca.pk, S.PROBATOIRE, dt.date(2024, 1, 1))
    with pytest.raises(RefusService, match="cinq années"):
        services.inscrire(
            fiche, acteur=greffier_cassation, liste=orgs["COUR_CASSATION"], specialite=spe("C.2.8"), debut=dt.date(2026, 1, 1)
        )


def _inscription_active(fiche, greffier, orgs) -> Inscription:
    return services.inscrire(
        fiche, acteur=greffier, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=timezone.localdate() - dt.timedelta(days=30)
    )


def test_radiation_and_suspension_remove_the_expert_from_designables_at_once(fiche, greffier_paris, orgs):
    i = _inscription_active(fiche, greffier_paris, orgs)
    assert list(Expert.objects.designables()) == [fiche]
    services.changer_statut(i, S.SUSPENDU, acteur=greffier_paris, motif="Enquête en cours")
    assert not Expert.objects.designables().exists()
    services.lever_suspension(i, acteur=greffier_paris)
    assert list(Expert.objects.designables()) == [fiche]
    i.refresh_from_db()
    assert i.statut == S.PROBATOIRE
    services.sanctionner_expert(fiche, S.RADIE, acteur=greffier_paris, motif="Radiation")
    assert not Expert.objects.designables().exists()
    i.refresh_from_db()
    assert i.fin == timezone.localdate()


def test_honorary_and_ended_inscriptions_are_not_designable(fiche, greffier_paris, orgs):
    services.inscrire(fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2015, 1, 1))
    assert not Expert.objects.designables().exists()  # ended 31 December 2017
    assert Expert.objects.designables(le=dt.date(2017, 12, 31)).exists()
    assert not Expert.objects.designables(le=dt.date(2018, 1, 1)).exists()
    i2 = _inscription_active(nouvelle_fiche(greffier_paris, nom="Petit"), greffier_paris, orgs)
    services.changer_statut(i2, S.HONORAIRE, acteur=greffier_paris)
    assert not Expert.objects.designables().exists()


ACTIONS = {S.SUSPENDU, S.RADIE, S.RETIRE, S.HONORAIRE}


def _amener(i: Inscription, statut: str, acteur) -> Inscription:
    if statut in (S.PROBATOIRE,):
        return i
    if statut == S.INSCRIT:
        return services.reinscrire(i, acteur=acteur, debut=i.debut + dt.timedelta(days=1))
    return services.changer_statut(i, statut, acteur=acteur, motif="motif")


@pytest.mark.parametrize("depart", list(S.values))
@pytest.mark.parametrize("arrivee", sorted(ACTIONS))
def test_transition_table(greffier_paris, nomenclature_2022, orgs, depart, arrivee):
    f = nouvelle_fiche(greffier_paris)
    i = _amener(_inscription_active(f, greffier_paris, orgs), depart, greffier_paris)
    if arrivee in services.TRANSITIONS[depart]:
        assert services.changer_statut(i, arrivee, acteur=greffier_paris, motif="motif").statut == arrivee
    else:
        with pytest.raises(RefusService, match="impossible"):
            services.changer_statut(i, arrivee, acteur=greffier_paris, motif="motif")
        i.refresh_from_db()
        assert i.statut == depart


@pytest.mark.parametrize("statut", [S.SUSPENDU, S.RADIE, S.RETIRE, S.HONORAIRE])
def test_renewal_is_refused_unless_listed(greffier_paris, nomenclature_2022, orgs, statut):
    i = _amener(_inscription_active(nouvelle_fiche(greffier_paris), greffier_paris, orgs), statut, greffier_paris)
    with pytest.raises(RefusService, match="ne peut pas être renouvelée"):
        services.reinscrire(i, acteur=greffier_paris)


def test_discipline_needs_a_reason(fiche, greffier_paris, orgs):
    i = _inscription_active(fiche, greffier_paris, orgs)
    with pytest.raises(RefusService, match="motif"):
        services.changer_statut(i, S.RADIE, acteur=greffier_paris, motif="  ")


def test_every_change_is_in_the_history_with_who_and_what(fiche, greffier_paris, orgs):
    avant = Historique.objects.filter(expert=fiche).count()
    assert avant == 1  # fiche créée
    i = _inscription_active(fiche, greffier_paris, orgs)
    services.modifier_fiche(fiche, acteur=greffier_paris, ville_pro="Paris 2e")
    services.modifier_fiche(fiche, acteur=greffier_paris, ville_pro="Paris 2e")  # no change: no entry
    services.changer_statut(i, S.SUSPENDU, acteur=greffier_paris, motif="Enquête")
    services.lever_suspension(i, acteur=greffier_paris)
    services.reinscrire(i, acteur=greffier_paris)
    h = list(Historique.objects.filter(expert=fiche).order_by("id"))
    assert [e.action for e in h] == [
        ActionHistorique.FICHE_CREEE,
        ActionHistorique.INSCRIPTION_CREEE,
        ActionHistorique.FICHE_MODIFIEE,
        ActionHistorique.STATUT_CHANGE,
        ActionHistorique.STATUT_CHANGE,
        ActionHistorique.REINSCRIPTION,
    ]
    assert h[2].changements == {"ville_pro": ["Paris", "Paris 2e"]}
    assert h[3].changements == {"statut": ["probatoire", "suspendu"]} and h[3].motif == "Enquête"
    assert all(e.acteur == greffier_paris and "greffier.paris@test.fr" in e.acteur_libelle for e in h)
    # Decisions on inscriptions are in the evidence log too, by reference only.
    types = list(Evenement.objects.filter(dossier_ref=str(fiche.uuid)).values_list("type", flat=True))
    assert types == ["annuaire.inscription", "annuaire.statut.suspendu", "annuaire.statut.retabli", "annuaire.reinscription"]
    assert b"Durand" not in b"".join(bytes(e.feuille) for e in Evenement.objects.all())


def test_address_places_the_expert_in_a_ressort(greffier_paris, nomenclature_2022, orgs):
    f = nouvelle_fiche(greffier_paris, code_postal_pro="69003")
    assert (f.departement, f.cour_appel) == ("69", orgs["LYON"])
    f = services.modifier_fiche(f, acteur=greffier_paris, code_postal_pro="78000")
    assert (f.departement, f.cour_appel) == ("78", orgs["VERSAILLES"])
    assert f.historique.first().changements["cour_appel"] == ["LYON", "VERSAILLES"]
    assert services.departement_du_code_postal("20000") == "2A"
    assert services.departement_du_code_postal("20200") == "2B"
    assert services.departement_du_code_postal("97400") == "974"
    assert services.departement_du_code_postal("7500") == ""


def test_expert_edits_only_their_own_fields(fiche_liee, expert, autre_expert):
    services.modifier_par_expert(fiche_liee, acteur=expert, telephone_mobile="06 11 22 33 44", matiere_penale=False)
    fiche_liee.refresh_from_db()
    assert (fiche_liee.telephone_mobile, fiche_liee.matiere_penale) == ("06 11 22 33 44", False)
    assert fiche_liee.historique.first().acteur == expert
    with pytest.raises(RefusService, match="non modifiables"):
        services.modifier_par_expert(fiche_liee, acteur=expert, nom="Autre")
    with pytest.raises(RefusService, match="titulaire"):
        services.modifier_par_expert(fiche_liee, acteur=autre_expert, telephone_mobile="06 00 00 00 00")


def test_account_is_linked_by_invitation_only(fiche_liee, expert, greffier_paris):
    assert fiche_liee.utilisateur == expert
    actions = list(fiche_liee.historique.values_list("action", flat=True))
    assert ActionHistorique.INVITATION_ENVOYEE in actions and ActionHistorique.COMPTE_LIE in actions
    with pytest.raises(RefusService, match="déjà liée"):
        services.inviter_expert(fiche_liee, acteur=greffier_paris)


def test_invitation_accepted_by_an_account_already_linked_is_refused(fiche_liee, expert, greffier_paris, nomenclature_2022):
    autre = nouvelle_fiche(greffier_paris, nom="Bis", email="expert@test.fr")
    with pytest.raises(RefusService, match="autre fiche"):
        lier(autre, greffier_paris, expert)
    autre.refresh_from_db()
    assert autre.utilisateur is None


def test_fiche_without_email_cannot_be_invited(greffier_paris, nomenclature_2022):
    f = nouvelle_fiche(greffier_paris, email="")
    with pytest.raises(RefusService, match="adresse électronique"):
        services.inviter_expert(f, acteur=greffier_paris)


def test_counters_pushed_by_other_modules(fiche):
    services.mettre_a_jour_compteurs(fiche, missions_ouvertes=1, designation_le=dt.date(2026, 3, 1))
    services.mettre_a_jour_compteurs(fiche, missions_ouvertes=1, designation_le=dt.date(2026, 2, 1))
    f = services.mettre_a_jour_compteurs(fiche, missions_ouvertes=-1)
    assert (f.missions_en_cours, f.derniere_designation) == (1, dt.date(2026, 3, 1))
    f = services.mettre_a_jour_compteurs(fiche, missions_ouvertes=-5)
    assert f.missions_en_cours == 0


def test_reclassement_keeps_the_term(fiche_inscrite, greffier_paris):
    i = fiche_inscrite.inscriptions.get()
    i = services.reclasser_inscription(i, spe("C.2.1"), acteur=greffier_paris)
    assert (i.specialite.code, i.fin) == ("C.2.1", dt.date(2026, 12, 31))
    assert fiche_inscrite.historique.first().action == ActionHistorique.RECLASSEMENT


def test_publishing_twice_keeps_one_list(greffier_paris, orgs):
    a = services.publier_liste(acteur=greffier_paris, liste=orgs["PARIS"], annee=2026)
    b = services.publier_liste(acteur=greffier_paris, liste=orgs["PARIS"], annee=2026)
    assert a.pk == b.pk
    with pytest.raises(RefusService):
        services.publier_liste(acteur=greffier_paris, liste=orgs["TJ_PARIS"], annee=2026)
