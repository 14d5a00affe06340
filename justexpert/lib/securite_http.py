"""HTTP security headers for every response.

Protects against: script injection (a Content-Security-Policy without inline scripts: each page's
own script tags carry a per-request nonce), framing (frame-ancestors 'none'), leaking one-time
links through the Referer header (pages that set ``response["Referrer-Policy"]`` keep theirs) and
cross-origin window access. Does not protect against a compromised static file on our own origin.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
        return response
