"""The view decorator that applies a rule of settings.LIMITES, and the French 429 answers."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .services import depassement

V = TypeVar("V", bound=Callable[..., HttpResponse])
Cible = Callable[[HttpRequest], str | None]


def _delai(secondes: int) -> str:
    if secondes < 60:
        return f"{secondes} seconde{'s' if secondes > 1 else ''}"
    minutes = math.ceil(secondes / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def reponse_429(request: HttpRequest, secondes: int) -> HttpResponse:
    """The French page "Trop de demandes", with Retry-After."""
    reponse = render(
        request,
        "429.html",
        {"titre": "Trop de demandes", "delai": _delai(secondes)},
        status=429,
    )
    reponse["Retry-After"] = str(secondes)
    return reponse


def reponse_429_texte(request: HttpRequest, secondes: int) -> HttpResponse:
    """For machine clients (the timestamp authority): plain French text, with Retry-After."""
    reponse = HttpResponse(
        f"Trop de demandes : réessayez dans {_delai(secondes)}.\n", status=429, content_type="text/plain; charset=utf-8"
    )
    reponse["Retry-After"] = str(secondes)
    return reponse


def champ(nom: str) -> Cible:
    """The target read from a posted field (e.g. the e-mail address typed in the form)."""
    return lambda request: request.POST.get(nom)


def limiter(
    regle: str,
    *,
    cible: Cible | None = None,
    methodes: tuple[str, ...] = ("POST",),
    reponse: Callable[[HttpRequest, int], HttpResponse] = reponse_429,
) -> Callable[[V], V]:
    """Count the view's ``methodes`` requests under ``regle`` (per client address, and per target
    when ``cible`` gives one) before the view runs; past a limit, answer 429 without running it."""

    def decorateur(vue: V) -> V:
        @wraps(vue)
        def limitee(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methodes:
                attente = depassement(regle, request, cible(request) if cible else None)
                if attente is not None:
                    return reponse(request, attente)
            return vue(request, *args, **kwargs)

        return limitee  # type: ignore[return-value]

    return decorateur
