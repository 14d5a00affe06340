"""Who may see an expertise case and in which capacity (default deny).

- A civil case is visible to its active participants (the magistrat and greffiers named on it, the
  expert(s), the enrolled lawyers and parties) and to the magistrates of its juridiction holding the
  « contrôle des expertises » habilitation (CPC 155-1: the judge in charge of the control).
- A penal case is visible only to the expert(s), the lawyers, and the staff of its juridiction
  (the designating magistrate's) who hold the « matière pénale » habilitation there: the magistrat
  and greffiers named on it, and the judges of the control. Parties themselves do not see it.
- Anyone else gets 404, exactly as for a case that does not exist; the case is absent from their
  lists, counts and API answers. A removed participant loses access at once (checked per request).
- Documents: whoever sees the case sees its documents (the contradictoire), except medical ones,
  seen only by the expert(s) and magistrat(s) named on the case, the depositor, and the active
  participants the depositor chose (``depots_visibles``). A hidden document is 404 like a missing one.
- What a visible person may *do* is their capacity (``Qualite``) in the case, matched against the
  transition table (procedure.py); a visible person acting outside it gets 403, logged.
"""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from justexpert.comptes.models import Habilitation, Role, Utilisateur
from justexpert.comptes.permissions import refuser

from .models import Depot, Expertise, Matiere, Participant, Partie, Qualite


def juridictions(user: Utilisateur, role: str, *habilitations: str) -> set[int]:
    return {
        a.organisation_id
        for a in user.appartenances_role(role)
        if a.organisation_id and all(h in a.codes_habilitation for h in habilitations)
    }


def juridictions_controle(user: Utilisateur) -> set[int]:
    return juridictions(user, Role.MAGISTRAT, Habilitation.CONTROLE_EXPERTISES)


def juridictions_penales(user: Utilisateur) -> set[int]:
    return juridictions(user, Role.MAGISTRAT, Habilitation.MATIERE_PENALE) | juridictions(
        user, Role.GREFFIER, Habilitation.MATIERE_PENALE
    )


def expertises_visibles(user: object) -> QuerySet[Expertise]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Expertise.objects.none()
    assert isinstance(user, Utilisateur)
    actives = Participant.objects.filter(utilisateur=user, retire_le__isnull=True)
    controle = juridictions_controle(user)
    penales = juridictions_penales(user)
    civil = Q(matiere=Matiere.CIVILE) & (Q(pk__in=actives.values("expertise")) | Q(juridiction_id__in=controle))
    penal = Q(matiere=Matiere.PENALE) & (
        Q(pk__in=actives.filter(qualite__in=[Qualite.EXPERT, Qualite.AVOCAT]).values("expertise"))
        | (
            Q(juridiction_id__in=penales)
            & (
                Q(pk__in=actives.filter(qualite__in=[Qualite.MAGISTRAT, Qualite.GREFFIER]).values("expertise"))
                | Q(juridiction_id__in=controle)
            )
        )
    )
    return Expertise.objects.filter(civil | penal)


def qualites(user: Utilisateur, expertise: Expertise, participations: list[Participant] | None = None) -> set[str]:
    """The user's capacities in this case (empty if they may not see it)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if participations is None:
        participations = list(Participant.objects.filter(expertise=expertise, utilisateur=user, retire_le__isnull=True))
    result = {p.qualite for p in participations if p.retire_le is None and p.utilisateur_id == user.pk}
    juge_du_controle = expertise.juridiction_id in juridictions_controle(user)
    if expertise.est_penale:
        if expertise.juridiction_id not in juridictions_penales(user):
            result -= {Qualite.MAGISTRAT, Qualite.GREFFIER}
            juge_du_controle = False
        result.discard(Qualite.PARTIE)
    if juge_du_controle:
        result.add(Qualite.MAGISTRAT)
    return result


def expertise_pour(user: Utilisateur, reference: uuid.UUID | str) -> Expertise:
    """The case, or 404 when the user may not know it exists."""
    return get_object_or_404(expertises_visibles(user).select_related("juridiction", "magistrat"), uuid=reference)


def exiger(request: HttpRequest, expertise: Expertise, *attendues: str) -> set[str]:
    """403 (logged) unless the user holds one of these capacities in the (visible) case."""
    user: Utilisateur = request.user  # type: ignore[assignment]
    mes_qualites = qualites(user, expertise)
    if not mes_qualites.intersection(attendues):
        refuser(request, "expertise_qualite", expertise=str(expertise.uuid), attendues=sorted(attendues))
    return mes_qualites


def participant_de(expertise: Expertise, reference: uuid.UUID | str) -> Participant:
    try:
        return Participant.objects.select_related("utilisateur", "partie").get(
            expertise=expertise, uuid=reference, retire_le__isnull=True
        )
    except (Participant.DoesNotExist, ValueError):
        raise Http404 from None


def partie_de(expertise: Expertise, reference: uuid.UUID | str) -> Partie:
    try:
        return Partie.objects.get(expertise=expertise, uuid=reference)
    except (Partie.DoesNotExist, ValueError):
        raise Http404 from None


def peut_retirer(mes_qualites: set[str], participant: Participant) -> bool:
    """The court removes anyone but the last magistrat; the expert removes lawyers and parties."""
    if mes_qualites & {Qualite.MAGISTRAT, Qualite.GREFFIER}:
        return True
    return Qualite.EXPERT in mes_qualites and participant.qualite in {Qualite.AVOCAT, Qualite.PARTIE}


def voit_tout_medical(user: Utilisateur, expertise: Expertise) -> bool:
    """The expert and the magistrat named on the case (not the judges of the control, not the greffe)."""
    return Participant.objects.filter(
        expertise=expertise, utilisateur=user, retire_le__isnull=True, qualite__in=[Qualite.EXPERT, Qualite.MAGISTRAT]
    ).exists()


def filtre_medical(user: Utilisateur, *, tout: bool = False) -> Q:
    """Rows of ``Depot`` this user may see among those of cases they see (medical rule only)."""
    if tout:
        return Q()
    choisi = Participant.objects.filter(documents_medicaux=OuterRef("pk"), utilisateur=user, retire_le__isnull=True)
    named = Participant.objects.filter(
        expertise=OuterRef("expertise"),
        utilisateur=user,
        retire_le__isnull=True,
        qualite__in=[Qualite.EXPERT, Qualite.MAGISTRAT],
    )
    return Q(medical=False) | Q(depose_par=user) | Q(Exists(choisi)) | Q(Exists(named))


def depots_visibles(user: Utilisateur, expertise: Expertise, mes_qualites: set[str] | None = None) -> QuerySet[Depot]:
    """The documents of a (visible) case this user may see."""
    if mes_qualites is None:
        mes_qualites = qualites(user, expertise)
    if not mes_qualites:
        return Depot.objects.none()
    return Depot.objects.filter(expertise=expertise).filter(filtre_medical(user, tout=voit_tout_medical(user, expertise)))


def depot_pour(user: Utilisateur, expertise: Expertise, reference: uuid.UUID | str) -> Depot:
    """The document, or 404 when the user may not know it exists."""
    try:
        return (
            depots_visibles(user, expertise).select_related("document", "depose_par", "evenement", "partie").get(uuid=reference)
        )
    except (Depot.DoesNotExist, ValueError):
        raise Http404 from None
