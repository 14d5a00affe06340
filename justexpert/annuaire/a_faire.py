"""What the annuaire puts in the « à faire » area of the tableau de bord (read only; portail
gathers it with the other modules' items, nothing else imports this)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from justexpert.comptes.models import Utilisateur
from justexpert.lib.temps import fin_de_journee

from . import permissions
from .models import STATUTS_ACTIFS, Expert, Inscription

# Re-inscription files are filed before 1 March of the year before the new period: warn early.
PREAVIS = dt.timedelta(days=365)


@dataclass(frozen=True)
class Element:
    """Same fields as portail's AFaire (portail reads them by name)."""

    libelle: str
    url: str
    echeance: dt.datetime | None = None
    urgent: bool = False


def a_faire_annuaire(user: Utilisateur) -> list[Element]:
    items: list[Element] = []
    aujourd_hui = timezone.localdate()
    limite = aujourd_hui + PREAVIS
    fiche = Expert.objects.filter(utilisateur=user).first() if user.is_authenticated else None
    if fiche is not None:
        for i in Inscription.objects.filter(
            expert=fiche, statut__in=STATUTS_ACTIFS, fin__gte=aujourd_hui, fin__lte=limite
        ).select_related("liste", "specialite"):
            items.append(
                Element(
                    f"Votre inscription en {i.specialite.code} ({i.liste}) prend fin le {i.fin:%d/%m/%Y} : "
                    "déposez votre demande de réinscription",
                    reverse("annuaire:fiche", args=[fiche.uuid]),
                    echeance=fin_de_journee(i.fin, i.liste.fuseau),  # type: ignore[arg-type]
                )
            )
        if not (fiche.telephone_fixe or fiche.telephone_mobile):
            items.append(Element("Complétez votre fiche d'expert (téléphone)", reverse("annuaire:ma_fiche_modifier")))
    gerees = permissions.listes_gerees(user)
    if gerees:
        nombre = Inscription.objects.filter(
            liste_id__in=gerees, statut__in=STATUTS_ACTIFS, fin__gte=aujourd_hui, fin__lte=limite
        ).count()
        if nombre:
            items.append(
                Element(
                    f"{nombre} inscription(s) de vos listes prennent fin dans l'année",
                    reverse("annuaire:repertoire"),
                )
            )
    return items
