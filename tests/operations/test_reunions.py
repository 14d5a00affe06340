"""Meetings: planned in the court's time zone, convened by the channel each person needs, moved
(new convocations, old ones superseded) and cancelled; bad input refused with nothing recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from justexpert.comptes.services import RefusService
from justexpert.expertises.models import Depot, Participant, Qualite, TypeDocument
from justexpert.operations import services
from justexpert.operations.models import Canal, Convocation, Reunion, StatutConvocation, StatutReunion
from justexpert.preuves.models import Evenement

from .conftest import dans_jours, parties


def _canaux(r):
    return {c.destinataire: c.canal for c in r.convocations.exclude(statut=StatutConvocation.REMPLACEE)}


def test_a_meeting_convenes_each_person_by_the_channel_the_law_requires(acceptee, expert, avocat_partie_a, partie_b):
    e = acceptee
    # Party B (its own account) and lawyer A consented to electronic exchange (CPC 748-1).
    services.consentir_echange(acteur=partie_b, expertise=e)
    services.consentir_echange(acteur=avocat_partie_a, expertise=e)
    r = services.planifier(
        acteur=expert, expertise=e, debut=dans_jours(15), lieu="12 rue des Tilleuls, Paris", ordre_du_jour="Visite de la toiture"
    )
    canaux = _canaux(r)
    a, b = parties(e)
    assert canaux[a.designation] == Canal.LRAR  # party A has no account: registered letter by post
    assert canaux[b.designation] == Canal.PLATEFORME  # party B consented
    assert canaux[str(avocat_partie_a)] == Canal.PLATEFORME
    avocat_b = Participant.objects.get(expertise=e, qualite=Qualite.AVOCAT, partie=b)
    assert canaux[str(avocat_b.utilisateur)] == Canal.LETTRE_SIMPLE  # lawyer without consent: simple letter
    # The sealed convocation is deposited in the case as today.
    assert r.convocation.type == TypeDocument.CONVOCATION and r.convocation.reunion_le == r.debut
    assert r.preavis_jours == 8


def test_consent_is_given_once_with_its_proof_and_reused(acceptee, partie_b):
    c1 = services.consentir_echange(acteur=partie_b, expertise=acceptee)
    c2 = services.consentir_echange(acteur=partie_b, expertise=acceptee)
    assert c1.pk == c2.pk and c1.evenement.type == "operations.consentement_echange" and c1.donne_le


def test_the_court_time_zone_is_used(acceptee, expert, orgs):
    from zoneinfo import ZoneInfo

    e = acceptee
    e.juridiction.fuseau = "Pacific/Noumea"
    e.juridiction.save(update_fields=["fuseau"])
    debut = dt.datetime.combine(dans_jours(20).date(), dt.time(9), tzinfo=ZoneInfo("Pacific/Noumea"))
    r = services.planifier(acteur=expert, expertise=e, debut=debut, lieu="Palais de justice de Nouméa")
    assert "à 09:00 (heure de Nouméa)" in services.heure_locale(r.debut, e.fuseau)


def test_moving_a_meeting_sends_new_convocations_and_supersedes_the_old(
    acceptee, expert, mailoutbox, django_capture_on_commit_callbacks
):
    e = acceptee
    r = services.planifier(acteur=expert, expertise=e, debut=dans_jours(15), lieu="Sur place")
    avant = set(r.convocations.values_list("pk", flat=True))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = services.deplacer(acteur=expert, reunion=r, debut=dans_jours(20), lieu="Sur place")
    assert set(Convocation.objects.filter(pk__in=avant).values_list("statut", flat=True)) == {StatutConvocation.REMPLACEE}
    nouvelles = r.convocations.exclude(pk__in=avant)
    assert nouvelles.count() == len(avant) and r.deplacements == 1
    assert Depot.objects.filter(expertise=e, type=TypeDocument.CONVOCATION).count() == 2
    assert any("déplacée" in m.body for m in mailoutbox)


def test_cancelling_supersedes_the_convocations(acceptee, expert):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(15), lieu="Sur place")
    r = services.annuler(acteur=expert, reunion=r)
    assert r.statut == StatutReunion.ANNULEE
    assert set(r.convocations.values_list("statut", flat=True)) == {StatutConvocation.REMPLACEE}
    with pytest.raises(RefusService, match="annulée ou déjà tenue"):
        services.deplacer(acteur=expert, reunion=r, debut=dans_jours(16), lieu="x")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"debut": None}, "Indiquez la date et l'heure"),
        ({"debut": "passe"}, "dans le futur"),
        ({"lieu": ""}, "lieu de la réunion ou le lien"),
        ({"lien": "http://visio.test/x", "lieu": ""}, "https://"),
        ({"convoques": ["partie:00000000-0000-0000-0000-000000000000"]}, "parmi les parties et les avocats"),
        ({"preavis_jours": 400}, "entre 0 et 90"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_recorded(acceptee, expert, kw, message):
    avant = (Reunion.objects.count(), Convocation.objects.count(), Depot.objects.count(), Evenement.objects.count())
    args = {"debut": dans_jours(15), "lieu": "Sur place"} | kw
    if args["debut"] == "passe":
        args["debut"] = dans_jours(-1)
    with pytest.raises(RefusService, match=message):
        services.planifier(acteur=expert, expertise=acceptee, **args)
    assert avant == (Reunion.objects.count(), Convocation.objects.count(), Depot.objects.count(), Evenement.objects.count())


def test_a_person_of_another_case_cannot_be_convened(acceptee, expert, dossier_penal):
    autre = Participant.objects.get(expertise=dossier_penal, qualite=Qualite.AVOCAT)
    with pytest.raises(RefusService, match="parmi les parties et les avocats"):
        services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(15), lieu="x", convoques=[f"avocat:{autre.uuid}"])
    assert not Reunion.objects.exists()


def test_only_the_expert_plans(acceptee, avocat_partie_a, greffier):
    for user in (avocat_partie_a, greffier):
        with pytest.raises(RefusService, match="Seul l'expert"):
            services.planifier(acteur=user, expertise=acceptee, debut=dans_jours(15), lieu="x")
