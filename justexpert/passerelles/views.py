"""Pages of the import from Démarches Simplifiées, for the instructors of a cour d'appel."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from justexpert.comptes.models import Role, Utilisateur
from justexpert.comptes.permissions import roles
from justexpert.comptes.services import RefusService

from . import permissions, services
from .models import ImportDS

STAFF = (Role.MAGISTRAT, Role.GREFFIER, Role.AGENT)
RAFRAICHISSEMENT_SECONDES = 3


def _user(request: HttpRequest) -> Utilisateur:
    return cast(Utilisateur, request.user)


@roles(*STAFF)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    cours = permissions.cours_importables(_user(request))
    lignes = [{"cour": c, "demarches": services.demarches_de(c)} for c in cours]
    return render(request, "passerelles/index.html", {"titre": "Imports depuis Démarches Simplifiées", "lignes": lignes})


@roles(*STAFF)
@require_GET
def cour(request: HttpRequest, code: str) -> HttpResponse:
    c = permissions.cour_pour(_user(request), code)
    demarches = services.demarches_de(c)
    en_cours = set(ImportDS.objects.filter(cour=c, etat__in=["en_attente", "en_cours"]).values_list("demarche", flat=True))
    probleme = services.probleme_configuration(c) if demarches else ""
    procedures = [
        {
            "type": t,
            "libelle": libelle,
            "numero": demarches.get(t),
            "raison": (
                "aucune démarche configurée"
                if t not in demarches
                else probleme
                and "configuration à corriger (ci-dessus)"
                or ("un import est en cours" if demarches[t] in en_cours else "")
            ),
        }
        for t, libelle in services.TYPES.items()
    ]
    return render(
        request,
        "passerelles/cour.html",
        {
            "titre": f"Imports depuis Démarches Simplifiées — {c}",
            "cour": c,
            "procedures": procedures,
            "probleme": probleme,
            "imports": ImportDS.objects.filter(cour=c).select_related("lance_par")[:20],
        },
    )


@roles(*STAFF)
@require_POST
def lancer(request: HttpRequest, code: str) -> HttpResponse:
    c = permissions.cour_pour(_user(request), code)
    try:
        imp = services.lancer(acteur=_user(request), cour=c, type_candidature=request.POST.get("type", ""))
    except RefusService as exc:
        messages.error(request, str(exc))
        return redirect("passerelles:cour", code=c.code)
    return redirect("passerelles:import", code=c.code, uuid=imp.uuid)


@roles(*STAFF)
@require_GET
def import_ds(request: HttpRequest, code: str, uuid: UUID) -> HttpResponse:
    imp = permissions.import_pour(_user(request), code, uuid)
    return render(
        request,
        "passerelles/import.html",
        {
            "titre": f"Import de la démarche n° {imp.demarche}",
            "imp": imp,
            "type_libelle": services.TYPES.get(imp.type_candidature, imp.type_candidature),
            "rafraichir": RAFRAICHISSEMENT_SECONDES if imp.en_cours else 0,
            "dossiers": imp.dossiers.select_related("candidature").order_by("numero")[:1000],
        },
    )
