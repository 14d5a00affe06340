"""Views of preuves: one public page, "Vérifier un accusé". Kept minimal (it is public).

preuves cannot import comptes, so the public marker is set here the same way as
justexpert.comptes.permissions.public does (login_not_required + justexpert_acces = "public").
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import services
from .forms import VerificationForm


def public(view):  # type: ignore[no-untyped-def]
    view = login_not_required(view)
    view.justexpert_acces = "public"
    return view


@public
def verifier(request: HttpRequest) -> HttpResponse:
    form = VerificationForm(request.POST, request.FILES) if request.method == "POST" else VerificationForm()
    rapport = None
    if request.method == "POST" and form.is_valid():
        document_sha256 = None
        if form.cleaned_data.get("document"):
            h = hashlib.sha256()
            for bloc in form.cleaned_data["document"].chunks():
                h.update(bloc)
            document_sha256 = h.hexdigest()
        rapport = services.verifier_accuse_ici(form.cleaned_data["accuse"], document_sha256)
    return render(request, "preuves/verifier.html", {"form": form, "rapport": rapport, "titre": "Vérifier un accusé"})
