"""Read functions other modules use (expertises designates from accepted solicitations)."""

from __future__ import annotations

from django.db.models import QuerySet

from justexpert.comptes.models import Utilisateur

from . import permissions
from .models import Demande, EtatSollicitation, Sollicitation


def sollicitations_acceptees(user: Utilisateur, demande: Demande | None = None) -> QuerySet[Sollicitation]:
    """Accepted solicitations of the requests ``user`` may see (one request if given), newest
    first, with the expert's fiche and the request loaded. A declared conflict of interest is in
    ``conflit_interets`` / ``conflit_details``: the magistrate decides."""
    qs = Sollicitation.objects.filter(etat=EtatSollicitation.ACCEPTEE, demande__in=permissions.demandes_visibles(user))
    if demande is not None:
        qs = qs.filter(demande=demande)
    return qs.select_related("expert", "demande").order_by("-repondu_le", "-id")
