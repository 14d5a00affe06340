"""What candidatures puts in the « à faire » area of the tableau de bord (read only; portail
gathers it with the other modules' items, nothing else imports this)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from justexpert.comptes.models import Utilisateur
from justexpert.lib.temps import fin_de_journee

from . import permissions, services
from .models import Candidature, Etat

A_INSTRUIRE = (
    Etat.DEPOSEE,
    Etat.EN_INSTRUCTION,
    Etat.COMPLEMENTS_APPORTES,
    Etat.AVIS_PARQUET,
    Etat.AVIS_COMMISSION,
    Etat.REPONSE_APPORTEE,
)


@dataclass(frozen=True)
class Element:
    """Same fields as portail's AFaire (portail reads them by name)."""

    libelle: str
    url: str
    echeance: dt.datetime | None = None
    urgent: bool = False


def a_faire_candidatures(user: Utilisateur) -> list[Element]:
    if not user.is_authenticated:
        return []
    items: list[Element] = []
    etats = [Etat.BROUILLON, Etat.COMPLEMENTS_DEMANDES, Etat.MOTIFS_ENVISAGES]
    for c in Candidature.objects.filter(candidat=user, etat__in=etats).select_related("liste"):
        limite = services.date_limite(c.annee_liste) - dt.timedelta(days=1)
        if c.etat == Etat.MOTIFS_ENVISAGES:
            items.append(
                Element(
                    "Répondre aux motifs de refus envisagés pour votre réinscription",
                    reverse("candidatures:detail", args=[c.uuid]) + "#motifs-envisages",
                    echeance=fin_de_journee(c.date_limite_reponse, services.fuseau(c)) if c.date_limite_reponse else None,
                    urgent=True,
                )
            )
        elif c.etat == Etat.COMPLEMENTS_DEMANDES:
            items.append(
                Element(
                    f"Compléments demandés pour votre candidature ({c.get_type_display()})",
                    reverse("candidatures:detail", args=[c.uuid]),
                    urgent=True,
                )
            )
        else:
            items.append(
                Element(
                    f"Candidature non déposée ({c.get_type_display()}, liste {c.annee_liste})",
                    reverse("candidatures:modifier", args=[c.uuid]),
                    echeance=fin_de_journee(limite, services.fuseau(c)),
                )
            )
    cours = permissions.cours_instruites(user)
    if cours:
        nombre = Candidature.objects.de_cours(cours).filter(etat__in=A_INSTRUIRE).count()
        if nombre:
            items.append(Element(f"{nombre} candidature(s) à instruire", reverse("candidatures:instruction")))
    return items
