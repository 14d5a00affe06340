"""Deadlines in the juridiction's time zone: Nouméa, Papeete, Cayenne vs Paris, and DST changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from justexpert.comptes.models import Habilitation, Organisation, Role
from justexpert.expertises import services
from justexpert.expertises.models import Etat, Expertise, Rappel, StatutConsignation
from justexpert.lib.temps import (
    date_locale,
    echeance_en_jours,
    est_echu,
    fin_de_journee,
    jour_ouvrable_suivant,
    jours_restants,
    paques,
)
from tests.conftest import creer_utilisateur

from .conftest import nouvelle_expertise

UTC = dt.UTC


def instant(texte: str) -> dt.datetime:
    return dt.datetime.fromisoformat(texte).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("fuseau", "jour_local"),
    [
        ("Europe/Paris", dt.date(2026, 3, 10)),
        ("Pacific/Noumea", dt.date(2026, 3, 11)),
        ("Pacific/Tahiti", dt.date(2026, 3, 10)),
        ("America/Cayenne", dt.date(2026, 3, 10)),
    ],
)
def test_the_day_of_an_event_is_read_in_the_court_time_zone(fuseau, jour_local):
    # 10 March 2026 at 13:30 UTC: 00:30 on the 11th in Nouméa (UTC+11), 14:30 on the 10th in Paris,
    # 03:30 in Papeete (UTC-10) and 10:30 in Cayenne (UTC-3).
    depart = instant("2026-03-10T13:30:00")
    assert date_locale(depart, fuseau) == jour_local
    # 10 days from that event, then extended past the weekend (CPC 642).
    attendu = jour_ouvrable_suivant(jour_local + dt.timedelta(days=10))
    assert echeance_en_jours(depart, 10, fuseau) == attendu


def test_same_instant_gives_different_deadlines_in_noumea_and_cayenne():
    depart = instant("2026-06-01T20:00:00")  # Nouméa: 2 June 07:00; Cayenne: 1 June 17:00
    assert echeance_en_jours(depart, 15, "Pacific/Noumea") == dt.date(2026, 6, 17)
    assert echeance_en_jours(depart, 15, "America/Cayenne") == dt.date(2026, 6, 16)
    assert echeance_en_jours(depart, 15, "Europe/Paris") == dt.date(2026, 6, 16)


def test_end_of_day_follows_daylight_saving_in_paris():
    # Winter: UTC+1, summer: UTC+2; the change is on 29 March 2026 and 25 October 2026.
    assert fin_de_journee(dt.date(2026, 3, 28), "Europe/Paris").hour == 22  # 23:59:59 +01:00
    assert fin_de_journee(dt.date(2026, 3, 29), "Europe/Paris").hour == 21  # 23:59:59 +02:00
    assert fin_de_journee(dt.date(2026, 10, 25), "Europe/Paris").hour == 22
    # Overseas courts have no DST.
    assert fin_de_journee(dt.date(2026, 3, 29), "Pacific/Noumea") == dt.datetime(2026, 3, 29, 12, 59, 59, 999999, tzinfo=UTC)
    assert fin_de_journee(dt.date(2026, 3, 29), "Pacific/Tahiti") == dt.datetime(2026, 3, 30, 9, 59, 59, 999999, tzinfo=UTC)
    assert fin_de_journee(dt.date(2026, 3, 29), "America/Cayenne") == dt.datetime(2026, 3, 30, 2, 59, 59, 999999, tzinfo=UTC)


def test_a_period_across_the_spring_change_still_counts_calendar_days():
    depart = instant("2026-03-27T22:30:00")  # 23:30 in Paris on Friday 27 March (UTC+1)
    assert echeance_en_jours(depart, 10, "Europe/Paris") == dt.date(2026, 4, 7)  # 6 April is Easter Monday
    assert not est_echu(dt.date(2026, 4, 7), "Europe/Paris", instant("2026-04-07T21:59:00"))
    assert est_echu(dt.date(2026, 4, 7), "Europe/Paris", instant("2026-04-07T22:00:00"))


def test_deadline_passes_at_local_midnight_of_each_court():
    jour = dt.date(2026, 7, 15)
    juste_avant_minuit_noumea = instant("2026-07-15T12:59:00")
    assert not est_echu(jour, "Pacific/Noumea", juste_avant_minuit_noumea)
    assert est_echu(jour, "Pacific/Noumea", instant("2026-07-15T13:00:00"))
    # At that same instant it is still the morning of the 15th in Papeete and Cayenne.
    assert not est_echu(jour, "Pacific/Tahiti", instant("2026-07-15T13:00:00"))
    assert not est_echu(jour, "America/Cayenne", instant("2026-07-15T13:00:00"))
    assert est_echu(jour, "Pacific/Tahiti", instant("2026-07-16T10:00:00"))
    assert jours_restants(jour, "Pacific/Noumea", instant("2026-07-14T13:30:00")) == 0
    assert jours_restants(jour, "America/Cayenne", instant("2026-07-14T13:30:00")) == 1


def test_weekends_and_public_holidays_extend_a_deadline():
    assert paques(2027) == dt.date(2027, 3, 28)
    assert jour_ouvrable_suivant(dt.date(2026, 12, 25)) == dt.date(2026, 12, 28)  # Friday holiday, weekend
    assert jour_ouvrable_suivant(dt.date(2026, 5, 14)) == dt.date(2026, 5, 15)  # Ascension
    assert jour_ouvrable_suivant(dt.date(2026, 5, 12)) == dt.date(2026, 5, 12)


# --- The periodic task -------------------------------------------------------------------------------


@pytest.fixture
def tribunal(orgs):
    def creer(code: str, fuseau: str) -> Organisation:
        ca = Organisation.objects.get(code=code)
        assert ca.fuseau == fuseau
        return Organisation.objects.create(
            type="tribunal_judiciaire", code=f"TJ_TZ_{code}", nom=f"TJ {code}", cour_appel=ca, fuseau=fuseau
        )

    return creer


def _en_attente(e: Expertise, jour: dt.date) -> Expertise:
    Expertise.objects.filter(pk=e.pk).update(
        etat=Etat.ATTENTE_CONSIGNATION,
        consignation_montant=Decimal(1000),
        consignation_date_limite=jour,
        consignation_statut=StatutConsignation.A_CONSIGNER,
    )
    e.refresh_from_db()
    return e


def test_caducite_happens_after_local_midnight_of_the_court(tribunal, expert, fiche_expert):
    cas = {}
    for code, fuseau in (("NOUMEA", "Pacific/Noumea"), ("CAYENNE", "America/Cayenne"), ("PARIS", "Europe/Paris")):
        tj = tribunal(code, fuseau)
        m = creer_utilisateur(f"magistrat.{code.lower()}@test.fr", (Role.MAGISTRAT, tj, [Habilitation.CONTROLE_EXPERTISES]))
        g = creer_utilisateur(f"greffier.{code.lower()}@test.fr", (Role.GREFFIER, tj, []))
        cas[code] = _en_attente(
            nouvelle_expertise(acteur=m, fiche=fiche_expert, juridiction=tj, numero_rg=code, greffiers=[g]), dt.date(2026, 7, 15)
        )
    # 15 July 13:30 UTC: past midnight in Nouméa only.
    assert services.traiter_echeances(instant("2026-07-15T13:30:00"))["caduques"] == 1
    etats = {code: Expertise.objects.get(pk=e.pk).etat for code, e in cas.items()}
    assert etats == {"NOUMEA": Etat.CADUQUE, "CAYENNE": Etat.ATTENTE_CONSIGNATION, "PARIS": Etat.ATTENTE_CONSIGNATION}
    # 15 July 22:30 UTC: past midnight in Paris (UTC+2 in summer), not yet in Cayenne (UTC-3).
    assert services.traiter_echeances(instant("2026-07-15T22:30:00"))["caduques"] == 1
    assert Expertise.objects.get(pk=cas["CAYENNE"].pk).etat == Etat.ATTENTE_CONSIGNATION
    assert services.traiter_echeances(instant("2026-07-16T03:30:00"))["caduques"] == 1
    assert Expertise.objects.get(pk=cas["CAYENNE"].pk).etat == Etat.CADUQUE


def test_consignation_recorded_in_time_is_never_caduque(dossier, greffier):
    e = _en_attente(dossier, dt.date(2026, 7, 15))
    services.constater_consignation(acteur=greffier, expertise=e)
    assert services.traiter_echeances(instant("2026-08-01T00:00:00"))["caduques"] == 0
    assert Expertise.objects.get(pk=e.pk).etat == Etat.EN_COURS


def test_relieved_designation_is_not_made_caduque(dossier, magistrat):
    e = _en_attente(dossier, dt.date(2026, 7, 15))
    Expertise.objects.filter(pk=e.pk).update(consignation_date_limite=dt.date(2026, 12, 31))  # prorogation (CPC 271)
    assert services.traiter_echeances(instant("2026-07-20T00:00:00"))["caduques"] == 0


def test_warnings_are_sent_once_seven_days_and_one_day_before(
    dossier, avocat_partie_a, greffier, expert, django_capture_on_commit_callbacks
):
    e = _en_attente(dossier, dt.date(2026, 7, 15))
    Expertise.objects.filter(pk=e.pk).update(date_limite_rapport=dt.date(2027, 1, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.traiter_echeances(instant("2026-07-08T08:00:00"))["rappels"] == 1
        assert services.traiter_echeances(instant("2026-07-08T09:00:00"))["rappels"] == 0
        assert services.traiter_echeances(instant("2026-07-14T08:00:00"))["rappels"] == 1
    assert list(Rappel.objects.filter(expertise=e).values_list("preavis_jours", flat=True).order_by("preavis_jours")) == [1, 7]
    destinataires = set(mail.outbox[0].to)
    assert avocat_partie_a.email in destinataires and greffier.email in destinataires
    assert expert.email not in destinataires  # the consignation is not the expert's to make
    assert "15 juillet 2026" in mail.outbox[0].body
