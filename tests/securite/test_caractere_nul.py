"""A NUL character in the query string: 422 in the JSON API, ignored by pages; never a 500
(PostgreSQL refuses NUL in text; schemathesis found it on /api/v1/annuaire/fiches)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import texte

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/api/v1/annuaire/fiches?cour=PA%00RIS", "/api/v1/annuaire/fiches?q=%00", "/api/v1/experts/recherche?langue=an%00glais"],
)
def test_the_api_refuses_a_nul_parameter_with_a_french_message(client, magistrat, url):
    client.force_login(magistrat)
    r = client.get(url)
    assert r.status_code == 422
    assert "caractère nul" in r.json()["detail"]


def test_pages_read_the_parameters_without_it(client, magistrat):
    client.force_login(magistrat)
    r = client.get(reverse("recherche:recherche") + "?texte=fissu%00res&departement=7%005&langue=%00")
    assert r.status_code == 200
    assert "fissures" in texte(r)
    r = client.get(reverse("annuaire:repertoire") + "?q=Du%00rand&cour=PA%00RIS")
    assert r.status_code == 200
