"""Who may see and act on an exchange folder (default deny).

- A folder is visible to its active participants only. Anyone else gets 404, exactly as for a
  folder that does not exist, and the folder is absent from their lists and counts.
- A penal folder is visible, among its participants, only to agents holding the habilitation
  « matière pénale » in the folder's juridiction and to invited persons. An agent who loses the
  habilitation loses the folder.
- Every participant may deposit and download (files travel both ways). Managing the folder
  (invite, add or remove a participant, export the trace) is for its agents: an invitee who sees
  the folder gets 403 for those.
- An invited person must have enrolled a second factor (TOTP) before reaching any folder page.
"""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from justexpert.comptes.models import Habilitation, Role, Utilisateur
from justexpert.comptes.permissions import refuser

from .models import Echange, Fichier, Matiere, Participant, Qualite


def juridictions_agent(user: Utilisateur) -> list[int]:
    return [a.organisation_id for a in user.appartenances_role(Role.AGENT) if a.organisation_id]


def juridictions_penales(user: Utilisateur) -> list[int]:
    return [
        a.organisation_id
        for a in user.appartenances_role(Role.AGENT)
        if a.organisation_id and Habilitation.MATIERE_PENALE in a.codes_habilitation
    ]


def peut_voir_penal(user: Utilisateur, juridiction_id: int) -> bool:
    """May this agent take part in a penal folder of that juridiction?"""
    return juridiction_id in juridictions_penales(user)


def echanges_visibles(user: Utilisateur):  # type: ignore[no-untyped-def]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Echange.objects.none()
    actives = Participant.objects.filter(utilisateur=user, retire_le__isnull=True)
    return Echange.objects.filter(pk__in=actives.values("echange")).filter(
        Q(matiere=Matiere.CIVILE)
        | Q(pk__in=actives.filter(qualite=Qualite.INVITE).values("echange"))
        | Q(juridiction_id__in=juridictions_penales(user))
    )


def second_facteur_manquant(user: Utilisateur) -> bool:
    """Invited persons reach folders only once their TOTP factor is enrolled (agents are held by the
    platform-wide SecondFacteurMiddleware)."""
    return not user.a_role(Role.AGENT) and not user.totp_actif


def echange_pour(user: Utilisateur, reference: object) -> Echange:
    """The folder, or 404 when the user may not know it exists."""
    return get_object_or_404(echanges_visibles(user).select_related("juridiction"), uuid=reference)


def participation(user: Utilisateur, echange: Echange) -> Participant | None:
    return Participant.objects.filter(echange=echange, utilisateur=user, retire_le__isnull=True).first()


def est_agent_de(user: Utilisateur, echange: Echange) -> bool:
    p = participation(user, echange)
    return p is not None and p.qualite == Qualite.AGENT


def echange_a_gerer(request: HttpRequest, reference: object) -> Echange:
    """The folder for an agent's action: 404 if hidden, 403 (logged) if seen but not an agent of it."""
    user: Utilisateur = request.user  # type: ignore[assignment]
    echange = echange_pour(user, reference)
    if not est_agent_de(user, echange):
        refuser(request, "echange_agent", echange=str(echange.uuid))
    return echange


def fichier_pour(user: Utilisateur, reference: object) -> Fichier:
    return get_object_or_404(
        Fichier.objects.filter(echange__in=echanges_visibles(user)).select_related("echange", "document", "depose_par"),
        uuid=reference,
    )


def peut_supprimer(user: Utilisateur, fichier: Fichier) -> bool:
    return fichier.depose_par_id == user.pk or est_agent_de(user, fichier.echange)


def participant_a_gerer(request: HttpRequest, echange: Echange, reference: uuid.UUID | str) -> Participant:
    try:
        return Participant.objects.select_related("utilisateur").get(echange=echange, uuid=reference, retire_le__isnull=True)
    except (Participant.DoesNotExist, ValueError):
        raise Http404 from None
