"""JSON API of recherche for justice staff: GET /api/v1/experts/recherche (same engine as the page)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError, ValidationError

from justexpert.comptes.models import ROLES_JUSTICE, Utilisateur

from . import moteur
from .forms import lire_page
from .views import criteres_depuis

router = Router(tags=["recherche"])


class Filtres(Schema):
    texte: str = ""
    nomenclature: str = ""
    cour: str | None = None
    liste: str = ""
    departement: str = ""
    langue: str = ""
    matiere: str = ""
    echange_securise: bool = False
    inclure_indisponibles: bool = False
    page: str = "1"


class SpecialiteOut(Schema):
    liste: str
    code: str
    libelle: str


class ExpertOut(Schema):
    uuid: str
    nom: str
    prenom: str
    departement: str
    cour_appel: str | None
    disponible: bool
    marque: str
    niveau_competence: int
    missions_en_cours: int
    derniere_designation: dt.date | None
    raisons: list[str]
    inscriptions: list[SpecialiteOut]


class ResultatsOut(Schema):
    total: int
    page: int
    pages: int
    messages: list[str]
    resultats: list[ExpertOut]


@router.get("/recherche", response=ResultatsOut, summary="Rechercher des experts (magistrats, greffiers, agents)")
def rechercher(request: HttpRequest, filtres: Query[Filtres]) -> dict:
    user = cast(Utilisateur, request.auth if isinstance(request.auth, Utilisateur) else request.user)  # type: ignore[attr-defined]
    if not user.is_authenticated or not user.a_role(*ROLES_JUSTICE):
        raise HttpError(403, "Réservé aux magistrats, greffiers et agents.")
    donnees = {k: v for k, v in filtres.dict().items() if v not in (None, False, "")}
    if filtres.cour is not None:
        donnees["cour"] = filtres.cour
    form, criteres, avertissements = criteres_depuis(donnees, user)
    invalides = [nom for nom in form.errors if nom in form.fields]
    if invalides:
        # The page ignores an invalid filter with a message; the API refuses it (422), as any
        # parameter of the wrong type or shape: a program must not get results for another search.
        raise ValidationError([{"type": "valeur_inconnue", "loc": ["query", nom]} for nom in invalides])
    criteres.page = lire_page(filtres.page)
    r = moteur.rechercher(criteres, user=user)
    return {
        "total": r.total,
        "page": r.page,
        "pages": r.pages,
        "messages": avertissements + r.messages,
        "resultats": [
            {
                "uuid": str(x.expert.uuid),
                "nom": x.expert.nom,
                "prenom": x.expert.prenom,
                "departement": x.expert.departement,
                "cour_appel": x.expert.cour_appel_code,
                "disponible": x.disponible,
                "marque": x.marque,
                "niveau_competence": x.niveau_competence,
                "missions_en_cours": x.expert.missions_en_cours,
                "derniere_designation": x.expert.derniere_designation,
                "raisons": x.raisons,
                "inscriptions": [{"liste": i.liste, "code": i.code, "libelle": i.libelle} for i in x.expert.inscriptions_actives],
            }
            for x in r.resultats
        ],
    }
