"""HTTP security headers for every response.

Protects against: script injection (a Content-Security-Policy without inline scripts: each page's
own script tags carry a per-request nonce), framing (frame-ancestors 'none'), leaking one-time
links through the Referer header (pages that set ``response["Referrer-Policy"]`` keep theirs) and
cross-origin window access, and pages seen while logged in being kept by a browser or a proxy
(``Cache-Control: no-store``). Does not protect against a compromised static file on our own origin.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlencode

from django.db import Error as ErreurBase
from django.http import HttpRequest, HttpResponse, JsonResponse

CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    # The DSFR sets a few style attributes from its own scripts.
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'; "
    "base-uri 'none'; "
    "object-src 'none'"
)


class EnTetesSecuriteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=nonce))
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if _connecte(request):
            # What a logged-in person sees (court orders, medical files) is not kept by the
            # browser or a proxy: the back button on a shared computer after logout shows nothing.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _connecte(request: HttpRequest) -> bool:
    utilisateur = getattr(request, "user", None)  # absent for static files (served before auth)
    if utilisateur is None:
        return False
    try:
        return bool(utilisateur.is_authenticated)
    except ErreurBase:
        # The session or the user could not be read (the database is unreachable: this response
        # is already the 503 page). Whoever it is, nothing of this answer is to be kept.
        return True


class CaractereNulMiddleware:
    """A NUL character in the query string (``%00``) is never legitimate input, and PostgreSQL
    refuses it in any text comparison (the query then failed with a 500). The JSON API answers 422
    with a French message, as for any invalid parameter; pages get the parameters without it
    (their forms validate what is left)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        requete = request.META.get("QUERY_STRING", "")
        if "%00" in requete or "\x00" in requete:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Un paramètre contient un caractère nul (%00), refusé."}, status=422)
            paires = [(cle.replace("\x00", ""), v.replace("\x00", "")) for cle, valeurs in request.GET.lists() for v in valeurs]
            request.META["QUERY_STRING"] = urlencode(paires)
            request.__dict__.pop("GET", None)  # read again from the query string
        return self.get_response(request)


def verifier_csrf(request: HttpRequest) -> HttpResponse | None:
    """Django's CSRF check run by hand, for views marked csrf_exempt because they must install
    their own upload handlers before the body is read; a response means refused."""
    from django.middleware.csrf import CsrfViewMiddleware

    return CsrfViewMiddleware(_vue_factice).process_view(request, _vue_factice, (), {})  # type: ignore[return-value]


def _vue_factice(request: HttpRequest) -> HttpResponse:
    return HttpResponse()
