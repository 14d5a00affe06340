"""The default greffe of a juridiction for expertises.

A case opened without a greffier was stuck: nobody could notify the expert or record the
consignation, and the expert's "Commencer les opérations" was refused. Each juridiction's
administrator names the greffiers who follow its new cases by default; the designation names them
when the magistrate chooses none, and refuses to open a case with no greffier at all (the form says
so before it is sent).

Who administers a juridiction: a user holding the administrator role for that organisation, or for
its cour d'appel (which covers the tribunaux of its ressort), or for the Ministry or with no
organisation (the whole platform).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet

from justexpert.comptes.models import Habilitation, Organisation, Role, TypeOrganisation, Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.lib.temps import maintenant
from justexpert.preuves import services as preuves

from . import permissions
from .models import GreffeParDefaut, Matiere

TYPES_JURIDICTION = (TypeOrganisation.TRIBUNAL_JUDICIAIRE, TypeOrganisation.COUR_APPEL, TypeOrganisation.COUR_CASSATION)


def juridictions_administrees(user: Utilisateur) -> QuerySet[Organisation]:
    juridictions = Organisation.objects.filter(type__in=TYPES_JURIDICTION)
    appartenances = user.appartenances_role(Role.ADMINISTRATEUR) if user.is_authenticated else []
    if any(a.organisation_id is None or a.organisation.type == TypeOrganisation.MINISTERE for a in appartenances):
        return juridictions
    ids = [a.organisation_id for a in appartenances]
    return juridictions.filter(Q(pk__in=ids) | Q(cour_appel_id__in=ids))


def greffiers_de(juridiction: Organisation) -> QuerySet[Utilisateur]:
    """Active greffiers of the juridiction."""
    qs = Utilisateur.objects.filter(is_active=True, appartenances__organisation=juridiction, appartenances__role=Role.GREFFIER)
    return qs.distinct().order_by("nom", "prenom")


def par_defaut(juridiction: Organisation, matiere: str = Matiere.CIVILE) -> list[Utilisateur]:
    """The default greffiers who may follow a case of this matter (penal: habilitated ones only)."""
    greffe = GreffeParDefaut.objects.filter(juridiction=juridiction).first()
    if greffe is None:
        return []
    codes = (Habilitation.MATIERE_PENALE,) if matiere == Matiere.PENALE else ()
    return [
        g
        for g in greffe.greffiers.filter(is_active=True).order_by("nom", "prenom")
        if juridiction.pk in permissions.juridictions(g, Role.GREFFIER, *codes)
    ]


def definir(*, acteur: Utilisateur, juridiction: Organisation, greffiers: list[Utilisateur]) -> GreffeParDefaut:
    if not juridictions_administrees(acteur).filter(pk=juridiction.pk).exists():
        raise RefusService("Vous n'administrez pas cette juridiction.")
    membres = set(greffiers_de(juridiction).values_list("pk", flat=True))
    for g in greffiers:
        if g.pk not in membres:
            raise RefusService(f"{g} n'est pas greffier de cette juridiction.")
    with transaction.atomic():
        greffe, _ = GreffeParDefaut.objects.select_for_update().get_or_create(juridiction=juridiction)
        greffe.greffiers.set(greffiers)
        greffe.modifie_le = maintenant()
        greffe.modifie_par = acteur
        greffe.save(update_fields=["modifie_le", "modifie_par"])
        preuves.enregistrer(
            "expertises.greffe_par_defaut",
            acteur_ref=str(acteur.uuid),
            objet_ref=str(juridiction.uuid),
            details={"greffiers": len(greffiers)},
        )
    return greffe
