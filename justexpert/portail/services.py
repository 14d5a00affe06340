"""What is waiting for each person: the "à faire" area of the tableau de bord.

Each module exposes a small read-only function returning its items for a user; portail gathers
them (portail imports every module, nothing imports portail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse

from justexpert.annuaire.a_faire import a_faire_annuaire
from justexpert.candidatures.a_faire import a_faire_candidatures
from justexpert.comptes import invitations
from justexpert.comptes.models import Utilisateur
from justexpert.echanges.a_faire import a_faire_echanges
from justexpert.expertises.a_faire import a_faire_expertises
from justexpert.expertises.extensions import a_faire as a_faire_extensions
from justexpert.recherche.a_faire import a_faire_recherche


@dataclass(frozen=True)
class AFaire:
    libelle: str
    url: str
    echeance: datetime | None = None
    urgent: bool = False


def a_faire_comptes(user: Utilisateur) -> list[AFaire]:
    items = [
        AFaire(
            f"Invitation à accepter : {invitations.decrire(inv)}",
            reverse("comptes:invitation_en_attente", args=[inv.uuid]),
            echeance=inv.expire_le,
        )
        for inv in invitations.en_attente_pour(user)
    ]
    if not user.totp_actif and user.mfa_requise:
        items.append(
            AFaire(
                "Activez la double authentification" + (" (obligatoire pour votre rôle)" if settings.MFA_OBLIGATOIRE else ""),
                reverse("comptes:second_facteur_activer"),
                urgent=settings.MFA_OBLIGATOIRE,
            )
        )
    return items


# The modules above expertises (frais…) add theirs through the case's extension registry.
SOURCES = (
    a_faire_comptes,
    a_faire_annuaire,
    a_faire_candidatures,
    a_faire_echanges,
    a_faire_recherche,
    a_faire_expertises,
    a_faire_extensions,
)


def a_faire(user: Utilisateur) -> list[AFaire]:
    items: list[AFaire] = []
    for source in SOURCES:
        items.extend(source(user))
    return sorted(items, key=lambda i: (not i.urgent, i.echeance is None, i.echeance or datetime.max.replace(tzinfo=UTC)))
