"""What expertises puts in the « à faire » area of the tableau de bord (read only; portail gathers
it, nothing else imports this): cases waiting for this person's action, with the nearest deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.urls import reverse

from justexpert.comptes.models import Utilisateur
from justexpert.lib.temps import fin_de_journee, jours_restants

from . import conditions, permissions, procedure
from .models import Depot, Etat, Ouverture, Participant, Relance
from .services import echeances

LIMITE = 50


@dataclass(frozen=True)
class Element:
    """Same fields as portail's AFaire (portail reads them by name)."""

    libelle: str
    url: str
    echeance: dt.datetime | None = None
    urgent: bool = False


def non_lus(user: Utilisateur) -> dict[int, int]:
    """Unread documents per case where the user is a named participant (one query): deposited by
    others, visible to them (medical rule), never opened by them."""
    miennes = Participant.objects.filter(utilisateur=user, retire_le__isnull=True)
    lignes = (
        Depot.objects.filter(expertise__in=miennes.values("expertise"))
        .exclude(depose_par=user)
        .filter(permissions.filtre_medical(user))
        .filter(~Exists(Ouverture.objects.filter(depot=OuterRef("pk"), utilisateur=user)))
        .values("expertise_id")
        .annotate(n=Count("id"))
    )
    return {ligne["expertise_id"]: ligne["n"] for ligne in lignes}


def a_faire_expertises(user: Utilisateur) -> list[Element]:
    if not getattr(user, "is_authenticated", False):
        return []
    a_lire = non_lus(user)
    items: list[Element] = []
    # Reminders of the judge of the control waiting for this expert's acknowledgement.
    for r in (
        Relance.objects.filter(expert=user, accusee_le__isnull=True, expertise__in=permissions.expertises_visibles(user))
        .select_related("expertise")
        .order_by("envoyee_le")[:LIMITE]
    ):
        reference = "pénale" if r.expertise.est_penale else f"RG {r.expertise.numero_rg}"
        items.append(
            Element(
                f"Expertise {reference} : relance du juge chargé du contrôle à lire et accuser",
                reverse("expertises:detail", args=[r.expertise.uuid]) + "#relances",
                urgent=True,
            )
        )
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
    for e in qs:
        # Named participants only: the judges of the control follow every case of the court through
        # the list, not through their « à faire ».
        mes = {p.qualite for p in e.miens}  # type: ignore[attr-defined]
        attendues, phrase = procedure.ATTENTE[Etat(e.etat)]
        reference = "pénale" if e.est_penale else f"RG {e.numero_rg}"
        if a_lire.get(e.pk):
            n = a_lire[e.pk]
            items.append(
                Element(
                    f"Expertise {reference} : {n} document{'s' if n > 1 else ''} non lu{'s' if n > 1 else ''}",
                    reverse("expertises:detail", args=[e.uuid]) + "#documents",
                )
            )
        if not mes & attendues:
            continue
        miennes = [ech for ech in echeances(e) if mes & ech.qualites]
        ech = miennes[0] if miennes else None
        # When every step this person could take to move the case on is not possible yet, say why
        # and who must act, rather than asking them to act.
        en_avant = [t for t in procedure.possibles(e.etat, e.matiere, mes) if procedure.en_avant(t)]
        raisons = [conditions.empechement(t.nom, e) for t in en_avant]
        if en_avant and all(raisons):
            phrase = f"en attente — {raisons[0]}"
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
