"""The client's network address, for the security log and for throttling.

Protects against: a client choosing the address it is counted under. ``X-Forwarded-For`` is
believed only when the request comes from one of settings.PROXIES_DE_CONFIANCE, and then only its
last entry (the one that proxy appended); anything else a client sends in that header is ignored.
Does not protect against: many clients behind one address (they share its counters), nor one
client using many addresses (the per-target counters catch that for a given account).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def adresse_client(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    if remote and remote in settings.PROXIES_DE_CONFIANCE:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or remote
    return remote
