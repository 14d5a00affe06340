"""The one JSON API: /api/v1/, one OpenAPI document, authenticated by session or personal token.

Every router is mounted here; an operation without auth must be listed in PUBLIC_API
(tests/test_architecture.py checks it).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.parser import Parser

from justexpert.annuaire.api import router as annuaire_router
from justexpert.candidatures.api import router as candidatures_router
from justexpert.coffre.api import router as coffre_router
from justexpert.comptes.api import AUTH
from justexpert.comptes.api import router as comptes_router
from justexpert.comptes.permissions import public
from justexpert.echanges.api import router as echanges_router
from justexpert.expertises.api import router as expertises_router
from justexpert.preuves.api import router as preuves_router
from justexpert.recherche.api import router as recherche_router

ERREUR = {
    "description": "Erreur",
    "content": {"application/json": {"schema": {"type": "object", "properties": {"detail": {}}, "required": ["detail"]}}},
}


class ParseurStrict(Parser):
    """A parameter declared with one value but sent several times is passed on as the list it is,
    so that validation refuses it (422). ninja's own parser silently kept the last value: an array
    or an object serialised into a query string (``?cour=a&cour=b``) was answered as if it were one
    valid value. Unknown parameters are still ignored (the models drop them)."""

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict:
        resultat: dict = {}
        for cle in data.keys():
            valeurs = data.getlist(cle)
            resultat[cle] = valeurs if cle in list_fields or len(valeurs) > 1 else valeurs[-1]
        return resultat


# pydantic's error types, said in French (anything else: "valeur refusée").
MESSAGES_VALIDATION = {
    "missing": "paramètre obligatoire absent",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "string_type": "texte attendu",
    "uuid_parsing": "identifiant UUID attendu",
    "uuid_type": "identifiant UUID attendu",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "greater_than": "valeur hors des bornes permises",
    "greater_than_equal": "valeur hors des bornes permises",
    "less_than": "valeur hors des bornes permises",
    "less_than_equal": "valeur hors des bornes permises",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "string_pattern_mismatch": "format non reconnu",
    "enum": "valeur non prévue",
    "literal_error": "valeur non prévue",
    "valeur_inconnue": "valeur non reconnue",
}


def erreur_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a French sentence naming each refused parameter, and the same as a list."""
    erreurs = []
    for erreur in exc.errors:
        loc = [str(x) for x in erreur.get("loc", ())]
        lieu = loc[0] if loc else ""
        nom = next((x for x in loc[1:] if not x.isdigit()), lieu)
        if lieu == "query" and len(request.GET.getlist(nom)) > 1:
            message = "une seule valeur attendue"
        else:
            message = MESSAGES_VALIDATION.get(str(erreur.get("type")), "valeur refusée")
        if {"parametre": nom, "lieu": lieu, "message": message} not in erreurs:
            erreurs.append({"parametre": nom, "lieu": lieu, "message": message})
    detail = "Paramètre invalide : " + " ; ".join(f"« {e['parametre']} » : {e['message']}" for e in erreurs) + "."
    return api.create_response(request, {"detail": detail, "erreurs": erreurs}, status=422)


class JustexpertAPI(NinjaAPI):
    """Documents the error answers every operation may give, so that the OpenAPI document is the
    whole contract (checked by schemathesis, tests/securite/test_api_schemathesis.py): 401 without
    valid authentication and 403 for a role refused (authenticated operations), 404 for an object
    that is missing or hidden (path parameters), 422 for parameters that fail validation."""

    def get_openapi_schema(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                reponses = operation.setdefault("responses", {})
                parametres = operation.get("parameters", [])
                codes = []
                if operation.get("security"):
                    codes += [401, 403]
                if any(p.get("in") == "path" for p in parametres):
                    codes.append(404)
                if parametres:
                    codes.append(422)
                for code in codes:
                    reponses.setdefault(code, ERREUR)
        return schema


api = JustexpertAPI(
    title="Justexpert API",
    version="1",
    description="API de la plateforme Justexpert. Authentification : session du navigateur ou jeton personnel "
    "(en-tête `Authorization: Bearer je_…`, créé depuis « Mon compte »). Paramètres : les paramètres inconnus sont "
    "ignorés ; un paramètre connu d'un mauvais type ou d'une mauvaise forme (par exemple répété alors qu'il "
    "n'attend qu'une valeur) est refusé par une réponse 422 dont `detail` nomme le paramètre en français.",
    auth=AUTH,
    parser=ParseurStrict(),
    urls_namespace="api",
    docs_decorator=public,
)
api.add_exception_handler(ValidationError, erreur_validation)
api.add_router("/comptes", comptes_router)
api.add_router("/preuves", preuves_router)
api.add_router("/coffre", coffre_router)
api.add_router("/annuaire", annuaire_router)
api.add_router("/candidatures", candidatures_router)
api.add_router("/echanges", echanges_router)
api.add_router("/expertises", expertises_router)
api.add_router("/experts", recherche_router)
