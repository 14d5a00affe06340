"""The one JSON API: /api/v1/, one OpenAPI document, authenticated by session or personal token.

Every router is mounted here; an operation without auth must be listed in PUBLIC_API
(tests/test_architecture.py checks it).
"""

from __future__ import annotations

from ninja import NinjaAPI

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
    "(en-tête `Authorization: Bearer je_…`).",
    auth=AUTH,
    urls_namespace="api",
    docs_decorator=public,
)
api.add_router("/comptes", comptes_router)
api.add_router("/preuves", preuves_router)
api.add_router("/coffre", coffre_router)
api.add_router("/annuaire", annuaire_router)
api.add_router("/candidatures", candidatures_router)
api.add_router("/echanges", echanges_router)
api.add_router("/expertises", expertises_router)
api.add_router("/experts", recherche_router)
