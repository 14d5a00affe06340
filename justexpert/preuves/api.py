"""JSON API of preuves, mounted under /api/v1/preuves/ by justexpert/api.py.

Every operation here is public (auth=None) and reveals hashes only: checkpoints (signed tree
heads with their timestamp tokens), inclusion proofs by leaf hash, consistency proofs. Whoever
knows a leaf hash already holds the receipt; events themselves are served by owning modules.
"""

from __future__ import annotations

import binascii

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from . import conf, services
from .models import PointDeControle
from .verificateur import cle_verification, empreinte_cle

router = Router(tags=["preuves"])

LIMITE_MAX = 1000
# Tree sizes are BigIntegerField: a larger number is refused (422) before it reaches the database
# (it overflowed there: 500).
TAILLE_MAX = 2**63 - 1


class HorodatageOut(Schema):
    statut: str
    libelle: str
    jeton: str | None = None
    nonce: int | None = None
    date: str | None = None
    autorite: str | None = None
    qualifie: bool | None = None
    certificats: list[str] | None = None


class PointOut(Schema):
    taille: int
    racine: str
    note: str
    horodatage: HorodatageOut


class PointsOut(Schema):
    items: list[PointOut]
    suivant: int | None


class CleOut(Schema):
    nom_cle: str
    cle_publique: str
    empreinte_cle: str
    cle_verification: str
    autorite_horodatage: str
    autorite_qualifiee: bool


class InclusionOut(Schema):
    index: int
    taille: int
    racine: str
    preuve: list[str]


class CoherenceOut(Schema):
    premiere: int
    seconde: int
    racine_premiere: str
    racine_seconde: str
    preuve: list[str]


class Erreur(Schema):
    detail: str


def _point(point: PointDeControle) -> dict:
    return {
        "taille": point.taille,
        "racine": services.b64(point.racine),
        "note": point.note,
        "horodatage": services.description_horodatage(point),
    }


@router.get("/cle", response=CleOut, auth=None, summary="Clé publique du journal et autorité d'horodatage")
def cle(request: HttpRequest) -> dict:
    publique = conf.cle_publique_journal()
    nom = services.origine_journal()
    return {
        "nom_cle": nom,
        "cle_publique": services.b64(publique),
        "empreinte_cle": empreinte_cle(publique),
        "cle_verification": cle_verification(nom, publique),
        "autorite_horodatage": conf.tsa_nom(),
        "autorite_qualifiee": conf.tsa_qualifiee(),
    }


@router.get("/checkpoints", response=PointsOut, auth=None, summary="Tous les points de contrôle, par taille croissante")
def points(
    request: HttpRequest,
    depuis: int = Query(0, ge=0, le=TAILLE_MAX),  # noqa: B008 (ninja idiom)
    limite: int = Query(100, ge=1, le=LIMITE_MAX),  # noqa: B008
) -> dict:
    lot = list(PointDeControle.objects.filter(taille__gte=depuis).order_by("taille")[: limite + 1])
    suivant = lot[limite].taille if len(lot) > limite else None
    return {"items": [_point(p) for p in lot[:limite]], "suivant": suivant}


@router.get("/checkpoints/latest", response={200: PointOut, 404: Erreur}, auth=None, summary="Le dernier point de contrôle")
def dernier_point(request: HttpRequest) -> dict:
    point = PointDeControle.objects.order_by("-taille").first()
    if point is None:
        raise HttpError(404, "Aucun point de contrôle pour l'instant.")
    return _point(point)


@router.get(
    "/checkpoints/{taille}", response={200: PointOut, 404: Erreur}, auth=None, summary="Le point de contrôle d'une taille donnée"
)
def point(request: HttpRequest, taille: int = Path(..., ge=0, le=TAILLE_MAX)) -> dict:  # noqa: B008
    point = PointDeControle.objects.filter(taille=taille).first()
    if point is None:
        raise HttpError(404, "Pas de point de contrôle à cette taille.")
    return _point(point)


@router.get(
    "/inclusion",
    response={200: InclusionOut, 400: Erreur, 404: Erreur},
    auth=None,
    summary="Preuve d'inclusion d'une feuille, par son empreinte",
)
def inclusion(
    request: HttpRequest,
    hash_feuille: str,
    taille: int | None = Query(None, ge=0, le=TAILLE_MAX),  # noqa: B008
) -> dict:
    try:
        h = binascii.unhexlify(hash_feuille)
    except (binascii.Error, ValueError):
        raise HttpError(400, "hash_feuille : 64 caractères hexadécimaux attendus.") from None
    if len(h) != 32:
        raise HttpError(400, "hash_feuille : 64 caractères hexadécimaux attendus.")
    resultat = services.inclusion_par_hash(h, taille)
    if resultat is None:
        raise HttpError(404, "Feuille inconnue, ou pas encore couverte par ce point de contrôle.")
    return {
        "index": resultat.index,
        "taille": resultat.taille,
        "racine": services.b64(PointDeControle.objects.get(taille=resultat.taille).racine),
        "preuve": [services.b64(p) for p in resultat.preuve],
    }


@router.get(
    "/consistency",
    response={200: CoherenceOut, 400: Erreur, 404: Erreur},
    auth=None,
    summary="Preuve de cohérence entre deux points de contrôle",
)
def coherence(
    request: HttpRequest,
    premiere: int = Query(..., ge=0, le=TAILLE_MAX),  # noqa: B008
    seconde: int = Query(..., ge=0, le=TAILLE_MAX),  # noqa: B008
) -> dict:
    points = {p.taille: p for p in PointDeControle.objects.filter(taille__in=[premiere, seconde])}
    if premiere not in points or seconde not in points:
        raise HttpError(404, "Les deux tailles doivent être celles de points de contrôle publiés.")
    if not 0 < premiere <= seconde:
        raise HttpError(400, "Il faut 0 < premiere ≤ seconde.")
    return {
        "premiere": premiere,
        "seconde": seconde,
        "racine_premiere": services.b64(points[premiere].racine),
        "racine_seconde": services.b64(points[seconde].racine),
        "preuve": [services.b64(p) for p in services.preuve_coherence(premiere, seconde)],
    }
