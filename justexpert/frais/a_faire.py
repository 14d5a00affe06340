"""What frais puts in the « à faire » of the tableau de bord (through the registry of expertises),
per capacity in the case, deadlines at the end of the day in the court's time zone:

- greffe: payments to record (the provision is not complete), surplus to refund, a complete
  provision whose consignation is still to record;
- expert: provision incomplete (what remains and by when), or complete: « vous pouvez commencer »;
- lawyers and parties: the amount their party owes and its deadline;
- magistrate named on the case: provisions late.
"""

from __future__ import annotations

from django.urls import reverse

from justexpert.comptes.models import Utilisateur
from justexpert.expertises.extensions import ElementAFaire
from justexpert.expertises.models import Depot, Etat, Expertise, Participant, Qualite, StatutConsignation
from justexpert.expertises.procedure import ETATS_OPERATIONS
from justexpert.lib.format import euros
from justexpert.lib.temps import fin_de_journee, jours_restants  # noqa: F401

from . import grand_livre
from .models import Provision

LIMITE = 50
ETATS_SUIVIS = frozenset(
    {Etat.ORDONNEE, Etat.NOTIFIEE, Etat.ACCEPTEE, Etat.ATTENTE_CONSIGNATION, Etat.EN_COURS, Etat.PHASE_DIRES, Etat.REDACTION}
)


def _echeance(e: Expertise, jour):  # type: ignore[no-untyped-def]
    if jour is None:
        return None, False
    return fin_de_journee(jour, e.fuseau), jours_restants(jour, e.fuseau) <= 7


def a_faire_frais(user: Utilisateur) -> list[ElementAFaire]:
    if not getattr(user, "is_authenticated", False):
        return []
    miennes = list(
        Participant.objects.filter(
            utilisateur=user,
            retire_le__isnull=True,
            expertise__etat__in=ETATS_SUIVIS,
            expertise__in=Provision.objects.values("expertise"),
        ).select_related("expertise__juridiction")[: LIMITE * 4]
    )
    par_cas: dict[int, tuple[Expertise, set[str], set[int]]] = {}
    for p in miennes:
        e, qualites, parties = par_cas.setdefault(p.expertise_id, (p.expertise, set(), set()))
        qualites.add(p.qualite)
        if p.partie_id:
            parties.add(p.partie_id)
    items: list[ElementAFaire] = []
    for e, qualites, parties in par_cas.values():
        if e.est_penale:
            continue
        livre = grand_livre.calculer(e)
        url = reverse("frais:frais", kwargs={"reference": e.uuid})
        ref = f"Expertise RG {e.numero_rg}"
        echeance, urgent = _echeance(e, livre.prochaine_date)
        attendue = e.etat == Etat.ATTENTE_CONSIGNATION or (
            e.etat in ETATS_OPERATIONS and e.consignation_statut == StatutConsignation.COMPLEMENT_A_CONSIGNER
        )
        if Qualite.GREFFIER in qualites:
            if not livre.complet and attendue:
                items.append(
                    ElementAFaire(
                        f"{ref} : provision — versements à enregistrer ({euros(livre.reste)} restent à verser)",
                        url,
                        echeance,
                        urgent or livre.en_retard > 0,
                    )
                )
            elif e.etat == Etat.ATTENTE_CONSIGNATION:
                items.append(ElementAFaire(f"{ref} : provision complète — constatez la consignation", url, urgent=True))
            if livre.excedent > 0:
                items.append(ElementAFaire(f"{ref} : {euros(livre.excedent)} versés en trop, à rembourser par la régie", url))
        if Qualite.EXPERT in qualites:
            if not livre.complet and (attendue or e.etat == Etat.ACCEPTEE):
                items.append(
                    ElementAFaire(
                        f"{ref} : provision incomplète ({euros(livre.reste)} restent à verser) — attendez la consignation pour commencer",
                        url,
                        echeance,
                    )
                )
            elif e.etat in (Etat.ACCEPTEE, Etat.EN_COURS) and not Depot.objects.filter(expertise=e, depose_par=user).exists():
                items.append(
                    ElementAFaire(
                        f"{ref} : provision complète — vous pouvez commencer les opérations (CPC 267)", url, urgent=True
                    )
                )
        if qualites & {Qualite.AVOCAT, Qualite.PARTIE}:
            for ligne in livre.lignes:
                if ligne.cle in parties and ligne.reste > 0:
                    prochaine = ligne.prochaine
                    fin, proche = _echeance(e, prochaine.date_limite if prochaine else None)
                    items.append(
                        ElementAFaire(
                            f"{ref} : provision — {euros(prochaine.reste if prochaine else ligne.reste)} à verser à la régie pour {ligne.libelle}"
                            + (f" ({euros(ligne.en_retard)} en retard)" if ligne.en_retard else ""),
                            url,
                            fin,
                            proche or ligne.en_retard > 0,
                        )
                    )
        if Qualite.MAGISTRAT in qualites and livre.en_retard > 0:
            items.append(
                ElementAFaire(
                    f"{ref} : provision en retard ({euros(livre.en_retard)} échus non versés, CPC 271)", url, echeance, True
                )
            )
        if len(items) >= LIMITE:
            break
    return items


# --- Frais (2): requests, fee request, taxation, régie payments ------------------------------------

