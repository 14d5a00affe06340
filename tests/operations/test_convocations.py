"""Delivery of each convocation: platform notice proven by its opening (with its receipt),
registered letter with tracking number and scanned avis de réception, « pli non réclamé » as its
own status, simple letter for lawyers, the fake LRE provider (proofs stored as deposits; down: « en
attente », retried, expert told); warnings when someone is not regularly convened or the notice is
short; bad input refused with nothing recorded."""

from __future__ import annotations

import pytest

from justexpert.coffre.models import Document
from justexpert.comptes.services import RefusService
from justexpert.expertises import depots
from justexpert.expertises.models import Participant, Qualite
from justexpert.operations import services
from justexpert.operations.models import Canal, Convocation, StatutConvocation
from justexpert.operations.tasks import relancer_lre
from justexpert.preuves.models import Evenement

from .conftest import dans_jours, parties

SCAN = b"%PDF-1.4\n% avis de reception scanne\n%%EOF\n"


def _par_canal(r, canal):
    return list(r.convocations.filter(canal=canal).exclude(statut=StatutConvocation.REMPLACEE))


@pytest.fixture
def reunion(acceptee, expert, partie_b, avocat_partie_a):
    services.consentir_echange(acteur=partie_b, expertise=acceptee)
    services.consentir_echange(acteur=avocat_partie_a, expertise=acceptee)
    return services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(20), lieu="Sur place")


def test_platform_convocation_is_proven_by_its_opening(reunion, partie_b):
    c = next(x for x in _par_canal(reunion, Canal.PLATEFORME) if x.participant.utilisateur == partie_b)
    assert services.synthese(c) == "en attente"
    o = depots.ouvrir(acteur=partie_b, depot=reunion.convocation)
    services.constater_ouvertures(reunion)
    c.refresh_from_db()
    assert c.statut == StatutConvocation.PROUVEE and c.remise_le == o.le and services.synthese(c) == "prouvée"
    assert services.ouverture_de(c).evenement.type == "expertises.ouverture"


def test_registered_letter_with_tracking_number_and_avis_de_reception(reunion, expert):
    (c,) = _par_canal(reunion, Canal.LRAR)
    assert c.statut == StatutConvocation.EN_ATTENTE
    c = services.declarer_envoi(acteur=expert, convocation=c, numero_suivi="1A 123 456 789 01")
    assert c.statut == StatutConvocation.ENVOYEE and c.numero_suivi == "1A12345678901"
    jour = c.envoyee_le.date()
    c = services.deposer_avis(acteur=expert, convocation=c, le=jour, scan=SCAN, nom="ar.pdf")
    assert c.statut == StatutConvocation.PROUVEE and c.avis_reception is not None
    assert Evenement.objects.filter(type="operations.avis_reception", objet_ref=str(c.uuid)).exists()


def test_pli_non_reclame_is_its_own_status(reunion, expert):
    (c,) = _par_canal(reunion, Canal.LRAR)
    c = services.declarer_envoi(acteur=expert, convocation=c, numero_suivi="1A12345678901")
    c = services.deposer_avis(acteur=expert, convocation=c, le=c.envoyee_le.date(), scan=SCAN, non_reclame=True)
    assert c.statut == StatutConvocation.NON_RECLAMEE and services.synthese(c) == "pli non réclamé"
    # Case law treats it as convening: no warning about that person.
    assert not [a for a in services.avertissements(reunion) if a.startswith(c.destinataire + " (partie")]


def test_an_avis_on_a_letter_never_sent_is_refused_and_nothing_recorded(reunion, expert):
    (c,) = _par_canal(reunion, Canal.LRAR)
    avant = (Document.objects.count(), Evenement.objects.count())
    with pytest.raises(RefusService, match="n'a pas été envoyée"):
        services.deposer_avis(acteur=expert, convocation=c, le=dans_jours(0).date(), scan=SCAN)
    c.refresh_from_db()
    assert c.statut == StatutConvocation.EN_ATTENTE and c.avis_reception is None
    assert avant == (Document.objects.count(), Evenement.objects.count())


