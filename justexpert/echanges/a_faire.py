"""What echanges puts in the « à faire » area of the tableau de bord (read only; portail gathers
it, nothing else imports this): files deposited by others, still available, not yet downloaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from justexpert.comptes.models import Role, Utilisateur

from . import permissions
from .models import Fichier, Telechargement


@dataclass(frozen=True)
class Element:
    """Same fields as portail's AFaire (portail reads them by name)."""

    libelle: str
    url: str
    echeance: dt.datetime | None = None
    urgent: bool = False


def a_faire_echanges(user: Utilisateur) -> list[Element]:
    if not getattr(user, "is_authenticated", False):
        return []
    if permissions.second_facteur_manquant(user):
        if user.a_role(Role.INVITE):
            return [
                Element(
                    "Activez la double authentification pour accéder à vos échanges",
                    reverse("comptes:second_facteur_activer"),
                    urgent=True,
                )
            ]
        return []
    nouveaux = (
        Fichier.objects.filter(
            echange__in=permissions.echanges_visibles(user),
            expire_le__isnull=True,
            supprime_le__isnull=True,
            disponible_jusqu_au__gt=timezone.now(),
        )
        .exclude(depose_par=user)
        .exclude(Exists(Telechargement.objects.filter(fichier=OuterRef("pk"), utilisateur=user)))
        .select_related("echange")
        .order_by("disponible_jusqu_au")
    )
    items: list[Element] = []
    vus: set[int] = set()
    for f in nouveaux:
        if f.echange_id in vus:
            continue
        vus.add(f.echange_id)
        nombre = sum(1 for g in nouveaux if g.echange_id == f.echange_id)
        items.append(
            Element(
                f"{nombre} fichier(s) à télécharger dans l'échange « {f.echange.titre} »",
                reverse("echanges:detail", args=[f.echange.uuid]),
                echeance=f.disponible_jusqu_au,
            )
        )
    return items
