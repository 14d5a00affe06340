"""Rebuild the read model of the statistics (models.py) from the platform's own events.

Sources, per case (``expertises``): the designation is the case's creation; acceptance, refusals,
caducités, consignation found and taxation are the transitions of its history (``Historique``);
the first meeting is the earliest meeting date of its convocations; the pré-rapport is the first
pré-rapport deposited (penal: the provisional report); the report is ``rapport_depose_le``; the
closure is ``close_le``. When the provision was paid before the consignation step (the ledger of
``frais`` says so), « provision versée » is when the payment completing it was recorded. The
specialité is the rubrique of the designated expert's first inscription (``annuaire``).
The fee request's amount and the ordonnance de taxe (its date and amount, when rendered through
« Frais ») come from ``frais``; without an ordonnance there, the taxation is the transition
« taxer » and the amount the case's. Solicitations come from ``recherche``. One run replaces every row, in one transaction.
"""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from justexpert.annuaire.models import ElementNomenclature, Inscription, Niveau
from justexpert.comptes.models import Organisation, TypeOrganisation
from justexpert.expertises.models import Depot, Etat, Expertise, Historique, Participant, Qualite, TypeDocument
from justexpert.frais.models import DemandeRemuneration, Provision, Taxe, Versement
from justexpert.lib.temps import date_locale, maintenant
from justexpert.recherche.models import Sollicitation

from .models import Arrete, FaitEtape, FaitExpertise, FaitSollicitation, NatureEtape

NON_RENSEIGNEE = "Spécialité non renseignée"


def _rubriques() -> dict[int, str]:
    """Every element of the nomenclature -> the label of its rubrique (itself for a rubrique)."""
    elements = {e["id"]: e for e in ElementNomenclature.objects.values("id", "parent_id", "niveau", "code", "libelle")}
    resultat: dict[int, str] = {}
    for pk, e in elements.items():
        courant: dict | None = e
        while courant is not None and courant["niveau"] != Niveau.RUBRIQUE:
            courant = elements.get(courant["parent_id"]) if courant["parent_id"] else None
        resultat[pk] = f"{courant['code']} {courant['libelle']}".strip() if courant else NON_RENSEIGNEE
    return resultat


def _rubrique_par_expert() -> dict[int, str]:
    rubriques = _rubriques()
    resultat: dict[int, str] = {}
    for expert_id, specialite_id in Inscription.objects.order_by("expert_id", "id").values_list("expert_id", "specialite_id"):
        resultat.setdefault(expert_id, rubriques.get(specialite_id, NON_RENSEIGNEE))
    return resultat


def _cour(org: Organisation | None) -> int | None:
    if org is None:
        return None
    if org.type == TypeOrganisation.COUR_APPEL:
        return org.pk
    return org.cour_appel_id


