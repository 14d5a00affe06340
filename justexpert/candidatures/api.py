"""JSON API of candidatures (/api/v1/candidatures): the files a user may see, scoped as the pages."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from . import permissions
from .models import Candidature

router = Router(tags=["candidatures"])


class CandidatureOut(Schema):
    uuid: str
    type: str
    etat: str
    etat_libelle: str
    liste: str | None
    specialite: str | None
    annee_liste: int
    depose_le: dt.datetime | None
    decide_le: dt.datetime | None
    pieces_manquantes: list[str]


def _sortie(c: Candidature) -> CandidatureOut:
    return CandidatureOut(
        uuid=str(c.uuid),
        type=c.type,
        etat=c.etat,
        etat_libelle=c.get_etat_display(),
        liste=c.liste.code if c.liste else None,
        specialite=c.specialite.code if c.specialite else None,
        annee_liste=c.annee_liste,
        depose_le=c.depose_le,
        decide_le=c.decide_le,
        pieces_manquantes=c.pieces_manquantes(),
    )


@router.get("/", response=list[CandidatureOut])
def lister(request: HttpRequest) -> list[CandidatureOut]:
    qs = permissions.visibles_par(request.auth).select_related("liste", "specialite")[:500]  # type: ignore[attr-defined]
    return [_sortie(c) for c in qs]


@router.get("/{uuid}", response=CandidatureOut)
def detail(request: HttpRequest, uuid: UUID) -> CandidatureOut:
    return _sortie(permissions.candidature_pour(request.auth, uuid))  # type: ignore[attr-defined]
