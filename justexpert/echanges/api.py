"""JSON API of echanges (/api/v1/echanges): my folders, one folder with its files.

Same visibility as the pages: a hidden folder is 404; invited persons need their second factor.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from justexpert.comptes.models import Utilisateur

from . import permissions
from .models import Fichier

router = Router(tags=["echanges"])


class EchangeResume(Schema):
    uuid: str
    titre: str
    juridiction: str
    matiere: str
    reference_procedure: str
    cree_le: dt.datetime
    fichiers_disponibles: int


class FichierOut(Schema):
    uuid: str
    nom: str
    taille: int
    sha256: str
    depose_par: str
    depose_le: dt.datetime
    disponible_jusqu_au: dt.datetime
    disponible: bool
    fin: dt.datetime | None
    telechargement: str | None
    accuse_depot: str


class EchangeOut(EchangeResume):
    participants: list[str]
    fichiers: list[FichierOut]


def _user(request: HttpRequest) -> Utilisateur:
    user = cast(Utilisateur, request.user)
    if permissions.second_facteur_manquant(user):
        raise HttpError(403, "Activez la double authentification pour accéder à vos échanges.")
    return user


def _resume(e, nombre: int) -> dict:  # type: ignore[no-untyped-def]
    return {
        "uuid": str(e.uuid),
        "titre": e.titre,
        "juridiction": str(e.juridiction),
        "matiere": e.matiere,
        "reference_procedure": e.reference_procedure,
        "cree_le": e.cree_le,
        "fichiers_disponibles": nombre,
    }


def _disponibles(maintenant: dt.datetime) -> Q:
    return Q(fichiers__expire_le__isnull=True, fichiers__supprime_le__isnull=True, fichiers__disponible_jusqu_au__gt=maintenant)


@router.get("/", response=list[EchangeResume])
def mes_echanges(request: HttpRequest) -> list[dict]:
    qs = (
        permissions.echanges_visibles(_user(request))
        .select_related("juridiction")
        .annotate(nb=Count("fichiers", filter=_disponibles(timezone.now())))
    )
    return [_resume(e, e.nb) for e in qs]


@router.get("/{reference}", response=EchangeOut)
def echange(request: HttpRequest, reference: uuid.UUID) -> dict:
    user = _user(request)
    e = permissions.echange_pour(user, reference)
    maintenant = timezone.now()
    fichiers = Fichier.objects.filter(echange=e).select_related("depose_par", "evenement_depot")
    sortie = []
    for f in fichiers:
        disponible = f.est_disponible(maintenant)
        sortie.append(
            {
                "uuid": str(f.uuid),
                "nom": f.nom,
                "taille": f.taille,
                "sha256": f.sha256,
                "depose_par": str(f.depose_par),
                "depose_le": f.depose_le,
                "disponible_jusqu_au": f.disponible_jusqu_au,
                "disponible": disponible,
                "fin": f.expire_le or f.supprime_le,
                "telechargement": reverse("echanges:telecharger", args=[f.uuid]) if disponible else None,
                "accuse_depot": reverse("echanges:accuse", args=[f.evenement_depot.uuid]),
            }
        )
    return {
        **_resume(e, sum(1 for s in sortie if s["disponible"])),
        "participants": [str(p.utilisateur) for p in e.participants.filter(retire_le__isnull=True).select_related("utilisateur")],
        "fichiers": sortie,
    }
