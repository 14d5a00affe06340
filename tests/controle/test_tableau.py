"""The control judge's dashboard: open cases, filters, sorting, per-expert summary, batch
reminder acknowledged by the expert, 404 for another court, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from justexpert.comptes.models import Habilitation, Role
from justexpert.controle import permissions as controle_permissions
from justexpert.expertises import permissions as expertises_permissions
from justexpert.expertises.models import Etat, Expertise, Rappel, Relance, StatutConsignation
from justexpert.lib.temps import date_locale, maintenant
from justexpert.preuves.models import Evenement
from tests.conftest import creer_utilisateur, texte

from .conftest import expertise


def _jour(delta: int) -> str:
    return (date_locale(maintenant(), "Europe/Paris") + dt.timedelta(days=delta)).isoformat()


@pytest.fixture
def monde(orgs, magistrat, expert, autre_expert, fiche_expert, greffier_ca):
    from tests.expertises.conftest import fiche_pour

    fiche2 = fiche_pour(autre_expert, orgs, "Martin", greffier_ca)
    ilya = maintenant() - dt.timedelta(days=40)
    cases = {
        "retard": expertise(orgs["TJ_PARIS"], magistrat, fiche_expert, "26/R", ilya, _jour(-10)),
        "provision": expertise(
            orgs["TJ_PARIS"],
            magistrat,
            fiche2,
            "26/P",
            maintenant(),
            _jour(60),
            Etat.ATTENTE_CONSIGNATION,
            consignation_statut=StatutConsignation.A_CONSIGNER,
        ),
        "normal": expertise(orgs["TJ_PARIS"], magistrat, fiche_expert, "26/N", maintenant(), _jour(90)),
        "close": expertise(orgs["TJ_PARIS"], magistrat, fiche_expert, "26/X", ilya, _jour(-5), Etat.CLOSE),
        "lyon": expertise(orgs["TJ_LYON"], magistrat, fiche_expert, "26/L", ilya, _jour(-5)),
    }
    Rappel.objects.create(expertise=cases["retard"], nature="rapport", echeance=dt.date.fromisoformat(_jour(7)), preavis_jours=7)
    return {"cases": cases, "fiche": fiche_expert, "fiche2": fiche2}


def _url(orgs, nom="controle:tableau", org="TJ_PARIS"):
    return reverse(nom, args=[orgs[org].uuid])


def test_dashboard_lists_the_open_cases_with_deadline_provision_and_reminders(client, monde, magistrat, orgs):
    client.force_login(magistrat)
    page = client.get(_url(orgs))
    assert page.status_code == 200
    t = texte(page)
    assert "RG 26/R" in t and "RG 26/P" in t and "RG 26/N" in t
    assert "RG 26/X" not in t and "RG 26/L" not in t  # closed; another court
    assert "10 j de retard" in t
    assert "1 rappel(s) automatique(s)" in t
    assert "3 en cours" in t and "1 rapport(s) en retard" in t and "1 provision(s) non versée(s)" in t


@pytest.mark.parametrize(
    ("params", "attendus"),
    [
        ({"en_retard": "on"}, {"26/R"}),
        ({"provision_non_versee": "on"}, {"26/P"}),
        ({"inactif_jours": "30"}, {"26/R"}),
        ({"etat": Etat.ATTENTE_CONSIGNATION}, {"26/P"}),
        ({}, {"26/R", "26/P", "26/N"}),
    ],
)
def test_filters(client, monde, magistrat, orgs, params, attendus):
    client.force_login(magistrat)
    t = texte(client.get(_url(orgs), params))
    assert {rg for rg in ("26/R", "26/P", "26/N") if f"RG {rg}" in t} == attendus


def test_filter_by_expert_and_sorting(client, monde, magistrat, orgs):
    client.force_login(magistrat)
    t = texte(client.get(_url(orgs), {"expert": str(monde["fiche2"].uuid)}))
    assert "Expertises de l'expert" in t
    assert "RG 26/P" in t and "RG 26/R" not in t
    t = texte(client.get(_url(orgs), {"tri": "-echeance"}))
    assert t.index("RG 26/N") < t.index("RG 26/P") < t.index("RG 26/R")
    t = texte(client.get(_url(orgs), {"tri": "activite"}))
    assert t.index("RG 26/R") < t.index("RG 26/N")


def test_bad_filters_say_why_at_their_field(client, monde, magistrat, orgs):
    client.force_login(magistrat)
    page = client.get(_url(orgs), {"inactif_jours": "abc", "expert": "00000000-0000-0000-0000-000000000000", "tri": "x"})
    assert page.status_code == 400
    t = texte(page)
    assert "Indiquez un nombre de jours." in t
    assert "Cet expert n'a aucune expertise en cours dans cette juridiction." in t


def test_another_court_is_404_and_others_403(client, monde, magistrat, orgs, greffier, expert):
    client.force_login(magistrat)
    assert client.get(_url(orgs, org="TJ_LYON")).status_code == 404
    assert client.get(_url(orgs, "controle:experts", org="TJ_LYON")).status_code == 404
    for user in (greffier, expert):
        client.force_login(user)
        assert client.get(_url(orgs)).status_code == 403


def test_the_dashboard_scope_is_the_case_visibility_rule(monde, magistrat, orgs):
    penal = creer_utilisateur(
        "juge.penal@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.CONTROLE_EXPERTISES, Habilitation.MATIERE_PENALE])
    )
    Expertise.objects.filter(numero_rg="26/N").update(matiere="penale", type_procedure="instruction")
    for user in (magistrat, penal):
        assert set(controle_permissions.expertises_du_controle(user, orgs["TJ_PARIS"])) == set(
            expertises_permissions.expertises_visibles(user).filter(juridiction=orgs["TJ_PARIS"])
        )
    assert not controle_permissions.expertises_du_controle(magistrat, orgs["TJ_PARIS"]).filter(numero_rg="26/N").exists()


def test_per_expert_summary(client, monde, magistrat, orgs):
    client.force_login(magistrat)
    page = client.get(_url(orgs, "controle:experts"))
    assert page.status_code == 200
    lignes = {x["nom"]: x for x in page.context["experts"]}
    durand = next(v for k, v in lignes.items() if "Durand" in k)
    assert (durand["ouvertes"], durand["en_retard"], durand["retard_moyen"]) == (2, 1, 10.0)
    martin = next(v for k, v in lignes.items() if "Martin" in k)
    assert (martin["ouvertes"], martin["en_retard"], martin["retard_moyen"]) == (1, 0, None)


def test_batch_reminder_confirmed_logged_and_acknowledged(
    client, monde, magistrat, expert, orgs, django_capture_on_commit_callbacks
):
    cases = monde["cases"]
    client.force_login(magistrat)
    donnees = {"expertises": [str(cases["retard"].uuid), str(cases["normal"].uuid)], "message": "Merci de déposer votre rapport."}
    confirmation = client.post(_url(orgs, "controle:relancer"), donnees)
    assert confirmation.status_code == 200 and "ne pourra pas être retirée" in texte(confirmation)
    assert not Relance.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        fait = client.post(_url(orgs, "controle:relancer"), {**donnees, "confirme": "oui"})
    assert fait.status_code == 302
    relances = list(Relance.objects.order_by("id"))
    assert len(relances) == 2 and {r.expert for r in relances} == {expert}
    assert Evenement.objects.filter(type="expertises.relance").count() == 2
    assert any(expert.email in m.to for m in mail.outbox)
    t = texte(client.get(_url(orgs)))
    assert "1 relance(s), 0 accusée(s)" in t and "2 relance(s) non accusée(s)" in t

    client.force_login(expert)
    case = client.get(reverse("expertises:detail", args=[cases["retard"].uuid]))
    assert "Merci de déposer votre rapport." in texte(case) and "Accuser réception de cette relance" in texte(case)
    r = Relance.objects.get(expertise=cases["retard"])
    assert client.post(reverse("expertises:accuser_relance", args=[cases["retard"].uuid, r.uuid])).status_code == 302
    r.refresh_from_db()
    assert r.accusee_le is not None
    assert Evenement.objects.filter(type="expertises.relance_accusee").count() == 1
    client.post(reverse("expertises:accuser_relance", args=[cases["retard"].uuid, r.uuid]))
    assert Evenement.objects.filter(type="expertises.relance_accusee").count() == 1  # once

    client.force_login(magistrat)
    assert "1 relance(s), 1 accusée(s)" in texte(client.get(_url(orgs)))


def test_reminder_bad_input_records_nothing(client, monde, magistrat, orgs):
    client.force_login(magistrat)
    url = _url(orgs, "controle:relancer")
    vide = client.post(url, {"message": "x", "confirme": "oui"})
    assert vide.status_code == 400 and "Cochez au moins une expertise à relancer." in texte(vide)
    sans_message = client.post(url, {"expertises": [str(monde["cases"]["retard"].uuid)], "confirme": "oui"})
    assert sans_message.status_code == 400 and "Écrivez le message de la relance." in texte(sans_message)
    # A case of another court (or closed) cannot be slipped into the batch.
    autre = client.post(url, {"expertises": [str(monde["cases"]["lyon"].uuid)], "message": "x", "confirme": "oui"})
    assert autre.status_code == 400 and "n'est pas en cours dans cette juridiction" in texte(autre)
    assert not Relance.objects.exists()


def test_menu_entry_for_the_judges_of_the_control_only(magistrat, orgs, greffier):
    from justexpert.navigation import menu_pour

    simple = creer_utilisateur("juge.simple@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], []))
    assert "Contrôle des expertises" in [e["libelle"] for e in menu_pour(magistrat)]
    assert "Contrôle des expertises" not in [e["libelle"] for e in menu_pour(simple)]
    assert "Contrôle des expertises" not in [e["libelle"] for e in menu_pour(greffier)]


def test_rows_are_escaped(client, monde, magistrat, orgs):
    Expertise.objects.filter(numero_rg="26/N").update(numero_rg="<b>26/N</b>")
    client.force_login(magistrat)
    html = client.get(_url(orgs)).content.decode()
    assert "&lt;b&gt;26/N&lt;/b&gt;" in html and "<b>26/N</b>" not in html
