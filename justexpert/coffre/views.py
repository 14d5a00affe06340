"""Coffre's own pages: upload one's documents and download them again ("mes dépôts").

They serve the HTTP plumbing, its tests and the benchmark; domain modules build their own pages
on ``televersement.recevoir_depot`` / ``reponse_telechargement``.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import conf, services
from .models import Document
from .permissions import connecte, document_pour, proprietaire
from .services import RefusDepot, taille_lisible
from .televersement import RefusCsrf, recevoir_depot, reponse_telechargement


def _veut_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.content_type == "application/octet-stream"


@connecte
@require_GET
def mes_documents(request: HttpRequest) -> HttpResponse:
    documents = Document.objects.de(proprietaire(request)).order_by("-cree_le")[:200]
    return render(
        request,
        "coffre/mes_documents.html",
        {
            "titre": "Mes dépôts",
            "documents": documents,
            "taille_max": taille_lisible(conf.taille_max()),
            "octets_max": conf.taille_max(),
        },
    )


@connecte
@csrf_exempt  # the CSRF check runs inside recevoir_depot, after our upload handler is in place
@require_http_methods(["POST"])
def deposer(request: HttpRequest) -> HttpResponse:
    client_id = request.headers.get("X-Identifiant-Envoi", "")
    try:
        depot = recevoir_depot(request)
        client_id = client_id or request.POST.get("identifiant_envoi", "")
        document = services.enregistrer(depot, proprietaire=proprietaire(request), client_id=client_id)
    except RefusCsrf as refus:
        return refus.reponse
    except RefusDepot as refus:
        if _veut_json(request):
            return JsonResponse({"erreur": refus.message}, status=refus.statut)
        messages.error(request, refus.message)
        return render(
            request,
            "coffre/mes_documents.html",
            {
                "titre": "Mes dépôts",
                "documents": Document.objects.de(proprietaire(request)).order_by("-cree_le")[:200],
                "taille_max": taille_lisible(conf.taille_max()),
                "octets_max": conf.taille_max(),
            },
            status=refus.statut,
        )
    if _veut_json(request):
        return JsonResponse(
            {"uuid": str(document.uuid), "nom": document.nom, "taille": document.taille, "sha256": document.sha256}, status=201
        )
    messages.success(request, f"« {document.nom} » a été enregistré.")
    return redirect("coffre:mes_documents")


@connecte
@require_GET
def telecharger(request: HttpRequest, reference: uuid.UUID) -> HttpResponseBase:
    return reponse_telechargement(document_pour(request, reference), request)
