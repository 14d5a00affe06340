"""Bad input on every form: French messages next to the field, what was typed kept, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justexpert.expertises.forms import FORMULAIRES
from justexpert.expertises.models import Etat, Expertise
from tests.conftest import exemples, texte

from .conftest import dans, parties


def test_designation_form_with_every_field_wrong(client, magistrat):
    client.force_login(magistrat)
    reponse = client.post(
        reverse("expertises:nouvelle"),
        {
            "juridiction": "999999",
            "matiere": "commerciale",
            "type_procedure": "inconnu",
            "numero_rg": "   ",
            "fiche_expert": "abc",
            "date_ordonnance": "31/02/2026",
            "mission": "Mission gardée malgré les erreurs",
            "questions": "Question gardée",
            "date_limite_rapport": "demain",
            "consignation_montant": "mille euros",
            "consignation_date_limite": "32/13/2026",
        },
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    for message in (
        "Choisissez une de vos juridictions.",
        "Choisissez civile ou pénale.",
        "Type de procédure inconnu.",
        "Indiquez le numéro RG.",
        "Choisissez un expert inscrit et relié à un compte.",
        "Date invalide : utilisez le format JJ/MM/AAAA.",
        "Montant invalide",
    ):
        assert message in page, message
    for garde in ("Mission gardée malgré les erreurs", "Question gardée", "demain", "mille euros", "32/13/2026"):
        assert garde in page, garde


def test_designation_refused_by_the_service_keeps_everything(client, magistrat, greffier, fiche_expert, orgs):
    client.force_login(magistrat)
    reponse = client.post(
        reverse("expertises:nouvelle"),
        {
            "juridiction": orgs["TJ_PARIS"].pk,
            "matiere": "civile",
            "type_procedure": "refere",
            "numero_rg": "26/12345",
            "fiche_expert": fiche_expert.pk,
            "date_ordonnance": "2026-01-05",
            "mission": "Examiner la charpente",
            "date_limite_rapport": "2020-01-01",
            "greffiers": [greffier.pk],
        },
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "La date limite du rapport doit être postérieure à aujourd'hui." in page
    assert "26/12345" in page and "Examiner la charpente" in page
    assert not Expertise.objects.filter(numero_rg="26/12345").exists()


def test_designation_mismatched_matter_and_penal_consignation(client, magistrat_penal, fiche_expert, orgs):
    client.force_login(magistrat_penal)
    reponse = client.post(
        reverse("expertises:nouvelle"),
        {
            "juridiction": orgs["TJ_PARIS"].pk,
            "matiere": "penale",
            "type_procedure": "refere",
            "numero_rg": "P1",
            "fiche_expert": fiche_expert.pk,
            "date_ordonnance": "2026-01-05",
            "mission": "M",
            "date_limite_rapport": dans(100).isoformat(),
            "consignation_montant": "1000",
            "consignation_date_limite": dans(10).isoformat(),
        },
    )
    page = texte(reponse)
    assert reponse.status_code == 400
    assert "Ce type de procédure ne correspond pas à la matière choisie." in page
    assert "Pas de consignation en matière pénale" in page


def test_greffier_creates_a_case_by_hand(client, greffier, magistrat, fiche_expert, orgs):
    client.force_login(greffier)
    reponse = client.post(
        reverse("expertises:nouvelle"),
        {
            "juridiction": orgs["TJ_PARIS"].pk,
            "matiere": "civile",
            "type_procedure": "fond",
            "numero_rg": "26/777",
            "magistrat": magistrat.pk,
            "fiche_expert": fiche_expert.pk,
            "date_ordonnance": "2026-01-05",
            "mission": "Chiffrer le préjudice",
            "questions": "Q1\n\nQ2\n",
            "date_limite_rapport": dans(100).isoformat(),
            "consignation_montant": "1 200,50",
            "consignation_date_limite": dans(20).isoformat(),
            "demandeurs": "M. A\nMme B",
            "defendeurs": "Société C",
        },
    )
    assert reponse.status_code == 302, texte(reponse)
    e = Expertise.objects.get(numero_rg="26/777")
    assert e.magistrat == magistrat and e.questions == ["Q1", "Q2"] and str(e.consignation_montant) == "1200.50"
    assert e.parties.count() == 3
    assert {p.utilisateur for p in e.participants.all()} >= {greffier, magistrat}


def test_greffier_without_magistrat_is_told(client, greffier, fiche_expert, orgs):
    client.force_login(greffier)
    reponse = client.post(
        reverse("expertises:nouvelle"),
        {
            "juridiction": orgs["TJ_PARIS"].pk,
            "matiere": "civile",
            "type_procedure": "fond",
            "numero_rg": "26/778",
            "fiche_expert": fiche_expert.pk,
            "date_ordonnance": "2026-01-05",
            "mission": "M",
            "date_limite_rapport": dans(100).isoformat(),
        },
    )
    assert reponse.status_code == 400
    assert "Le magistrat qui ordonne l'expertise doit être magistrat de cette juridiction" in texte(reponse)


MAUVAIS = {"motif": "", "jour": "30/02/2027", "montant": "beaucoup", "mission": "   ", "fiche_expert": "999999"}


@pytest.mark.parametrize("nom", sorted(FORMULAIRES))
def test_every_transition_form_rejects_bad_input_in_french(client, dossier, magistrat, expert, nom):
    from justexpert.expertises import procedure

    t = procedure.TRANSITIONS[nom]
    user = magistrat if "magistrat" in t.qualites else expert
    client.force_login(user)
    form = FORMULAIRES[nom](prefix=nom)
    donnees = {f"{nom}-{champ}": MAUVAIS.get(champ, "") for champ in form.fields}
    donnees[f"{nom}-questions"] = "Question tapée"
    reponse = client.post(reverse("expertises:action", args=[dossier.uuid, nom]), donnees)
    assert reponse.status_code == 400
    page = texte(reponse)
    assert any(m in page for m in ("Indiquez", "Date invalide", "Montant invalide", "Choisissez")), page
    if "jour" in form.fields:
        assert "30/02/2027" in page
    if "montant" in form.fields:
        assert "beaucoup" in page


def test_transition_refused_by_the_service_keeps_the_typed_date(client, dossier, expert):
    Expertise.objects.filter(pk=dossier.pk).update(etat=Etat.EN_COURS)
    client.force_login(expert)
    reponse = client.post(reverse("expertises:action", args=[dossier.uuid, "ouvrir_dires"]), {"ouvrir_dires-jour": "2020-01-01"})
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "La date limite des dires doit être postérieure à aujourd'hui" in page
    assert "2020-01-01" in page


def test_transition_not_possible_in_this_state_is_explained(client, dossier, expert):
    client.force_login(expert)
    reponse = client.post(
        reverse("expertises:action", args=[dossier.uuid, "ouvrir_dires"]), {"ouvrir_dires-jour": dans(20).isoformat()}
    )
    assert reponse.status_code == 400
    assert "n'est pas possible : l'expertise est à l'état « ordonnée »" in texte(reponse)


def test_invitation_form_errors(client, dossier, expert):
    client.force_login(expert)
    reponse = client.post(
        reverse("expertises:inviter", args=[dossier.uuid]), {"email": "pas-une-adresse", "qualite": "juge", "partie": "x"}
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "Adresse électronique invalide" in page and "Choisissez avocat ou partie." in page
    assert "Choisissez une partie de l'expertise." in page and "pas-une-adresse" in page


def test_invitation_refused_by_the_service_is_shown(client, dossier, expert, avocat_partie_a):
    client.force_login(expert)
    partie_a, _b = parties(dossier)
    reponse = client.post(
        reverse("expertises:inviter", args=[dossier.uuid]),
        {"email": avocat_partie_a.email, "qualite": "avocat", "partie": partie_a.pk},
    )
    assert reponse.status_code == 400 and "participe déjà" in texte(reponse)


def test_party_form_errors(client, dossier, expert):
    client.force_login(expert)
    reponse = client.post(reverse("expertises:ajouter_partie", args=[dossier.uuid]), {"designation": "  ", "qualite": "roi"})
    assert reponse.status_code == 400
    assert "Indiquez la désignation." in texte(reponse) and "Qualité inconnue." in texte(reponse)
    reponse = client.post(
        reverse("expertises:ajouter_partie", args=[dossier.uuid]), {"designation": "Assureur X", "qualite": "intervenant"}
    )
    assert reponse.status_code == 302
    assert dossier.parties.filter(designation="Assureur X").exists()


def test_list_filters_accept_garbage(client, dossier, magistrat):
    client.force_login(magistrat)
    for params in ({"etat": "n'importe"}, {"echeance": "<script>"}, {"page": "-3"}, {"q": "x" * 500}):
        assert client.get(reverse("expertises:liste"), params).status_code == 200


@settings(max_examples=exemples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    valeurs=st.fixed_dictionaries(
        {
            champ: st.text(max_size=30)
            for champ in (
                "juridiction",
                "matiere",
                "type_procedure",
                "numero_rg",
                "fiche_expert",
                "date_ordonnance",
                "mission",
                "date_limite_rapport",
                "consignation_montant",
                "consignation_date_limite",
                "greffiers",
            )
        }
    )
)
def test_designation_never_fails_with_a_server_error(client, magistrat, valeurs):
    client.force_login(magistrat)
    propres = {k: v.replace("\x00", "") for k, v in valeurs.items()}
    assert client.post(reverse("expertises:nouvelle"), propres).status_code in (302, 400)


def test_deposit_form_shows_only_the_fields_of_what_the_person_may_deposit(client, dossier, expert, avocat_partie_a):
    from .outils_depots import en_cours

    en_cours(dossier)
    client.force_login(avocat_partie_a)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "Date limite des dires" not in page and "Montant taxé" not in page and "Dire auquel vous répondez" not in page
    client.force_login(expert)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "Date limite des dires (pré-rapport)" in page and "Montant taxé" not in page


def test_you_follows_the_capacities_the_reader_holds(client, dossier, expert, greffier):
    from justexpert.expertises.models import Etat, Expertise

    Expertise.objects.filter(pk=dossier.pk).update(etat=Etat.ACCEPTEE)
    client.force_login(expert)
    assert "Qui doit agir : expert (vous), greffier." in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    client.force_login(greffier)
    assert "Qui doit agir : expert, greffier (vous)." in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
