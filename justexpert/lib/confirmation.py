"""A confirmation step before an irreversible action, without JavaScript.

The page that offers the action posts it as usual; the view asks ``confirmation(request, ...)``
before acting. Without the confirmation field, it answers a DSFR page that states the consequence
in words and posts the same fields again with the confirmation, or goes back. Works for any POST
without files (the actions it guards carry a reason or a date at most).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CHAMP = "confirme"


def confirmee(request: HttpRequest) -> bool:
    return request.POST.get(CHAMP) == "oui"


def confirmation(request: HttpRequest, *, titre: str, consequence: str, bouton: str, retour: str) -> HttpResponse | None:
    """None when the request carries the confirmation; otherwise the confirmation page."""
    if confirmee(request):
        return None
    champs = [
        (cle, valeur) for cle, valeurs in request.POST.lists() if cle not in ("csrfmiddlewaretoken", CHAMP) for valeur in valeurs
    ]
    return render(
        request,
        "confirmation.html",
        {
            "titre": titre,
            "consequence": consequence,
            "bouton": bouton,
            "retour": retour,
            "champs": champs,
            "action": request.path,
        },
    )
