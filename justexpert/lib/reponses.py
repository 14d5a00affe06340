"""Answers that must not touch the database (it may be the thing that failed).

``base_injoignable(exc)`` says whether an exception means the database cannot be reached (the
server is down, the connection broke, SQLite cannot open or lock its file): such a request gets the
French 503 page (or a JSON 503 for the API), never the generic 500, wherever it failed — in a view,
in a form built by the view, or in a middleware that loads the session or the user before any view
runs. The project's ``handler500`` is the one place every uncaught exception passes, so it is where
this is decided (``portail.views.erreur_500``).
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

MESSAGE_INDISPONIBLE = "Le service est momentanément indisponible. Réessayez dans quelques instants."
RETRY_AFTER = "60"


def base_injoignable(exc: BaseException | None) -> bool:
    """True for the driver errors of an unreachable database (not for a bug such as an integrity
    error, which stays a 500)."""
    return isinstance(exc, OperationalError | InterfaceError)


def service_indisponible(message: str, *, ecriture: bool = True) -> HttpResponse:
    """503 page rendered without the request's context processors (they would query the database).
    ``ecriture``: the request tried to record something (the page then says nothing was recorded)."""
    corps = loader.render_to_string(
        "503.html", {"titre": "Service momentanément indisponible", "message": message, "ecriture": ecriture}
    )
    return HttpResponse(corps, status=503, headers={"Retry-After": RETRY_AFTER})


def json_indisponible(contenu: dict[str, str]) -> JsonResponse:
    reponse = JsonResponse(contenu, status=503, json_dumps_params={"ensure_ascii": False})
    reponse["Retry-After"] = RETRY_AFTER
    reponse["Cache-Control"] = "no-store"
    return reponse


def reponse_base_injoignable(request: HttpRequest) -> HttpResponse:
    """The 503 for a request that failed because the database is unreachable."""
    if request.path.startswith("/api/"):
        return json_indisponible({"detail": MESSAGE_INDISPONIBLE})
    return service_indisponible(MESSAGE_INDISPONIBLE, ecriture=request.method not in ("GET", "HEAD"))
