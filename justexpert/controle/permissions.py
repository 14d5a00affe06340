"""Who sees the control dashboard and which statistics (default deny).

- Dashboard of a juridiction: the magistrates holding « contrôle des expertises » there (CPC
  155-1). They see its civil cases, and its penal cases only if they also hold « matière
  pénale » there — the same rule as ``expertises.permissions.expertises_visibles`` (a test keeps
  the two equal). Another juridiction is 404, as for one that does not exist.
- Statistics: a juridiction for its judges of the control; a cour d'appel (with the tribunaux of
  its ressort) for the judges of the control of that cour; every perimeter, the national one and
  the open-data file for the Ministry (an agent or administrator member of the Ministry). Someone
  with no perimeter at all gets 403 (logged); a perimeter that is not theirs is 404.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from justexpert.comptes.models import Organisation, Role, TypeOrganisation, Utilisateur
from justexpert.comptes.permissions import refuser
from justexpert.expertises.models import Expertise, Matiere
from justexpert.expertises.permissions import juridictions_controle, juridictions_penales


def juridictions_du_controle(user: Utilisateur) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=juridictions_controle(user)).order_by("nom"))


def juridiction_pour(request: HttpRequest, reference: uuid.UUID | str) -> Organisation:
    """The juridiction whose control the user holds: 403 (logged) for someone who holds none, 404
    for another court."""
    user: Utilisateur = request.user  # type: ignore[assignment]
    mes = juridictions_controle(user)
    if not mes:
        refuser(request, "controle_expertises")
    org = Organisation.objects.filter(uuid=reference, pk__in=mes).first()
    if org is None:
        raise Http404
    return org


def matieres_du_controle(user: Utilisateur, juridiction: Organisation) -> list[str]:
    """The matters of this juridiction's cases the judge of the control sees."""
    if juridiction.pk not in juridictions_controle(user):
        return []
    if juridiction.pk in juridictions_penales(user):
        return [Matiere.CIVILE, Matiere.PENALE]
    return [Matiere.CIVILE]


def expertises_du_controle(user: Utilisateur, juridiction: Organisation) -> QuerySet[Expertise]:
    """The cases of this juridiction the judge of the control sees (see the module docstring)."""
    matieres = matieres_du_controle(user, juridiction)
    if not matieres:
        return Expertise.objects.none()
    if len(matieres) == 1:
        return Expertise.objects.filter(juridiction=juridiction, matiere=matieres[0])
    return Expertise.objects.filter(juridiction=juridiction)


def est_ministere(user: Utilisateur) -> bool:
    return any(
        a.organisation is not None and a.organisation.type == TypeOrganisation.MINISTERE
        for r in (Role.AGENT, Role.ADMINISTRATEUR)
        for a in user.appartenances_role(r)
    )


def perimetres(user: Utilisateur) -> list[Organisation | None]:
    """The statistics this user may read (None: national), Ministry first."""
    if not getattr(user, "is_authenticated", False):
        return []
    if est_ministere(user):
        return [None, *Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL).order_by("nom")]
    return list(juridictions_du_controle(user))


def peut_voir(user: Utilisateur, organisation: Organisation) -> bool:
    if est_ministere(user):
        return organisation.type in (
            TypeOrganisation.COUR_APPEL,
            TypeOrganisation.TRIBUNAL_JUDICIAIRE,
            TypeOrganisation.COUR_CASSATION,
        )
    return organisation.pk in juridictions_controle(user)


def perimetre_pour(request: HttpRequest, reference: uuid.UUID | str | None) -> Organisation | None:
    """403 (logged) without any perimeter; national only for the Ministry (403 otherwise); 404 for
    an organisation that is not the user's."""
    user: Utilisateur = request.user  # type: ignore[assignment]
    if not perimetres(user):
        refuser(request, "statistiques")
    if reference is None:
        if not est_ministere(user):
            refuser(request, "statistiques_nationales")
        return None
    org = Organisation.objects.filter(uuid=reference).first()
    if org is None or not peut_voir(user, org):
        raise Http404
    return org


def exiger_ministere(request: HttpRequest) -> None:
    if not est_ministere(request.user):  # type: ignore[arg-type]
        refuser(request, "donnees_ouvertes")
