"""Answers of the deposit views to the page's upload script (static coffre/envoi.js).

The script sends the whole form with ``X-Envoi: 1`` and shows progress; the view then answers JSON
instead of a page: ``{"url": ...}`` to go to after a success (the flash message waits there), or
``{"erreurs": {"champ": ["message", ...], "__all__": [...]}}`` with the refusal's status, shown next
to the fields without reloading, so what was chosen (the file, its type) stays. Without JavaScript
the same views answer pages, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

GENERAL = "__all__"


def par_script(request: HttpRequest) -> bool:
    return request.headers.get("X-Envoi") == "1"


def reussite(request: HttpRequest, url: str) -> HttpResponse:
    return JsonResponse({"url": url}) if par_script(request) else redirect(url)


def echec(erreurs: Mapping[str, Sequence[str]], statut: int) -> JsonResponse:
    return JsonResponse({"erreurs": {cle: list(valeurs) for cle, valeurs in erreurs.items()}}, status=statut)


def erreurs_de(form: forms.BaseForm) -> dict[str, list[str]]:
    """The form's errors by field name as posted (with its prefix), general ones under ``__all__``."""
    return {
        (GENERAL if nom == NON_FIELD_ERRORS else form.add_prefix(nom)): [str(message) for message in liste]
        for nom, liste in form.errors.items()
    }
