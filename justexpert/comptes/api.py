"""JSON API of comptes, gathered under /api/v1/ (see justexpert/api.py)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer, SessionAuth

from . import services

router = Router(tags=["comptes"])


class JetonAuth(HttpBearer):
    """`Authorization: Bearer je_…` personal access token."""

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        user = services.utilisateur_du_jeton(token)
        if user is not None:
            request.user = user
        return user


class SessionForteAuth(SessionAuth):
    """Browser session (CSRF-protected by ninja for unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None):  # type: ignore[no-untyped-def]
        return super().authenticate(request, key)


AUTH = [JetonAuth(), SessionForteAuth(csrf=True)]


class AppartenanceOut(Schema):
    role: str
    organisation: str | None
    habilitations: list[str]


class MoiOut(Schema):
    uuid: str
    email: str
    prenom: str
    nom: str
    roles: list[AppartenanceOut]


@router.get("/moi", response=MoiOut, summary="Le compte connecté et ses rôles")
def moi(request: HttpRequest) -> dict:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "uuid": str(user.uuid),
        "email": user.email,
        "prenom": user.prenom,
        "nom": user.nom,
        "roles": [
            {
                "role": a.role,
                "organisation": a.organisation.code if a.organisation else None,
                "habilitations": sorted(a.codes_habilitation),
            }
            for a in user._appartenances()
        ],
    }
