"""Who may see which document through coffre's own pages.

Coffre's own pages ("mes dépôts") let a logged-in user upload and download their own documents
only; a document of someone else answers 404, as a missing one (ARCHITECTURE.md, default deny).
Domain modules (expertises, echanges, candidatures) own the documents they deposit and check
access with their own rules before calling ``televersement.reponse_telechargement``.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from .models import Document

ACCES = "justexpert_acces"


def connecte(view):  # noqa: ANN001, ANN201
    """Marks a view as reachable by any logged-in user (LoginRequiredMiddleware enforces the login;
    tests/test_architecture.py reads the mark). Same meaning as comptes.permissions.connecte, which
    coffre may not import."""
    setattr(view, ACCES, "connecte")
    return view


def proprietaire(request: HttpRequest) -> str:
    """Opaque owner reference of the logged-in user for coffre's own pages."""
    return f"utilisateur:{request.user.uuid}"  # type: ignore[union-attr]


def document_pour(request: HttpRequest, reference: uuid.UUID) -> Document:
    try:
        return Document.objects.de(proprietaire(request)).get(uuid=reference)
    except Document.DoesNotExist:
        raise Http404 from None