ETATS_REMUNERATION = frozenset(
    {Etat.EN_COURS, Etat.PHASE_DIRES, Etat.REDACTION, Etat.RAPPORT_DEPOSE, Etat.SANS_OBJET, Etat.TAXATION}
)


def a_faire_remuneration(user: Utilisateur) -> list[ElementAFaire]:
    """magistrate: requests and taxations to decide; expert: requests answered, fee request due,
    the judge's invitation, the notification of the ordonnance; parties: observations open and
    their deadline; greffe: payments and refunds the régie must make."""
    from .models import Demande, DemandeRemuneration, StatutDemande, Taxe
    from .remuneration import acomptes_a_payer, delais, solde

    if not getattr(user, "is_authenticated", False):
        return []
    miennes = list(
        Participant.objects.filter(
            utilisateur=user, retire_le__isnull=True, expertise__etat__in=ETATS_REMUNERATION, expertise__matiere="civile"
        ).select_related("expertise__juridiction")[: LIMITE * 4]
    )
    par_cas: dict[int, tuple[Expertise, set[str], set[int]]] = {}
    for p in miennes:
        e, qualites, parties = par_cas.setdefault(p.expertise_id, (p.expertise, set(), set()))
        qualites.add(p.qualite)
        if p.partie_id:
            parties.add(p.partie_id)
    items: list[ElementAFaire] = []
    for e, qualites, parties in par_cas.values():
        url = reverse("frais:remuneration", kwargs={"reference": e.uuid})
        ref = f"Expertise RG {e.numero_rg}"
        demandes = list(Demande.objects.filter(expertise=e))
        dr = DemandeRemuneration.objects.filter(expertise=e).first()
        taxe = Taxe.objects.filter(expertise=e).first()
        rendue = bool(taxe and taxe.rendue_le)
        les_delais = delais(e) if dr else []
        tous_echus = bool(les_delais) and all(d.echu for d in les_delais)
        if Qualite.MAGISTRAT in qualites:
            for d in demandes:
                if d.statut == StatutDemande.EN_ATTENTE:
                    items.append(
                        ElementAFaire(
                            f"{ref} : demande de l'expert à décider — {d.get_type_display().lower()} ({euros(d.montant)})",
                            url,
                            urgent=d.suspension_demandee,
                        )
                    )
            if dr and not rendue and tous_echus:
                attente = (
                    taxe is not None
                    and taxe.invitation_le
                    and not taxe.observations_expert_le
                    and taxe.date_limite_expert
                    and jours_restants(taxe.date_limite_expert, e.fuseau) >= 0
                )
                if not attente:
                    items.append(
                        ElementAFaire(
                            f"{ref} : ordonnance de taxe à rendre ({euros(dr.montant)} demandés, CPC 284)", url, urgent=True
                        )
                    )
        if Qualite.EXPERT in qualites:
            for d in demandes:
                if d.statut != StatutDemande.EN_ATTENTE and d.decidee_le and jours_restants(d.decidee_le.date(), e.fuseau) >= -15:
                    items.append(
                        ElementAFaire(
                            f"{ref} : votre demande ({d.get_type_display().lower()}) est {d.get_statut_display().lower()}", url
                        )
                    )
            if dr is None and e.etat in (Etat.RAPPORT_DEPOSE, Etat.SANS_OBJET, Etat.REDACTION):
                items.append(
                    ElementAFaire(
                        f"{ref} : demande de rémunération à déposer avec le rapport (CPC 282)",
                        url,
                        urgent=e.etat != Etat.REDACTION,
                    )
                )
            if taxe and taxe.invitation_le and not rendue and not taxe.observations_expert_le and taxe.date_limite_expert:
                fin, proche = _echeance(e, taxe.date_limite_expert)
                items.append(
                    ElementAFaire(f"{ref} : le juge envisage {euros(taxe.montant_envisage)} — vos observations", url, fin, proche)
                )
            if rendue and taxe and taxe.notifiee_le is None:
                items.append(ElementAFaire(f"{ref} : notifiez l'ordonnance de taxe aux parties (CPC 724)", url, urgent=True))
        if qualites & {Qualite.AVOCAT, Qualite.PARTIE} and not rendue:
            for d in les_delais:
                if d.partie.pk in parties and d.reception and not d.echu:
                    fin, proche = _echeance(e, d.fin)
                    items.append(
                        ElementAFaire(
                            f"{ref} : observations sur la demande de rémunération de l'expert pour {d.partie.designation}",
                            url,
                            fin,
                            proche,
                        )
                    )
        if Qualite.GREFFIER in qualites:
            a_payer = acomptes_a_payer(e)
            if a_payer:
                items.append(
                    ElementAFaire(f"{ref} : acompte de {euros(a_payer)} à verser à l'expert par la régie", url, urgent=True)
                )
            if rendue:
                s = solde(e)
                if s.reste_expert:
                    items.append(
                        ElementAFaire(
                            f"{ref} : {euros(s.reste_expert)} à verser à l'expert par la régie (ordonnance de taxe)",
                            url,
                            urgent=True,
                        )
                    )
                for r in s.remboursements:
                    if r.reste:
                        items.append(
                            ElementAFaire(f"{ref} : {euros(r.reste)} à rembourser à {r.partie.designation} par la régie", url)
                        )
        if len(items) >= LIMITE:
            break
    return items


def a_faire_tout(user: Utilisateur) -> list[ElementAFaire]:
    return [*a_faire_frais(user), *a_faire_remuneration(user)]