def test_a_registered_letter_needs_its_tracking_number(reunion, expert):
    (c,) = _par_canal(reunion, Canal.LRAR)
    with pytest.raises(RefusService, match="numéro de suivi"):
        services.declarer_envoi(acteur=expert, convocation=c, numero_suivi="")
    c.refresh_from_db()
    assert c.statut == StatutConvocation.EN_ATTENTE


def test_warnings_name_who_is_not_regularly_convened_and_a_short_notice(acceptee, expert, partie_b):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(3), lieu="Sur place")
    alertes = " ".join(services.avertissements(r))
    a, _b = parties(acceptee)
    assert f"{a.designation} (partie (demandeur)) n'est pas encore régulièrement convoqué(e)" in alertes
    assert "moins que votre délai minimal de 8 jours" in alertes
    # Once the letters are sent and proven, only the short notice remains.
    for c in r.convocations.filter(canal__in=[Canal.LRAR, Canal.LETTRE_SIMPLE]):
        c = services.declarer_envoi(acteur=expert, convocation=c, numero_suivi="1A12345678901")
        if c.canal == Canal.LRAR:
            services.deposer_avis(acteur=expert, convocation=c, le=c.envoyee_le.date(), scan=SCAN)
    alertes = services.avertissements(r)
    assert all("délai minimal" in x for x in alertes), alertes


def test_a_person_left_out_is_warned_about(acceptee, expert):
    avocat = Participant.objects.filter(expertise=acceptee, qualite=Qualite.AVOCAT).first()
    cles = [d.cle for d in services.destinataires(acceptee) if d.cle != f"avocat:{avocat.uuid}"]
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(20), lieu="x", convoques=cles)
    assert any("n'est pas convoqué(e) à cette réunion" in a and str(avocat.utilisateur) in a for a in services.avertissements(r))


def test_lre_channel_stores_the_provider_proofs_as_deposits(acceptee, expert, lre_faux, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(20), lieu="Sur place")
    (c,) = _par_canal(r, Canal.LRE)  # party B has an account but no consent: LRE instead of paper
    assert c.statut == StatutConvocation.ENVOYEE and c.reference_lre.startswith("LRE-") and c.preuve_lre is not None
    depot = c.preuve_lre
    relancer_lre.call()
    c.refresh_from_db()
    assert c.statut == StatutConvocation.PROUVEE and c.preuve_lre != depot
    assert Evenement.objects.filter(type="operations.lre_suivi", objet_ref=str(c.uuid)).exists()


def test_lre_provider_down_stays_pending_is_retried_and_the_expert_is_told(
    acceptee, expert, lre_faux, mailoutbox, django_capture_on_commit_callbacks
):
    lre_faux.disponible = False
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(20), lieu="Sur place")
    (c,) = _par_canal(r, Canal.LRE)
    assert c.statut == StatutConvocation.EN_ATTENTE and c.tentatives == 1
    assert any(expert.email in m.to and "indisponible" in m.body for m in mailoutbox)
    assert any("lettre recommandée électronique est en attente" in a for a in services.avertissements(r))
    lre_faux.disponible = True
    with django_capture_on_commit_callbacks(execute=True):
        relancer_lre.call()
    c.refresh_from_db()
    assert c.statut == StatutConvocation.PROUVEE and c.tentatives == 2


def test_lre_not_claimed(acceptee, expert, lre_faux, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(20), lieu="Sur place")
    (c,) = _par_canal(r, Canal.LRE)
    lre_faux.issues[c.reference_lre] = "non_reclamee"
    relancer_lre.call()
    c.refresh_from_db()
    assert c.statut == StatutConvocation.NON_RECLAMEE


def test_lre_is_off_by_default(acceptee, expert):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(20), lieu="Sur place")
    assert not r.convocations.filter(canal=Canal.LRE).exists()
    assert Convocation.objects.filter(canal=Canal.LRAR).count() == 2  # both parties by post
