"""Who sees what in recherche (default deny: 404 for what a user may not know exists).

- Search and requests: justice staff (magistrats, greffiers, agents). A request is seen by its
  author and by justice staff of the same organisation (the greffe works for the magistrate).
- A solicitation is seen by the expert it is addressed to, and by those who see its request.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from justexpert.annuaire.models import Expert
from justexpert.comptes.models import ROLES_JUSTICE, Utilisateur

from .models import Demande, Sollicitation

STAFF = tuple(sorted(ROLES_JUSTICE))


def organisations_justice(user: Utilisateur) -> list[int]:
    return [a.organisation_id for a in user._appartenances() if a.role in ROLES_JUSTICE and a.organisation_id]


def demandes_visibles(user: Utilisateur) -> QuerySet[Demande]:
    if not user.is_authenticated or not user.a_role(*ROLES_JUSTICE):
        return Demande.objects.none()
    return Demande.objects.filter(Q(demandeur=user) | Q(organisation_id__in=organisations_justice(user)))


def demande_pour(user: Utilisateur, uuid: str) -> Demande:
    d = demandes_visibles(user).filter(uuid=uuid).select_related("demandeur", "organisation").first()
    if d is None:
        raise Http404
    return d


def fiche_de(user: Utilisateur) -> Expert | None:
    return Expert.objects.filter(utilisateur=user).first() if user.is_authenticated else None


def sollicitations_de_l_expert(user: Utilisateur) -> QuerySet[Sollicitation]:
    if not user.is_authenticated:
        return Sollicitation.objects.none()
    return Sollicitation.objects.filter(expert__utilisateur=user)


def sollicitation_pour_expert(user: Utilisateur, uuid: str) -> Sollicitation:
    s = sollicitations_de_l_expert(user).filter(uuid=uuid).select_related("demande", "demande__organisation").first()
    if s is None:
        raise Http404
    return s
