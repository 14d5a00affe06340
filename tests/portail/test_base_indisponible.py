"""An unreachable database gives the French 503 wherever it fails (handler500 decides), and only
then: other errors stay the generic 500. The real-process version is tests/fiabilite/."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, InterfaceError, OperationalError
from django.test import Client


@pytest.fixture
def client_connecte(expert):
    client = Client(raise_request_exception=False)
    client.force_login(expert)
    return client


@pytest.mark.parametrize("erreur", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_session_unreadable_before_any_view_gives_the_french_503_page(client_connecte, erreur):
    with mock.patch.object(SessionStore, "load", side_effect=erreur):
        reponse = client_connecte.get("/mon-compte/")
    assert reponse.status_code == 503
    texte = reponse.content.decode()
    assert "Le service est momentanément indisponible" in texte
    assert "Rechargez la page dans quelques instants" in texte  # a page read: nothing to say about recording
    assert reponse["Retry-After"] == "60"
    assert "Content-Security-Policy" in reponse and reponse["Cache-Control"] == "no-store"


def test_a_form_sent_while_the_database_is_down_says_nothing_was_recorded(client_connecte):
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("down")):
        reponse = client_connecte.post("/mon-compte/", {"x": "1"})
    assert reponse.status_code == 503
    assert "Rien n'a été enregistré" in reponse.content.decode()


def test_api_and_health_check_answer_json_503(client_connecte):
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("down")):
        api = client_connecte.get("/api/v1/expertises/")
        sante = client_connecte.get("/sante/")
    assert api.status_code == 503 and api.json()["detail"].startswith("Le service est momentanément indisponible")
    assert sante.status_code == 503 and sante.json() == {"base": "base de données injoignable"}


def test_other_errors_stay_the_generic_500(client_connecte):
    with mock.patch.object(SessionStore, "load", side_effect=IntegrityError("a bug, not an outage")):
        reponse = client_connecte.get("/mon-compte/")
    assert reponse.status_code == 500
    assert "Erreur inattendue" in reponse.content.decode()
