"""What recherche puts in the « à faire » area of the tableau de bord (read only; portail gathers
it, nothing else imports this)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from justexpert.comptes.models import Utilisateur

from . import permissions
from .models import EtatSollicitation, Sollicitation


@dataclass(frozen=True)
class Element:
    """Same fields as portail's AFaire (portail reads them by name)."""

    libelle: str
    url: str
    echeance: dt.datetime | None = None
    urgent: bool = False


def a_faire_recherche(user: Utilisateur) -> list[Element]:
    items: list[Element] = []
    if not user.is_authenticated:
        return items
    maintenant = timezone.now()
    for s in (
        permissions.sollicitations_de_l_expert(user)
        .filter(etat=EtatSollicitation.EN_ATTENTE, demande__date_limite_reponse__gt=maintenant)
        .select_related("demande", "demande__organisation")[:20]
    ):
        items.append(
            Element(
                f"Répondre à la sollicitation de {s.demande.organisation or 'une juridiction'} "
                f"({s.demande.get_type_procedure_display().lower()})",
                reverse("recherche:sollicitation", args=[s.uuid]),
                echeance=s.demande.date_limite_reponse,
                urgent=s.demande.date_limite_reponse - maintenant < dt.timedelta(days=1),
            )
        )
    depuis = maintenant - dt.timedelta(days=14)
    reponses = (
        Sollicitation.objects.filter(
            demande__demandeur=user,
            etat__in=[EtatSollicitation.ACCEPTEE, EtatSollicitation.REFUSEE],
            repondu_le__gte=depuis,
        )
        .select_related("demande", "expert")
        .order_by("-repondu_le")[:20]
    )
    for s in reponses:
        items.append(
            Element(
                f"{s.expert.nom_complet} a répondu ({s.get_etat_display().lower()}) à votre demande du "
                f"{s.demande.cree_le:%d/%m/%Y}",
                reverse("recherche:demande", args=[s.demande.uuid]),
            )
        )
    return items
