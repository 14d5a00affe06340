"""Case page, lists with deadlines passed or near (constant queries for 200 cases), « à faire », API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from justexpert.expertises import services
from justexpert.expertises.a_faire import a_faire_expertises
from justexpert.expertises.models import Etat, Expertise, Participant, Qualite, StatutConsignation
from justexpert.lib.temps import date_locale, maintenant
from tests.conftest import texte

from .conftest import dans

ETATS = [Etat.ORDONNEE, Etat.NOTIFIEE, Etat.ATTENTE_CONSIGNATION, Etat.EN_COURS, Etat.PHASE_DIRES, Etat.RAPPORT_DEPOSE]


def creer_en_masse(n: int, *, magistrat, greffier, expert, fiche, juridiction, debut: int = 0) -> None:
    aujourd_hui = date_locale(maintenant(), juridiction.fuseau)
    cas = Expertise.objects.bulk_create(
        [
            Expertise(
                juridiction=juridiction,
                numero_rg=f"26/{debut + i:05d}",
                type_procedure="refere",
                magistrat=magistrat,
                date_ordonnance=aujourd_hui,
                mission="Mission",
                etat=ETATS[i % len(ETATS)],
                date_limite_rapport=aujourd_hui + dt.timedelta(days=(i % 40) - 10),
                consignation_montant=Decimal(1000),
                consignation_date_limite=aujourd_hui + dt.timedelta(days=(i % 7) - 2),
                consignation_statut=StatutConsignation.A_CONSIGNER,
                date_limite_dires=aujourd_hui + dt.timedelta(days=(i % 20) - 5),
                date_limite_observations=aujourd_hui + dt.timedelta(days=3),
            )
            for i in range(n)
        ]
    )
    Participant.objects.bulk_create(
        [
            Participant(expertise=e, utilisateur=u, qualite=q, fiche_expert=fiche if q == Qualite.EXPERT else None)
            for e in cas
            for u, q in ((magistrat, Qualite.MAGISTRAT), (greffier, Qualite.GREFFIER), (expert, Qualite.EXPERT))
        ]
    )


def _compter(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        reponse = client.get(url)
    assert reponse.status_code == 200
    return len(ctx.captured_queries), reponse.content.decode()


@pytest.mark.parametrize("acteur", ["magistrat", "greffier", "expert", "juge_controle"])
def test_case_list_of_200_cases_runs_a_constant_number_of_queries(
    client, request, acteur, magistrat, greffier, expert, fiche_expert, orgs, django_assert_max_num_queries
):
    user = request.getfixturevalue(acteur)
    client.force_login(user)
    creer_en_masse(10, magistrat=magistrat, greffier=greffier, expert=expert, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"])
    peu, _ = _compter(client, reverse("expertises:liste"))
    creer_en_masse(
        190, magistrat=magistrat, greffier=greffier, expert=expert, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"], debut=10
    )
    with django_assert_max_num_queries(peu):
        reponse = client.get(reverse("expertises:liste"))
    page = texte(reponse)
    assert "Mes expertises (200)" in page
    assert "dépassée" in page and "dans " in page
    api_peu = len(client.get("/api/v1/expertises/").json())
    assert api_peu == 200
    with django_assert_max_num_queries(peu):
        client.get("/api/v1/expertises/")


def test_list_filters_by_deadline_passed_or_near(client, magistrat, greffier, expert, fiche_expert, orgs):
    creer_en_masse(30, magistrat=magistrat, greffier=greffier, expert=expert, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"])
    client.force_login(magistrat)
    toutes = texte(client.get(reverse("expertises:liste")))
    depassees = texte(client.get(reverse("expertises:liste"), {"echeance": "depassee"}))
    proches = texte(client.get(reverse("expertises:liste"), {"echeance": "proche"}))
    assert "Mes expertises (30)" in toutes
    assert 'fr-badge--warning">dans' not in depassees and 'fr-badge--error">dépassée' in depassees
    assert 'fr-badge--error">dépassée' not in proches and 'fr-badge--warning">dans' in proches
    en_cours = texte(client.get(reverse("expertises:liste"), {"etat": Etat.EN_COURS}))
    assert "Mes expertises (5)" in en_cours


def test_case_page_shows_state_next_steps_deadlines_participants_history(client, dossier, greffier, expert, avocat_partie_a):
    services.notifier(acteur=greffier, expertise=dossier)
    client.force_login(expert)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "État : Notifiée à l'expert" in page
    assert "L'expert fait connaître sans délai s'il accepte la mission." in page
    assert "Accepter la mission" in page and "Refuser la mission" in page
    assert "Dépôt du rapport" in page
    assert str(avocat_partie_a) in page and "SCI Les Tilleuls" in page
    assert "Notifier la désignation à l'expert" in page  # history
    assert "Désignation de l'expert" in page
    assert "Inviter un avocat ou une partie" in page
    client.force_login(avocat_partie_a)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "Accepter la mission" not in page and "Inviter un avocat" not in page
    assert "Demander que mon client ne soit pas inscrit" in page


def test_a_faire_lists_cases_waiting_for_this_person(dossier, expert, greffier, avocat_partie_a, magistrat):
    assert [i.libelle for i in a_faire_expertises(greffier)] and "notifie" in a_faire_expertises(greffier)[0].libelle
    assert a_faire_expertises(expert) == []
    services.notifier(acteur=greffier, expertise=dossier)
    items = a_faire_expertises(expert)
    assert len(items) == 1 and items[0].url == reverse("expertises:detail", args=[dossier.uuid])
    assert items[0].echeance is not None
    assert a_faire_expertises(greffier) == []
    assert a_faire_expertises(avocat_partie_a) == []


def test_tableau_de_bord_shows_the_item(client, dossier, greffier):
    client.force_login(greffier)
    page = texte(client.get(reverse("portail:tableau_de_bord")))
    assert "RG 26/00001" in page


def test_api_detail_gives_state_deadlines_actions_and_history(client, dossier, expert, greffier):
    services.notifier(acteur=greffier, expertise=dossier)
    client.force_login(expert)
    donnees = client.get(f"/api/v1/expertises/{dossier.uuid}").json()
    assert donnees["etat"] == Etat.NOTIFIEE and donnees["mes_qualites"] == ["expert"]
    assert set(donnees["actions_possibles"]) == {"accepter", "refuser"}
    assert [h["transition"] for h in donnees["historique"]] == ["designer", "notifier"]
    assert all(h["evenement"] for h in donnees["historique"])
    assert {e["nature"] for e in donnees["echeances"]} == {"rapport"}
    assert len(donnees["parties"]) == 2 and donnees["questions"]


def test_menu_has_the_expertises_entry(client, expert):
    client.force_login(expert)
    assert reverse("expertises:liste") in client.get(reverse("portail:tableau_de_bord")).content.decode()


def test_designation_form_offers_accepted_solicitations(client, magistrat, fiche_expert, expert, orgs, greffier, administrateur):
    from justexpert.expertises import greffes

    greffes.definir(acteur=administrateur, juridiction=orgs["TJ_PARIS"], greffiers=[greffier])
    from justexpert.lib.temps import maintenant as now
    from justexpert.recherche.models import Demande, EtatSollicitation, Sollicitation

    demande = Demande.objects.create(
        demandeur=magistrat,
        organisation=orgs["TJ_PARIS"],
        resume_mission="Examiner les fissures du pavillon",
        type_procedure="refere",
        delai_mission=dans(120),
        date_limite_reponse=now() + dt.timedelta(days=3),
    )
    s = Sollicitation.objects.create(demande=demande, expert=fiche_expert, etat=EtatSollicitation.ACCEPTEE, repondu_le=now())
    client.force_login(magistrat)
    page = texte(client.get(reverse("expertises:nouvelle")))
    assert f"?sollicitation={s.uuid}" in page
    url = reverse("expertises:nouvelle") + f"?sollicitation={s.uuid}"
    page = texte(client.get(url))
    assert "Examiner les fissures du pavillon" in page and dans(120).isoformat() in page
    reponse = client.post(
        url,
        {
            "juridiction": orgs["TJ_PARIS"].pk,
            "matiere": "civile",
            "type_procedure": "refere",
            "numero_rg": "26/S1",
            "fiche_expert": fiche_expert.pk,
            "date_ordonnance": (dans(0) - dt.timedelta(days=1)).isoformat(),
            "mission": "Examiner les fissures du pavillon",
            "date_limite_rapport": dans(120).isoformat(),
        },
    )
    assert reponse.status_code == 302
    assert Expertise.objects.get(numero_rg="26/S1").sollicitation_ref == str(s.uuid)
    again = client.post(
        url,
        {
            "juridiction": orgs["TJ_PARIS"].pk,
            "matiere": "civile",
            "type_procedure": "refere",
            "numero_rg": "26/S2",
            "fiche_expert": fiche_expert.pk,
            "date_ordonnance": "2026-01-05",
            "mission": "M",
            "date_limite_rapport": dans(120).isoformat(),
        },
    )
    assert again.status_code == 400 and "déjà été ouverte" in texte(again)
    assert client.get(reverse("expertises:nouvelle") + "?sollicitation=pas-un-uuid").status_code == 404
