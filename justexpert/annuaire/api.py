"""JSON API of the annuaire for justice staff: fiche search and fiche detail (/api/v1/annuaire)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from justexpert.comptes.models import Organisation

from . import permissions
from .models import Expert, StatutInscription

router = Router(tags=["annuaire"])


class InscriptionOut(Schema):
    uuid: str
    liste: str
    specialite: str
    specialite_libelle: str
    statut: str
    debut: dt.date
    fin: dt.date | None
    inscrit_depuis: dt.date


class FicheResume(Schema):
    uuid: str
    nom: str
    prenom: str
    cour_appel: str | None
    inscriptions: list[InscriptionOut]


class FicheOut(FicheResume):
    profession: str
    langues: str
    compagnie: str
    adresse_pro: str
    code_postal_pro: str
    ville_pro: str
    email: str
    telephone_fixe: str
    telephone_mobile: str
    matiere_civile: bool
    matiere_penale: bool
    echange_securise: bool
    specialites_fines: str
    zone_intervention: str
    missions_en_cours: int
    derniere_designation: dt.date | None
    designable: bool


class Filtres(Schema):
    q: str = ""
    specialite: str = ""
    cour: str = ""
    statut: str = ""


def _inscriptions(expert: Expert) -> list[dict]:
    return [
        {
            "uuid": str(i.uuid),
            "liste": i.liste.code,
            "specialite": i.specialite.code,
            "specialite_libelle": i.specialite.libelle,
            "statut": i.statut,
            "debut": i.debut,
            "fin": i.fin,
            "inscrit_depuis": i.inscrit_depuis,
        }
        for i in expert.inscriptions.all()
    ]


def _resume(expert: Expert) -> dict:
    return {
        "uuid": str(expert.uuid),
        "nom": expert.nom,
        "prenom": expert.prenom,
        "cour_appel": expert.cour_appel.code if expert.cour_appel else None,
        "inscriptions": _inscriptions(expert),
    }


def _personnel(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.auth  # type: ignore[attr-defined]
    if not permissions.est_personnel_justice(user):
        raise HttpError(403, "Réservé aux magistrats, greffiers et agents.")
    return user


@router.get("/fiches", response=list[FicheResume], summary="Rechercher des fiches d'experts (personnel de justice)")
def rechercher_fiches(request: HttpRequest, filtres: Query[Filtres]) -> list[dict]:
    from .views import rechercher

    user = _personnel(request)
    cour = None
    if filtres.cour:
        cour = Organisation.objects.filter(code=filtres.cour.upper()).first()
        if cour is None:
            raise HttpError(422, "Liste inconnue.")
    if filtres.statut and filtres.statut not in StatutInscription.values:
        raise HttpError(422, "Statut inconnu.")
    qs = rechercher(permissions.visibles_par(user), q=filtres.q, specialite=filtres.specialite, cour=cour, statut=filtres.statut)
    return [_resume(e) for e in qs[:200]]


@router.get("/fiches/{uuid}", response=FicheOut, summary="Une fiche d'expert (personnel de justice)")
def detail_fiche(request: HttpRequest, uuid: UUID) -> dict:  # typed: a malformed UUID is a 422, not a 500
    user = _personnel(request)
    expert = get_object_or_404(permissions.visibles_par(user).select_related("cour_appel"), uuid=uuid)
    designable = Expert.objects.designables().filter(pk=expert.pk).exists()
    return {
        **_resume(expert),
        **{
            c: getattr(expert, c)
            for c in (
                "profession",
                "langues",
                "compagnie",
                "adresse_pro",
                "code_postal_pro",
                "ville_pro",
                "email",
                "telephone_fixe",
                "telephone_mobile",
                "matiere_civile",
                "matiere_penale",
                "echange_securise",
                "specialites_fines",
                "zone_intervention",
                "missions_en_cours",
                "derniere_designation",
            )
        },
        "designable": designable,
    }
