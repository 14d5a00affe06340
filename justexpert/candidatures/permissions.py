"""Who may see and act on a candidature (default deny).

- The candidate sees their own files, drafts included, and fires the candidate's transitions.
- An instructor of a court sees the deposited files of that court's list only: a greffier
  belonging to the cour d'appel (or to the Cour de cassation for the national list), or whoever
  holds the habilitation « instructeur des candidatures » in an organisation of that ressort.
  Drafts are never shown to the court.
- Everyone else (other candidates, experts, magistrats without the habilitation, instructors of
  another court) gets 404, exactly as for a missing file.
- Someone who sees a file but may not do what they ask (the candidate asking for an instructor's
  action, an instructor trying to edit the candidate's form) gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from justexpert.comptes.models import Habilitation, Role, TypeOrganisation, Utilisateur

from .models import Candidature, CandidatureQuerySet, Piece
from .workflow import CANDIDAT, INSTRUCTEUR

TYPES_LISTE = (TypeOrganisation.COUR_APPEL, TypeOrganisation.COUR_CASSATION)


def cours_instruites(user: Utilisateur) -> set[int]:
    """Primary keys of the lists (cours d'appel, Cour de cassation) whose candidatures this user instructs."""
    if not user.is_authenticated:
        return set()
    ids: set[int] = set()
    for a in user._appartenances():
        org = a.organisation
        if org is None:
            continue
        if a.role == Role.GREFFIER and org.type in TYPES_LISTE:
            ids.add(org.pk)
        if Habilitation.INSTRUCTEUR_CANDIDATURES in a.codes_habilitation:
            ressort = org if org.type in TYPES_LISTE else org.ressort
            if ressort is not None:
                ids.add(ressort.pk)
    return ids


def est_instructeur(user: Utilisateur) -> bool:
    return bool(cours_instruites(user))


def visibles_par(user: Utilisateur) -> CandidatureQuerySet:
    if not user.is_authenticated:
        return Candidature.objects.none()
    cours = cours_instruites(user)
    filtre = Q(candidat=user)
    if cours:
        filtre |= Q(liste_id__in=cours) & ~Q(etat="brouillon")
    return Candidature.objects.filter(filtre)


def role_sur(user: Utilisateur, candidature: Candidature) -> str | None:
    """CANDIDAT, INSTRUCTEUR or None (an instructor of the court who also is the candidate acts as
    the candidate: nobody instructs their own file)."""
    if not user.is_authenticated:
        return None
    if candidature.candidat_id == user.pk:
        return CANDIDAT
    if candidature.etat != "brouillon" and candidature.liste_id in cours_instruites(user):
        return INSTRUCTEUR
    return None


def candidature_pour(user: Utilisateur, uuid: object) -> Candidature:
    """The file, or 404 when the user may not know it exists."""
    return get_object_or_404(visibles_par(user).select_related("liste", "specialite", "candidat", "expert"), uuid=uuid)


def candidature_du_candidat(user: Utilisateur, uuid: object) -> Candidature:
    """The file for a candidate's action: 404 if hidden, 403 if seen by an instructor."""
    candidature = candidature_pour(user, uuid)
    if role_sur(user, candidature) != CANDIDAT:
        raise PermissionDenied
    return candidature


def candidature_a_instruire(user: Utilisateur, uuid: object) -> Candidature:
    """The file for an instructor's action: 404 if hidden, 403 if seen by its candidate."""
    candidature = candidature_pour(user, uuid)
    if role_sur(user, candidature) != INSTRUCTEUR:
        raise PermissionDenied
    return candidature


def piece_pour(user: Utilisateur, candidature: Candidature, uuid: str) -> Piece:
    piece = candidature.pieces.select_related("document", "evenement").filter(uuid=uuid).first()
    if piece is None:
        raise Http404
    return piece
