"""What expertises puts in the « à faire » area of the tableau de bord (read only; portail gathers
it, nothing else imports this): cases waiting for this person's action, with the nearest deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse

from justexpert.comptes.models import Utilisateur
from justexpert.lib.temps import fin_de_journee, jours_restants

from . import permissions, procedure
from .models import Etat, Participant
from .services import echeances

LIMITE = 50


@dataclass(frozen=True)
class Element:
    """Same fields as portail's AFaire (portail reads them by name)."""

    libelle: str
    url: str
    echeance: dt.datetime | None = None
    urgent: bool = False


def a_faire_expertises(user: Utilisateur) -> list[Element]:
    if not getattr(user, "is_authenticated", False):
        return []
    qs = (
        permissions.expertises_visibles(user)
        .exclude(etat=Etat.CLOSE)
        .select_related("juridiction")
        .prefetch_related(
            Prefetch(
                "participants", queryset=Participant.objects.filter(utilisateur=user, retire_le__isnull=True), to_attr="miens"
            )
        )
        .order_by("date_limite_rapport")[: LIMITE * 4]
    )
    items: list[Element] = []
    for e in qs:
        # Named participants only: the judges of the control follow every case of the court through
        # the list, not through their « à faire ».
        mes = {p.qualite for p in e.miens}  # type: ignore[attr-defined]
        attendues, phrase = procedure.ATTENTE[Etat(e.etat)]
        if not mes & attendues:
            continue
        miennes = [ech for ech in echeances(e) if mes & ech.qualites]
        ech = miennes[0] if miennes else None
        reference = "pénale" if e.est_penale else f"RG {e.numero_rg}"
        items.append(
            Element(
                f"Expertise {reference} ({e.get_etat_display().lower()}) : {phrase}",
                reverse("expertises:detail", args=[e.uuid]),
                echeance=fin_de_journee(ech.jour, e.fuseau) if ech else None,
                urgent=ech is not None and jours_restants(ech.jour, e.fuseau) <= 7,
            )
        )
        if len(items) >= LIMITE:
            break
    return items
