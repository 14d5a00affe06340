"""Calendar of operations: the expert's dates, the judge's (CPC 266) marked as such, changes
notified; the per-person iCalendar feed parsed by a real iCalendar parser, renewed (old URL: 404)."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from justexpert.comptes.services import RefusService
from justexpert.operations import services
from justexpert.operations.models import EtapeCalendrier, NatureEtape

from .conftest import dans_jours


def _flux(client, secret):
    return client.get(reverse("operations:flux", kwargs={"secret": secret}))


def _evenements(reponse):
    cal = icalendar.Calendar.from_ical(reponse.content)
    return {str(ev["summary"]): ev for ev in cal.walk("VEVENT")}


def test_expert_and_judge_publish_the_calendar_and_everyone_is_told(
    acceptee, expert, magistrat, partie_b, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enregistrer_etape(acteur=expert, expertise=acceptee, nature=NatureEtape.PIECES, date=dans_jours(20).date())
        juge = services.enregistrer_etape(
            acteur=magistrat, expertise=acceptee, nature=NatureEtape.NOTE_SYNTHESE, date=dans_jours(60).date(), du_juge=True
        )
    assert juge.du_juge
    assert any(
        partie_b.email in m.to and "calendrier des opérations modifié" in m.subject and "Le juge a fixé" in m.body
        for m in mailoutbox
    )
    with pytest.raises(RefusService, match="fixée par le juge"):
        services.enregistrer_etape(
            acteur=expert, expertise=acceptee, nature=NatureEtape.NOTE_SYNTHESE, date=dans_jours(70).date(), etape=juge
        )
    with pytest.raises(RefusService, match="Seuls le juge et son greffe"):
        services.enregistrer_etape(
            acteur=expert, expertise=acceptee, nature=NatureEtape.DIRES, date=dans_jours(70).date(), du_juge=True
        )
    with pytest.raises(RefusService, match="Seuls l'expert et le juge"):
        services.enregistrer_etape(acteur=partie_b, expertise=acceptee, nature=NatureEtape.DIRES, date=dans_jours(70).date())
    assert EtapeCalendrier.objects.count() == 2


def test_the_feed_is_parsed_by_icalendar_and_renewing_revokes_the_old_url(
    client, acceptee, expert, magistrat, partie_b, avocat_partie_a
):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(15), lieu="12 rue des Tilleuls, Paris")
    services.enregistrer_etape(
        acteur=magistrat, expertise=acceptee, nature=NatureEtape.RAPPORT, date=dans_jours(120).date(), du_juge=True
    )
    ancien = services.renouveler_jeton(acteur=partie_b)
    reponse = _flux(client, ancien)
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VTIMEZONE" in reponse.content and b"TZID:Europe/Paris" in reponse.content
    evenements = _evenements(reponse)
    reunion = evenements["Réunion d'expertise — Expertise RG 26/00001"]
    assert reunion["dtstart"].dt == r.debut and str(reunion["location"]) == "12 rue des Tilleuls, Paris"
    assert reunion["dtstart"].dt.tzinfo is not None and str(reunion["dtstart"].dt.tzinfo) == "Europe/Paris"
    juge = evenements["Dépôt du rapport — Expertise RG 26/00001 (calendrier du juge, CPC 266)"]
    assert juge["dtstart"].dt == dans_jours(120).date()
    assert "Décrire les désordres" not in reponse.content.decode()  # never the mission
    nouveau = services.renouveler_jeton(acteur=partie_b)
    assert _flux(client, ancien).status_code == 404
    assert _flux(client, nouveau).status_code == 200
    assert _flux(client, "inconnu").status_code == 404


def test_a_cancelled_meeting_is_cancelled_in_the_feed(client, acceptee, expert, partie_b):
    r = services.planifier(acteur=expert, expertise=acceptee, debut=dans_jours(15), lieu="Sur place")
    services.annuler(acteur=expert, reunion=r)
    evenements = _evenements(_flux(client, services.renouveler_jeton(acteur=partie_b)))
    assert str(evenements["Réunion d'expertise — Expertise RG 26/00001"]["status"]) == "CANCELLED"


def test_the_feed_shows_only_the_persons_cases_and_follows_removal(
    client, acceptee, expert, dossier_penal, avocat_partie_a, partie_b
):
    from tests.expertises.outils_depots import en_cours

    services.planifier(acteur=expert, expertise=en_cours(dossier_penal), debut=dans_jours(15), lieu="Salle des scellés")
    secret = services.renouveler_jeton(acteur=partie_b)
    assert "Expertise pénale" not in _flux(client, secret).content.decode()
    assert "Expertise pénale" in _flux(client, services.renouveler_jeton(acteur=avocat_partie_a)).content.decode()
    partie_b.is_active = False
    partie_b.save(update_fields=["is_active"])
    assert _flux(client, secret).status_code == 404


def test_the_calendar_page_marks_the_judges_dates(client, acceptee, magistrat, partie_b):
    services.enregistrer_etape(
        acteur=magistrat, expertise=acceptee, nature=NatureEtape.DIRES, date=dans_jours(90).date(), du_juge=True
    )
    client.force_login(partie_b)
    page = client.get(reverse("operations:operations", kwargs={"reference": acceptee.uuid})).content.decode()
    assert "Date limite des dires" in page and "calendrier du juge (CPC 266)" in page
