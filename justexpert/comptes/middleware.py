"""Mandatory second factor: when MFA_OBLIGATOIRE is on, a user whose roles require it and whose
session is not strong (TOTP, or a certificate login) can only reach the enrolment and logout pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .services import session_forte

AUTORISES = ("comptes:second_facteur_activer", "comptes:deconnexion")


class SecondFacteurMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.MFA_OBLIGATOIRE
            and user.is_authenticated
            and user.mfa_requise  # type: ignore[union-attr]
            and not session_forte(request)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            autorises = {reverse(nom) for nom in AUTORISES}
            if request.path not in autorises:
                if request.path.startswith("/api/"):
                    return HttpResponse(status=403)
                return redirect("comptes:second_facteur_activer")
        return self.get_response(request)
