"""API robustness (plan BI1): schemathesis generates requests from /api/v1/openapi.json for every
operation — valid ones and, separately, ones that break the schema — and sends them through the
WSGI application with a personal access token of staff and non-staff users: no 5xx, every response
conforms to the documented schema and status codes, invalid input refused with a documented 4xx."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from justexpert.comptes.services import creer_jeton
from tests.conftest import PROFIL_HYPOTHESIS, exemples

# Derandomized (tests/conftest.py): the same cases on every run of the same commit; `make fuzz`
# draws new ones, ten times as many.
EXEMPLES = exemples(12)
# positive_data_acceptance wants 2xx for any schema-valid input; domain rules (an unknown court
# code, a hash that is not hexadecimal) refuse some of it with a documented 4xx, on purpose.
WSGI = get_wsgi_application()


def _operations():
    document = Client().get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGI  # every request, the checks' own included, goes through the WSGI application
    return [resultat.ok() for resultat in schema.get_all_operations()]


@contextmanager
def connexion_gardee():
    """The WSGI handler closes the database connection at the end of each request (Django's
    close_old_connections); inside a test transaction that would end the test's connection. Keep
    it open, as Django's own test client does around each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _verifier(operation, mode: GenerationMode, entetes: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXEMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def un_cas(case) -> None:
        with connexion_gardee():
            reponse = case.call(headers=entetes)
            case.validate_response(reponse, headers=entetes, excluded_checks=[positive_data_acceptance])

    try:
        un_cas()
    except Unsatisfiable:
        # An operation without parameters has no invalid input to generate.
        assert mode == GenerationMode.NEGATIVE, operation.label


@pytest.mark.parametrize("acteur", ["magistrat_penal", "expert", "invite_penal"])
def test_every_api_operation_survives_generated_input(monde, acteur):
    _jeton, secret = creer_jeton(acteur=monde.acteurs[acteur], nom="schemathesis")
    entetes = {"Authorization": f"Bearer {secret}"}
    operations = _operations()
    assert len(operations) >= 15
    echecs = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _verifier(operation, mode, entetes)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 (collect every failure, then report)
                echecs.append(f"{operation.label} [{mode.value}]: {str(exc)[:600]}")
    assert not echecs, "\n\n".join(echecs)


def test_malformed_ids_in_api_paths_are_422_never_500(monde):
    """Regression: /annuaire/fiches/{uuid} took a str and answered 500 on a malformed UUID."""
    _jeton, secret = creer_jeton(acteur=monde.acteurs["magistrat"], nom="x")
    client = Client(headers={"authorization": f"Bearer {secret}"})
    for chemin in ("annuaire/fiches", "candidatures", "echanges", "expertises"):
        assert client.get(f"/api/v1/{chemin}/pas-un-uuid").status_code in (404, 422), chemin


def test_huge_tree_sizes_are_422_never_500(db):
    """Regression: a size beyond 64 bits reached the database and overflowed (500)."""
    enorme = 2**70
    client = Client()
    for chemin in (
        f"/api/v1/preuves/consistency?premiere=1&seconde={enorme}",
        f"/api/v1/preuves/checkpoints/{enorme}",
        f"/api/v1/preuves/checkpoints?depuis={enorme}",
        f"/api/v1/preuves/inclusion?hash_feuille={'0' * 64}&taille={enorme}",
    ):
        assert client.get(chemin).status_code == 422, chemin


@pytest.mark.skipif(PROFIL_HYPOTHESIS == "fuzz", reason="make fuzz draws new cases on purpose")
def test_generated_cases_are_the_same_on_every_run(db):
    """CI gives the same answer twice: schemathesis draws its cases through hypothesis, whose
    profile derives every example from the test itself (no seed from the clock, no database)."""
    (operation,) = [op for op in _operations() if op.label == "GET /api/v1/experts/recherche"]

    def tirer(mode: GenerationMode) -> list[str]:
        vus: list[str] = []

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXEMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def un_cas(case) -> None:
            vus.append(repr(sorted((case.query or {}).items())))

        un_cas()
        return vus

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        premier = tirer(mode)
        assert len(premier) > 1 and tirer(mode) == premier