def reconstruire() -> Arrete:
    debut = time.perf_counter()
    par_expert = _rubrique_par_expert()
    orgs = {o.pk: o for o in Organisation.objects.all()}
    historique: dict[int, list[tuple[str, object]]] = defaultdict(list)
    for eid, transition, le in Historique.objects.order_by("le", "id").values_list("expertise_id", "transition", "le"):
        historique[eid].append((transition, le))
    reunions: dict[int, object] = {}
    pre_rapports: dict[int, object] = {}
    for eid, type_, reunion_le, depose_le in Depot.objects.filter(
        type__in=[TypeDocument.CONVOCATION, TypeDocument.PRE_RAPPORT]
    ).values_list("expertise_id", "type", "reunion_le", "depose_le"):
        if type_ == TypeDocument.CONVOCATION and reunion_le is not None:
            reunions[eid] = min(reunions.get(eid, reunion_le), reunion_le)  # type: ignore[type-var]
        elif type_ == TypeDocument.PRE_RAPPORT:
            pre_rapports[eid] = min(pre_rapports.get(eid, depose_le), depose_le)  # type: ignore[type-var]
    premier_expert: dict[int, int] = {}
    for eid, fiche in (
        Participant.objects.filter(qualite=Qualite.EXPERT, fiche_expert__isnull=False)
        .order_by("ajoute_le", "id")
        .values_list("expertise_id", "fiche_expert_id")
    ):
        premier_expert.setdefault(eid, fiche)
    provisions = dict(Provision.objects.values("expertise_id").annotate(t=Sum("montant")).values_list("expertise_id", "t"))
    versements: dict[int, list[tuple[Decimal, object]]] = defaultdict(list)
    for eid, montant, le in Versement.objects.order_by("verse_le", "enregistre_le", "id").values_list(
        "expertise_id", "montant", "enregistre_le"
    ):
        versements[eid].append((montant, le))

    # The fee request (CPC 282) and the ordonnance de taxe (CPC 284) of « Frais »: the amount asked,
    # and the ordonnance's date and amount when it was rendered through « Frais ».
    demandes = dict(DemandeRemuneration.objects.values_list("expertise_id", "montant"))
    ordonnances = {
        eid: (le, montant)
        for eid, le, montant in Taxe.objects.filter(rendue_le__isnull=False).values_list("expertise_id", "rendue_le", "montant")
    }

    faits: list[FaitExpertise] = []
    etapes: list[tuple[int, str, object]] = []
    for e in Expertise.objects.order_by("id").iterator(chunk_size=2000):
        org = orgs[e.juridiction_id]
        h = historique.get(e.pk, [])
        premiers: dict[str, object] = {}
        for transition, le in h:
            premiers.setdefault(transition, le)
            if transition == "refuser":
                etapes.append((e.pk, NatureEtape.REFUS, le))
            elif transition == "constater_caducite":
                etapes.append((e.pk, NatureEtape.CADUCITE, le))
            elif transition == "accepter":
                etapes.append((e.pk, NatureEtape.ACCEPTATION, le))
        designee = premiers.get("designer", e.cree_le)
        consignee = premiers.get("constater_consignation")
        total = provisions.get(e.pk) or e.consignation_montant
        if consignee is None and total:
            cumul = Decimal(0)
            for montant, le in versements.get(e.pk, []):
                cumul += montant
                if cumul >= total:
                    consignee = le
                    break
        pre = pre_rapports.get(e.pk) or premiers.get("deposer_rapport_provisoire")
        etapes.append((e.pk, NatureEtape.DESIGNATION, designee))
        if e.rapport_depose_le:
            etapes.append((e.pk, NatureEtape.RAPPORT, e.rapport_depose_le))
        if e.close_le and e.etat == Etat.CLOSE:
            etapes.append((e.pk, NatureEtape.CLOTURE, e.close_le))
        fiche = premier_expert.get(e.pk)
        faits.append(
            FaitExpertise(
                expertise_id=e.pk,
                juridiction_id=e.juridiction_id,
                cour_appel_id=_cour(org),
                rubrique=par_expert.get(fiche, NON_RENSEIGNEE) if fiche else NON_RENSEIGNEE,
                matiere=e.matiere,
                designee_le=designee,
                acceptee_le=premiers.get("accepter"),
                consignee_le=consignee,
                premiere_reunion_le=reunions.get(e.pk),
                pre_rapport_le=pre,
                rapport_le=e.rapport_depose_le,
                taxee_le=ordonnances[e.pk][0] if e.pk in ordonnances else premiers.get("taxer"),
                rapport_en_retard=(
                    date_locale(e.rapport_depose_le, org.fuseau) > e.date_limite_rapport if e.rapport_depose_le else None
                ),
                provisions=total,
                montant_taxe=ordonnances[e.pk][1] if e.pk in ordonnances else e.montant_taxe,
                montant_demande=demandes.get(e.pk),
            )
        )
    sollicitations = [
        FaitSollicitation(
            juridiction_id=s.demande.organisation_id,
            cour_appel_id=_cour(orgs.get(s.demande.organisation_id)) if s.demande.organisation_id else None,
            rubrique=par_expert.get(s.expert_id, NON_RENSEIGNEE),
            envoyee_le=s.demande.cree_le,
            repondue_le=s.repondu_le,
            etat=s.etat,
            conflit_interets=s.conflit_interets,
        )
        for s in Sollicitation.objects.select_related("demande").order_by("id").iterator(chunk_size=2000)
    ]
    with transaction.atomic():
        FaitEtape.objects.all().delete()
        FaitExpertise.objects.all().delete()
        FaitSollicitation.objects.all().delete()
        FaitExpertise.objects.bulk_create(faits, batch_size=1000)
        ids = dict(FaitExpertise.objects.values_list("expertise_id", "id"))
        FaitEtape.objects.bulk_create(
            [FaitEtape(fait_id=ids[eid], nature=nature, le=le) for eid, nature, le in etapes], batch_size=2000
        )
        FaitSollicitation.objects.bulk_create(sollicitations, batch_size=1000)
        arrete = Arrete.objects.create(
            calcule_le=maintenant(), duree_ms=int((time.perf_counter() - debut) * 1000), expertises=len(faits)
        )
        Arrete.objects.exclude(pk=arrete.pk).delete()
    return arrete


def dernier_arrete() -> Arrete | None:
    return Arrete.objects.order_by("-calcule_le", "-id").first()
