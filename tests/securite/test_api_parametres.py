"""The JSON API refuses a known parameter of the wrong type or shape with a French 422, and ignores
unknown parameters (issue 18, item 7). Schemathesis once found `GET /api/v1/experts/recherche`
answering 200 to `cour` sent as an array (`?cour=a&cour=b`: ninja kept the last value)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from justexpert.comptes.services import creer_jeton

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(magistrat) -> Client:
    _jeton, secret = creer_jeton(acteur=magistrat, nom="test")
    return Client(headers={"authorization": f"Bearer {secret}"})


def _operations(client: Client) -> list[tuple[str, list[dict]]]:
    document = client.get("/api/v1/openapi.json").json()
    operations = []
    for chemin, methodes in document["paths"].items():
        for operation in methodes.values():
            parametres = operation.get("parameters", [])
            for p in parametres:
                if p["in"] == "path":
                    valeur = "1" if p["schema"].get("type") == "integer" else str(uuid.uuid4())
                    chemin = chemin.replace("{" + p["name"] + "}", valeur)
            operations.append((chemin, [p for p in parametres if p["in"] == "query"]))
    return operations


def test_every_known_query_parameter_sent_twice_is_a_french_422(api):
    vus = 0
    for chemin, parametres in _operations(api):
        for p in parametres:
            reponse = api.get(chemin, {p["name"]: ["1", "2"]})
            assert reponse.status_code == 422, (chemin, p["name"], reponse.status_code, reponse.content[:300])
            detail = reponse.json()["detail"]
            assert isinstance(detail, str) and f"« {p['name']} »" in detail and "une seule valeur" in detail, detail
            vus += 1
    assert vus >= 15


def test_the_search_refuses_a_court_sent_as_an_array_or_an_object(api):
    for requete in ("cour=PARIS&cour=LYON", "cour=1.5&cour=%7B%7D&cour=x"):
        reponse = api.get(f"/api/v1/experts/recherche?{requete}")
        assert reponse.status_code == 422
        assert reponse.json()["erreurs"] == [{"parametre": "cour", "lieu": "query", "message": "une seule valeur attendue"}]


@pytest.mark.parametrize(
    ("requete", "message"),
    [
        ("/api/v1/experts/recherche?echange_securise=peut-etre", "« echange_securise » : booléen attendu (true ou false)"),
        ("/api/v1/preuves/checkpoints?depuis=douze", "« depuis » : nombre entier attendu"),
        ("/api/v1/preuves/checkpoints/-1", "« taille » : valeur hors des bornes permises"),
        ("/api/v1/annuaire/fiches/pas-un-uuid", "« uuid » : identifiant UUID attendu"),
        ("/api/v1/preuves/inclusion?taille=3", "« hash_feuille » : paramètre obligatoire absent"),
        # What schemathesis sent for `cour` as an object ({"^pjP": "null"} became ?cour=^pjP): the
        # page ignores an unknown court with a message, the API refuses it.
        ("/api/v1/experts/recherche?cour=%5EpjP", "« cour » : valeur non reconnue"),
        (
            "/api/v1/experts/recherche?matiere=AD%7C&liste=x",
            "« liste » : valeur non reconnue ; « matiere » : valeur non reconnue",
        ),
    ],
)
def test_a_wrong_type_is_a_422_with_a_french_message(api, requete, message):
    reponse = api.get(requete)
    assert reponse.status_code == 422
    assert message in reponse.json()["detail"]


def test_unknown_parameters_are_ignored_and_the_openapi_document_says_so(api):
    assert api.get("/api/v1/comptes/moi?inconnu=1&inconnu=2&cour[x]=y").status_code == 200
    assert api.get("/api/v1/experts/recherche?texte=fissure&autre=1&autre=2").status_code == 200
    description = api.get("/api/v1/openapi.json").json()["info"]["description"]
    assert "paramètres inconnus sont ignorés" in description and "422" in description
