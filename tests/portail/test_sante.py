"""Health endpoint and the alert task (timestamps pending, checkpoints stopped)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from justexpert.portail import sante
from justexpert.portail.tasks import surveiller
from justexpert.preuves.models import PointDeControle, StatutHorodatage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_vide():
    cache.clear()


def test_health_is_public_reveals_states_only_and_is_not_cached(client):
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert reponse["Cache-Control"] == "no-store"
    assert reponse.json()["base"] == "ok" and reponse.json()["stockage"] == "ok"


def test_database_down_answers_503(client, monkeypatch):
    monkeypatch.setattr(sante, "verifier_base", lambda: sante.Verification("base", False, "base de données injoignable", True))
    reponse = client.get("/sante/")
    assert reponse.status_code == 503 and reponse.json()["base"] == "base de données injoignable"


def test_storage_down_answers_503(client, monkeypatch):
    class Panne:
        def existe(self, nom):
            raise OSError("disque absent")

    monkeypatch.setattr(sante, "stockage", lambda: Panne())
    reponse = client.get("/sante/")
    assert reponse.status_code == 503 and "injoignable" in reponse.json()["stockage"]


def _point_en_attente(age: dt.timedelta) -> None:
    PointDeControle.objects.create(
        taille=1, racine=b"\0" * 32, note="n", cree_le=timezone.now() - age, statut=StatutHorodatage.EN_ATTENTE
    )


def test_pending_timestamps_are_reported_but_do_not_fail_the_endpoint(client):
    _point_en_attente(dt.timedelta(minutes=30))
    reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert "en attente d'horodatage" in reponse.json()["horodatage"]


def test_recent_pending_timestamp_is_not_an_alert(client):
    _point_en_attente(dt.timedelta(minutes=1))
    assert client.get("/sante/").json()["horodatage"] == "ok"


def test_alert_logs_and_mails_administrators_once_per_hour(
    administrateur, expert, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    _point_en_attente(dt.timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert surveiller.call() == ["horodatage"]
        surveiller.call()
    assert "ALERTE horodatage" in caplog.text
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["admin@test.fr"]


def test_a_refused_token_is_an_alert_at_once(administrateur, settings, caplog, mailoutbox, django_capture_on_commit_callbacks):
    """Issue 17 item 2: with an authority URL and no trusted root, a token (here from a rogue
    self-signed authority dated 2020) is refused, the checkpoint stays pending, the retry task
    tries again, and the watch task reports it without waiting 15 minutes."""
    import datetime as dt

    from justexpert.preuves import services
    from tests.preuves.outils_horodatage import autorite_http, pki

    with autorite_http(pki("bonne"), dt.datetime(2020, 1, 1, tzinfo=dt.UTC)) as url:
        settings.TSA_URL = url
        with django_capture_on_commit_callbacks(execute=True):
            services.enregistrer("depot", acteur_ref="systeme", objet_ref="piece-1")
        point = PointDeControle.objects.get()
        assert point.statut == StatutHorodatage.EN_ATTENTE and point.jeton is None
        assert "aucune racine de confiance" in point.derniere_erreur
        assert services.horodater_en_attente() == 0  # the retry refuses it again
    with django_capture_on_commit_callbacks(execute=True):
        assert surveiller.call() == ["horodatage"]
    assert "ALERTE horodatage : jeton d'horodatage refusé à sa réception" in caplog.text
    assert len(mailoutbox) == 1 and "refusé" in mailoutbox[0].body


def test_checkpoints_stopped_by_the_high_water_mark_say_why(client, django_capture_on_commit_callbacks):
    """Issue 33 item 3: a copy restored without its log's history records events but signs nothing;
    the health check (and so the alert) says why."""
    from django.db import connection

    from justexpert.preuves import services
    from justexpert.preuves.models import Evenement, Journal, Noeud

    def consigner(n: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                services.enregistrer("depot", acteur_ref="systeme", objet_ref=f"piece-{i}")

    consigner(2)
    with connection.cursor() as curseur:  # the database goes back to an empty log; the mark does not
        for modele in (PointDeControle, Noeud, Evenement):
            curseur.execute(f"DELETE FROM {connection.ops.quote_name(modele._meta.db_table)}")  # noqa: S608
    Journal.objects.update(taille=0, frontiere=b"")
    consigner(1)
    Evenement.objects.update(cree_le=timezone.now() - dt.timedelta(minutes=30))
    detail = client.get("/sante/").json()["points_de_controle"]
    assert detail.startswith("1 événement(s) sans point de contrôle depuis plus de 10 minutes : le journal")
    assert "a déjà signé un point de contrôle de taille 2" in detail
