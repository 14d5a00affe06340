"""Answers that must not touch the database (it may be the thing that failed)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template import loader


def service_indisponible(message: str) -> HttpResponse:
    """503 page rendered without the request's context processors (they would query the database)."""
    corps = loader.render_to_string("503.html", {"titre": "Service momentanément indisponible", "message": message})
    return HttpResponse(corps, status=503, headers={"Retry-After": "60"})
