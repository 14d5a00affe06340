"""Who may see and change fiches and inscriptions.

- Justice staff (magistrats, greffiers, agents) see every fiche with its history: the directory is
  national, as the lists are.
- An expert sees only their own fiche (linked by invitation); any other fiche is 404.
- A court manages the inscriptions of its own list: greffiers and agents belonging to the cour
  d'appel (or to the Cour de cassation for the national list), and whoever holds the habilitation
  « instructeur des candidatures » in an organisation of that ressort. The identity of a fiche is
  changed by a court that manages one of the expert's lists or the ressort of the expert's
  address. Staff who may see but not manage get 403.
- Everyone else (candidates, lawyers, parties, invitees) gets 404 for every fiche.
The public only sees the published annual lists (exports.py decides which fields).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from justexpert.comptes.models import ROLES_JUSTICE, Habilitation, Organisation, Role, TypeOrganisation, Utilisateur

from .models import Expert, ExpertQuerySet, Inscription

TYPES_LISTE = (TypeOrganisation.COUR_APPEL, TypeOrganisation.COUR_CASSATION)


def est_personnel_justice(user: Utilisateur) -> bool:
    return user.is_authenticated and user.a_role(*ROLES_JUSTICE)


def listes_gerees(user: Utilisateur) -> set[int]:
    """Primary keys of the lists (cours d'appel, Cour de cassation) this user manages."""
    if not user.is_authenticated:
        return set()
    ids: set[int] = set()
    for a in user._appartenances():
        org = a.organisation
        if org is None:
            continue
        if a.role in (Role.GREFFIER, Role.AGENT) and org.type in TYPES_LISTE:
            ids.add(org.pk)
        if Habilitation.INSTRUCTEUR_CANDIDATURES in a.codes_habilitation:
            ressort = org if org.type in TYPES_LISTE else org.ressort
            if ressort is not None:
                ids.add(ressort.pk)
    return ids


def peut_gerer_liste(user: Utilisateur, liste: Organisation) -> bool:
    return liste.pk in listes_gerees(user)


def peut_gerer_fiche(user: Utilisateur, expert: Expert) -> bool:
    gerees = listes_gerees(user)
    if not gerees:
        return False
    if expert.cour_appel_id in gerees:
        return True
    return expert.inscriptions.filter(liste_id__in=gerees).exists()


def visibles_par(user: Utilisateur) -> ExpertQuerySet:
    if est_personnel_justice(user):
        return Expert.objects.all()
    if user.is_authenticated and user.a_role(Role.EXPERT):
        return Expert.objects.filter(utilisateur=user)
    return Expert.objects.none()


def fiche_pour(user: Utilisateur, uuid: object) -> Expert:
    """The fiche, or 404 when the user may not know it exists."""
    return get_object_or_404(visibles_par(user).select_related("cour_appel", "utilisateur"), uuid=uuid)


def fiche_a_gerer(user: Utilisateur, uuid: object) -> Expert:
    """The fiche for a court action: 404 if hidden, 403 if seen but not managed by the user."""
    expert = fiche_pour(user, uuid)
    if not peut_gerer_fiche(user, expert):
        raise PermissionDenied
    return expert


def inscription_a_gerer(user: Utilisateur, uuid: object) -> Inscription:
    inscription = get_object_or_404(
        Inscription.objects.filter(expert__in=visibles_par(user)).select_related("expert", "liste", "specialite"), uuid=uuid
    )
    if not peut_gerer_liste(user, inscription.liste):
        raise PermissionDenied
    return inscription


def fiche_de(user: Utilisateur) -> Expert:
    fiche = Expert.objects.filter(utilisateur=user).first() if user.is_authenticated else None
    if fiche is None:
        raise Http404
    return fiche
