"""Availability rules and the solicitation lifecycle (send, answer, expire), with permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from justexpert.annuaire import services as annuaire
from justexpert.comptes.services import RefusService
from justexpert.portail.services import a_faire
from justexpert.recherche import lecture, moteur, services
from justexpert.recherche.models import TRANSITIONS, EtatDisponibilite, EtatSollicitation, Sollicitation
from tests.annuaire.conftest import lier
from tests.conftest import creer_utilisateur

pytestmark = pytest.mark.django_db


@pytest.fixture
def batisseur(monde, greffier_ca, expert):
    return lier(monde["batisseur"], greffier_ca, expert)


def visibles(magistrat, orgs, **criteres) -> list[str]:
    c = moteur.Criteres(cour=orgs["PARIS"], nomenclature="C.2", **criteres)
    return [r.expert.nom for r in moteur.rechercher(c, user=magistrat).resultats]


def demande(magistrat, *experts, jours=3):
    return services.solliciter(
        acteur=magistrat,
        experts=list(experts),
        resume_mission="Fissures sur le mur porteur d'une maison livrée en 2025.",
        type_procedure="refere",
        delai_mission=timezone.localdate() + dt.timedelta(days=90),
        date_limite_reponse=timezone.now() + dt.timedelta(days=jours),
    )


# --- availability ------------------------------------------------------------------------------


def test_available_by_default(batisseur, magistrat, orgs):
    assert services.disponibilite_de(batisseur).etat == EtatDisponibilite.DISPONIBLE
    assert "Maçon" in visibles(magistrat, orgs)


@pytest.mark.parametrize(
    "etat,jusqu_au",
    [(EtatDisponibilite.INDISPONIBLE, None), (EtatDisponibilite.INDISPONIBLE_JUSQU_AU, dt.timedelta(days=10))],
)
def test_unavailable_expert_is_hidden_by_default_and_marked_on_demand(batisseur, expert, magistrat, orgs, etat, jusqu_au):
    services.definir_disponibilite(
        batisseur, acteur=expert, etat=etat, jusqu_au=timezone.localdate() + jusqu_au if jusqu_au else None
    )
    assert "Maçon" not in visibles(magistrat, orgs)
    r = moteur.rechercher(moteur.Criteres(cour=orgs["PARIS"], nomenclature="C.2.1", inclure_indisponibles=True), user=magistrat)
    assert r.resultats[0].expert.nom == "Maçon"
    assert r.resultats[0].marque.startswith("Indisponible")
    assert not r.resultats[0].disponible
    with pytest.raises(RefusService):
        demande(magistrat, batisseur)


def test_unavailability_ends_after_its_date(batisseur, expert, magistrat, orgs, monkeypatch):
    aujourd_hui = timezone.localdate()
    services.definir_disponibilite(batisseur, acteur=expert, etat=EtatDisponibilite.INDISPONIBLE_JUSQU_AU, jusqu_au=aujourd_hui)
    assert "Maçon" not in visibles(magistrat, orgs)
    # The next day, with nothing written meanwhile: the statement has lapsed.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: aujourd_hui + dt.timedelta(days=1))
    assert "Maçon" in visibles(magistrat, orgs)


def test_full_expert_is_hidden_until_a_mission_closes(batisseur, expert, magistrat, orgs):
    services.definir_disponibilite(batisseur, acteur=expert, etat=EtatDisponibilite.DISPONIBLE, max_missions=2)
    annuaire.mettre_a_jour_compteurs(batisseur, missions_ouvertes=2)
    assert "Maçon" not in visibles(magistrat, orgs)
    marques = {
        r.expert.nom: r.marque
        for r in moteur.rechercher(
            moteur.Criteres(cour=orgs["PARIS"], nomenclature="C.2", inclure_indisponibles=True), user=magistrat
        ).resultats
    }
    assert marques["Maçon"].startswith("Complet")
    annuaire.mettre_a_jour_compteurs(batisseur, missions_ouvertes=-1)
    assert "Maçon" in visibles(magistrat, orgs)


def test_only_the_expert_sets_their_availability(batisseur, autre_expert):
    with pytest.raises(RefusService):
        services.definir_disponibilite(batisseur, acteur=autre_expert, etat=EtatDisponibilite.INDISPONIBLE)


def test_availability_rejects_past_dates_and_missing_dates(batisseur, expert):
    with pytest.raises(RefusService):
        services.definir_disponibilite(batisseur, acteur=expert, etat=EtatDisponibilite.INDISPONIBLE_JUSQU_AU)
    with pytest.raises(RefusService):
        services.definir_disponibilite(
            batisseur, acteur=expert, etat=EtatDisponibilite.INDISPONIBLE_JUSQU_AU, jusqu_au=dt.date(2000, 1, 1)
        )


def test_availability_page(batisseur, client, expert):
    client.force_login(expert)
    assert client.get(reverse("recherche:disponibilite")).status_code == 200
    demain = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    r = client.post(
        reverse("recherche:disponibilite"), {"etat": "indisponible_jusqu_au", "jusqu_au": demain, "max_missions": "3"}
    )
    assert r.status_code == 302
    d = services.disponibilite_de(batisseur)
    assert d.etat == "indisponible_jusqu_au" and d.max_missions == 3


# --- solicitations -----------------------------------------------------------------------------


def test_solicitation_mails_the_expert_and_shows_on_their_dashboard(
    batisseur, magistrat, expert, monde, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        d = demande(magistrat, batisseur, monde["couvreur"])
    assert d.sollicitations.count() == 2
    assert any(expert.email in m.to for m in mail.outbox)
    lien = reverse("recherche:sollicitation", args=[d.sollicitations.get(expert=batisseur).uuid])
    assert any(lien in m.body for m in mail.outbox)
    assert "Fissures" not in "".join(m.body for m in mail.outbox)  # the summary is read after login only
    assert any(item.url == lien for item in a_faire(expert))


def test_expert_accepts_with_a_conflict_declared_and_requester_sees_it(batisseur, magistrat, expert, client):
    d = demande(magistrat, batisseur)
    s = d.sollicitations.get()
    client.force_login(expert)
    page = client.get(reverse("recherche:sollicitation", args=[s.uuid]))
    assert "maison livrée" in page.content.decode()
    r = client.post(
        reverse("recherche:sollicitation", args=[s.uuid]),
        {"decision": "accepter", "conflit_interets": "on", "conflit_details": "J'ai expertisé le lotissement voisin."},
    )
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.etat == EtatSollicitation.ACCEPTEE and s.conflit_interets
    client.force_login(magistrat)
    etat = client.get(reverse("recherche:demande_etat", args=[d.uuid])).json()
    assert etat["sollicitations"][0]["etat"] == "acceptee" and not etat["en_attente"]
    assert list(lecture.sollicitations_acceptees(magistrat, d)) == [s]


def test_refusal_needs_a_reason(batisseur, magistrat, expert):
    s = demande(magistrat, batisseur).sollicitations.get()
    with pytest.raises(RefusService):
        services.repondre(s, acteur=expert, accepte=False)
    services.repondre(s, acteur=expert, accepte=False, motif="Surcharge de travail")
    s.refresh_from_db()
    assert s.etat == EtatSollicitation.REFUSEE


def test_every_transition_of_the_table(batisseur, magistrat, expert):
    for depart, arrivees in TRANSITIONS.items():
        for arrivee in EtatSollicitation.values:
            s = Sollicitation(etat=depart)
            if arrivee in arrivees:
                services._transition(s, arrivee)
                assert s.etat == arrivee
            else:
                with pytest.raises(RefusService):
                    services._transition(s, arrivee)


def test_second_answer_is_refused(batisseur, magistrat, expert):
    s = demande(magistrat, batisseur).sollicitations.get()
    services.repondre(s, acteur=expert, accepte=True)
    with pytest.raises(RefusService):
        services.repondre(s, acteur=expert, accepte=False, motif="Changement d'avis")


def test_unanswered_requests_expire(batisseur, magistrat, expert):
    s = demande(magistrat, batisseur, jours=1).sollicitations.get()
    assert services.expirer_sollicitations() == 0
    assert services.expirer_sollicitations(timezone.now() + dt.timedelta(days=2)) == 1
    s.refresh_from_db()
    assert s.etat == EtatSollicitation.EXPIREE
    with pytest.raises(RefusService):
        services.repondre(s, acteur=expert, accepte=True)


def test_late_answer_expires_the_request(batisseur, magistrat, expert):
    s = demande(magistrat, batisseur).sollicitations.get()
    s.demande.date_limite_reponse = timezone.now() - dt.timedelta(minutes=1)
    s.demande.save()
    with pytest.raises(RefusService):
        services.repondre(s, acteur=expert, accepte=True)
    s.refresh_from_db()
    assert s.etat == EtatSollicitation.EXPIREE


def test_expiry_task_is_scheduled(settings):
    assert ("justexpert.recherche.tasks.expirer_sollicitations", 300) in settings.TACHES_PERIODIQUES


# --- permissions on solicitations ----------------------------------------------------------------


def test_expert_sees_only_solicitations_addressed_to_them(batisseur, monde, magistrat, greffier_ca, autre_expert, client):
    lier(monde["couvreur"], greffier_ca, autre_expert)
    d = demande(magistrat, batisseur)
    s = d.sollicitations.get()
    client.force_login(autre_expert)
    assert client.get(reverse("recherche:sollicitation", args=[s.uuid])).status_code == 404
    assert client.post(reverse("recherche:sollicitation", args=[s.uuid]), {"decision": "accepter"}).status_code == 404
    assert "Fissures" not in client.get(reverse("recherche:sollicitations")).content.decode()
    with pytest.raises(RefusService):
        services.repondre(s, acteur=autre_expert, accepte=True)


def test_request_page_is_404_for_staff_of_another_court(batisseur, magistrat, greffier, orgs, client):
    d = demande(magistrat, batisseur)
    client.force_login(greffier)  # same tribunal: the greffe works for the magistrate
    assert client.get(reverse("recherche:demande", args=[d.uuid])).status_code == 200
    lyon = creer_utilisateur("magistrat.lyon@test.fr", ("magistrat", orgs["TJ_LYON"], []))
    client.force_login(lyon)
    assert client.get(reverse("recherche:demande", args=[d.uuid])).status_code == 404
    assert client.get(reverse("recherche:demande_etat", args=[d.uuid])).status_code == 404
    assert list(lecture.sollicitations_acceptees(lyon)) == []


def test_experts_cannot_open_request_pages(batisseur, magistrat, expert, client):
    d = demande(magistrat, batisseur)
    client.force_login(expert)
    assert client.get(reverse("recherche:demande", args=[d.uuid])).status_code == 403
    assert client.get(reverse("recherche:solliciter")).status_code == 403


def test_solicit_from_the_results_page(batisseur, magistrat, client, monde):
    client.force_login(magistrat)
    url = reverse("recherche:solliciter")
    assert client.get(url, {"experts": [str(batisseur.uuid)]}).status_code == 200
    jour = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    r = client.post(
        url,
        {
            "experts": [str(batisseur.uuid), str(monde["radie"].uuid), "pas-un-uuid"],
            "resume_mission": "Fissures",
            "type_procedure": "civile",
            "delai_mission": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
            "date_limite_reponse": jour,
        },
    )
    assert r.status_code == 302
    s = Sollicitation.objects.get()
    assert s.expert == batisseur  # the radiated expert was not designable, so not solicited
    page = client.get(r["Location"])
    assert "recherche/reponses.js" in page.content.decode() and "nonce=" in page.content.decode()


# --- from the search to the designation, clicking only what is shown (issue 19, item 6) -----------


def test_mission_typed_in_the_search_becomes_the_request_summary(batisseur, magistrat, client):
    client.force_login(magistrat)
    texte = "fissures sur une maison individuelle"
    page = client.get(reverse("recherche:recherche"), {"texte": texte, "cour": "PARIS"}).content.decode()
    assert f'<input type="hidden" name="texte" value="{texte}">' in page
    formulaire = client.get(reverse("recherche:solliciter"), {"experts": [str(batisseur.uuid)], "texte": texte})
    assert f">\n{texte}</textarea>" in formulaire.content.decode()


def test_accepted_solicitation_offers_to_designate_that_expert(batisseur, magistrat, expert, client):
    d = demande(magistrat, batisseur)
    s = d.sollicitations.get()
    client.force_login(magistrat)
    page = client.get(reverse("recherche:demande", args=[d.uuid])).content.decode()
    assert "Désigner cet expert" not in page
    services.repondre(s, acteur=expert, accepte=True)
    page = client.get(reverse("recherche:demande", args=[d.uuid])).content.decode()
    lien = f"{reverse('expertises:nouvelle')}?sollicitation={s.uuid}"
    assert f'href="{lien}"' in page
    designation = client.get(lien).content.decode()
    assert "Fissures sur le mur porteur" in designation  # the mission carried over
