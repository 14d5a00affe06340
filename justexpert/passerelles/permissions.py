"""Who may import (default deny): the instructors of a cour d'appel's candidatures — the same rule
as candidatures.permissions.cours_instruites — for that court only. Everyone else gets 404 on a
court's import pages, exactly as for a court that does not exist."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404

from justexpert.candidatures.permissions import cours_instruites
from justexpert.comptes.models import Organisation, TypeOrganisation, Utilisateur

from .models import ImportDS


def cours_importables(user: Utilisateur) -> list[Organisation]:
    ids = cours_instruites(user)
    return list(Organisation.objects.filter(pk__in=ids, type=TypeOrganisation.COUR_APPEL).order_by("nom"))


def cour_pour(user: Utilisateur, code: str) -> Organisation:
    for cour in cours_importables(user):
        if cour.code == code:
            return cour
    raise Http404


def import_pour(user: Utilisateur, code: str, uuid: UUID | str) -> ImportDS:
    cour = cour_pour(user, code)
    imp = ImportDS.objects.select_related("cour", "lance_par").filter(cour=cour, uuid=uuid).first()
    if imp is None:
        raise Http404
    return imp
