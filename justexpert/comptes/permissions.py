"""Who may reach which view.

Every view declares its access with exactly one of these decorators; tests/test_architecture.py
walks every URL pattern and fails when a view declares none, or when a public view is not in the
short public list. Object-level checks (this case, this folder) live in each module's
permissions.py and answer 404 for what the user may not know exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role

V = TypeVar("V", bound=Callable[..., HttpResponse])

ATTRIBUT = "justexpert_acces"


def public(view: V) -> V:
    """Reachable without login (the list is short and checked by a test)."""
    view = login_not_required(view)
    setattr(view, ATTRIBUT, "public")
    return view


def connecte(view: V) -> V:
    """Any logged-in user; the view scopes what it shows to that user."""
    setattr(view, ATTRIBUT, "connecte")
    return view


def roles(*noms: str) -> Callable[[V], V]:
    """Logged-in users holding one of these roles; others get 403 (the page exists, not for them)."""
    inconnus = set(noms) - set(Role.values)
    if inconnus:
        raise ValueError(f"unknown roles: {inconnus}")

    def decorateur(view: V) -> V:
        @wraps(view)
        def verifie(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated or not request.user.a_role(*noms):  # type: ignore[union-attr]
                refuser(request, "role", roles=sorted(noms))
            return view(request, *args, **kwargs)

        setattr(verifie, ATTRIBUT, ("roles", tuple(sorted(noms))))
        return verifie  # type: ignore[return-value]

    return decorateur


administrateur = roles(Role.ADMINISTRATEUR)


def refuser(request: HttpRequest, motif: str, **details: Any) -> None:
    """Log the refusal in the security log and raise 403."""
    from .services import journaliser

    user = request.user if request.user.is_authenticated else None
    journaliser("refus_permission", request=request, utilisateur=user, details={"motif": motif, **details})  # type: ignore[arg-type]
    raise PermissionDenied
