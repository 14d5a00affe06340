"""Every change of the provision ledger: fix or split a provision, record a payment, and follow the
procedure of the case (designation, complement, relief of the caducité).

Like the services of expertises: one transaction, the acting user as ``acteur``, the case row
locked, an evidence-log event per change (references and amounts only: never a name, an RG
number or a régie reference typed by hand), the case changed only through expertises' services.
When the provision becomes complete, the consignation is recorded by ``expertises`` (the expert
is told to start); when a deadline passes unpaid, expertises' periodic task declares the
designation caduque (CPC 271) from the summary this module keeps up to date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from justexpert.comptes.models import Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.expertises import permissions
from justexpert.expertises import services as expertises
from justexpert.expertises.models import Etat, Expertise, Matiere, Partie, Qualite, StatutConsignation
from justexpert.expertises.procedure import ETATS_OPERATIONS
from justexpert.lib.format import date_longue
from justexpert.lib.temps import date_locale, maintenant
from justexpert.preuves import services as preuves

from . import grand_livre
from .grand_livre import ZERO, arrondir, repartir
from .models import Echeance, Part, Provision, Versement

MONTANT_MAX = Decimal("99999999.99")
NON_PRECISE = "non_precise"
LIBELLE_DECISION = "Provision fixée par la décision"
LIBELLE_COMPLEMENT = "Consignation complémentaire"


class RefusChamp(RefusService):
    """A refusal about one field of the form (the view shows it at that field)."""

    def __init__(self, champ: str, message: str) -> None:
        super().__init__(message)
        self.champ = champ


@dataclass(frozen=True)
class PartDemandee:
    partie: Partie | None
    montant: Decimal | None = None
    pourcentage: Decimal | None = None
    decision_aj: str = ""


def _evenement(type_: str, *, acteur: Utilisateur | None, e: Expertise, objet: object, **details: Any) -> Any:
    return preuves.enregistrer(
        f"frais.{type_}",
        acteur_ref=str(acteur.uuid) if acteur is not None else expertises.ACTEUR_SYSTEME,
        objet_ref=str(objet),
        dossier_ref=str(e.uuid),
        details={k: v for k, v in details.items() if v is not None} or None,
    )


def _euros(montant: Decimal) -> str:
    return f"{montant:.2f}"


def montant_valide(valeur: object, champ: str = "montant", *, zero: bool = False) -> Decimal:
    """A positive amount in euros and cents (RefusChamp otherwise)."""
    try:
        montant = valeur if isinstance(valeur, Decimal) else Decimal(str(valeur).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise RefusChamp(champ, "Montant invalide : chiffres et virgule, par exemple 1500,00.") from None
    if not montant.is_finite():
        raise RefusChamp(champ, "Montant invalide : chiffres et virgule, par exemple 1500,00.")
    if montant < 0 or (montant == 0 and not zero):
        raise RefusChamp(champ, "Le montant doit être positif.")
    if montant != arrondir(montant):
        raise RefusChamp(champ, "Deux décimales au plus (les centimes).")
    if montant > MONTANT_MAX:
        raise RefusChamp(champ, "Montant trop élevé.")
    return montant


def _verrouiller(expertise: Expertise) -> Expertise:
    return Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)


def _civile(e: Expertise) -> None:
    if e.matiere != Matiere.CIVILE:
        raise RefusService("En matière pénale, pas de provision : les frais d'expertise sont des frais de justice.")


# --- Following the procedure (reactions registered in extension.py) ---------------------------------


def absorber_resume(e: Expertise, *, acteur: Utilisateur | None, **_: Any) -> None:
    """After the designation or an order of complement fired from the case page: the amount the
    case's summary holds beyond the ledger becomes a provision whose split is « non précisé »."""
    if e.matiere != Matiere.CIVILE or not e.consignation_montant:
        return
    deja = sum((p.montant for p in Provision.objects.filter(expertise=e)), ZERO)
    ecart = e.consignation_montant - deja
    if ecart <= 0:
        return
    jour = e.consignation_date_limite or date_locale(maintenant(), e.fuseau)
    _creer_provision(
        e,
        acteur=acteur,
        libelle=LIBELLE_COMPLEMENT if deja else LIBELLE_DECISION,
        montant=ecart,
        parts=[(None, ecart, "")],
        echeances=[(jour, Decimal(1))],
    )


def reporter_echeances(e: Expertise, *, acteur: Utilisateur | None, **_: Any) -> None:
    """The judge relieved the caducité or extended the deadline (CPC 271): the instalments not
    paid yet whose deadline comes earlier move to the new date."""
    jour = e.consignation_date_limite
    if jour is None:
        return
    n = Echeance.objects.filter(part__provision__expertise=e, date_limite__lt=jour).update(date_limite=jour)
    if n:
        _evenement("echeances_reportees", acteur=acteur, e=e, objet=e.uuid, echeances=n, date_limite=jour.isoformat())


# --- Provisions -----------------------------------------------------------------------------------


def _creer_provision(
    e: Expertise,
    *,
    acteur: Utilisateur | None,
    libelle: str,
    montant: Decimal,
    parts: list[tuple[Partie | None, Decimal, str]],
    echeances: list[tuple[dt.date, Decimal]],
    provision: Provision | None = None,
) -> Provision:
    if provision is None:
        provision = Provision.objects.create(expertise=e, libelle=libelle, montant=montant, cree_par=acteur)
        type_ = "provision"
    else:
        Part.objects.filter(provision=provision).delete()
        type_ = "repartition"
    fractions = [f for _, f in echeances]
    for partie, part_montant, decision in parts:
        part = Part.objects.create(
            provision=provision,
            partie=partie,
            montant=part_montant,
            aide_juridictionnelle=bool(decision),
            decision_aj=decision,
        )
        if not decision:
            Echeance.objects.bulk_create(
                Echeance(part=part, rang=rang, date_limite=jour, montant=m)
                for rang, ((jour, _), m) in enumerate(zip(echeances, repartir(part_montant, fractions), strict=True), 1)
            )
    evenement = _evenement(
        type_,
        acteur=acteur,
        e=e,
        objet=provision.uuid,
        montant=_euros(montant),
        parts=len(parts),
        echeances=len(echeances),
        aide_juridictionnelle=sum(1 for _, _, d in parts if d) or None,
    )
    if provision.evenement_id is None:
        provision.evenement = evenement
        provision.save(update_fields=["evenement"])
    return provision


def _parts(e: Expertise, total: Decimal, demandees: list[PartDemandee]) -> list[tuple[Partie | None, Decimal, str]]:
    """Amounts of the shares: given in euros, or as percentages (rounded half up, the last share
    given as a percentage takes the remainder so that the shares add up to the provision)."""
    demandees = [d for d in demandees if d.montant or d.pourcentage or d.decision_aj]
    if not demandees:
        raise RefusChamp("parts", "Indiquez la part d'au moins une partie (montant ou pourcentage).")
    vues: set[int | None] = set()
    for d in demandees:
        if d.partie is not None and d.partie.expertise_id != e.pk:
            raise RefusChamp("parts", "Choisissez les parties parmi celles de l'expertise.")
        cle = d.partie.pk if d.partie else None
        if cle in vues:
            raise RefusChamp("parts", "Une même partie ne peut avoir qu'une part par provision.")
        vues.add(cle)
        if d.montant is not None and d.pourcentage is not None:
            raise RefusChamp("parts", "Pour chaque partie, indiquez un montant ou un pourcentage, pas les deux.")
        if d.montant is None and d.pourcentage is None:
            raise RefusChamp(
                "parts", "Indiquez le montant ou le pourcentage de chaque part, y compris sous aide juridictionnelle."
            )
        if d.decision_aj and len(d.decision_aj.strip()) > 60:
            raise RefusChamp("parts", "La référence de la décision d'aide juridictionnelle tient en 60 caractères.")
    en_euros = [montant_valide(d.montant, "parts", zero=True) for d in demandees if d.montant is not None]
    pourcentages = [d for d in demandees if d.pourcentage is not None]
    for d in pourcentages:
        if d.pourcentage is None or d.pourcentage <= 0 or d.pourcentage > 100:
            raise RefusChamp("parts", "Un pourcentage est compris entre 0 et 100.")
    reste = total - sum(en_euros, ZERO)
    montants: dict[int, Decimal] = {}
    if pourcentages:
        somme = sum((d.pourcentage or ZERO for d in pourcentages), ZERO)
        if sum(en_euros, ZERO) == 0 and somme != 100:
            raise RefusChamp("parts", f"Les pourcentages font {somme} % : ils doivent faire 100 %.")
        fractions = [(d.pourcentage or ZERO) / somme for d in pourcentages]
        for d, m in zip(pourcentages, repartir(reste, fractions), strict=True):
            montants[id(d)] = m
    result = [
        (
            d.partie,
            montants[id(d)] if d.pourcentage is not None else montant_valide(d.montant, "parts", zero=True),
            d.decision_aj.strip(),
        )
        for d in demandees
    ]
    somme_parts = sum((m for _, m, _ in result), ZERO)
    if somme_parts != total:
        raise RefusChamp(
            "parts",
            f"Les parts font {_euros(somme_parts).replace('.', ',')} € : elles doivent faire le montant de la provision "
            f"({_euros(total).replace('.', ',')} €).",
        )
    return result


def _echeances(e: Expertise, echeances: list[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
    """Instalments as (deadline, percentage of each share): future dates in order, 100 % in all."""
    if not echeances:
        raise RefusChamp("echeances", "Indiquez au moins une date limite de versement (CPC 269).")
    aujourd_hui = date_locale(maintenant(), e.fuseau)
    precedente: dt.date | None = None
    for jour, pourcentage in echeances:
        if jour <= aujourd_hui:
            raise RefusChamp("echeances", "Chaque date limite doit être postérieure à aujourd'hui.")
        if precedente is not None and jour <= precedente:
            raise RefusChamp("echeances", "Les échéances se suivent : chaque date après la précédente.")
        if pourcentage <= 0:
            raise RefusChamp("echeances", "Chaque échéance porte sur un pourcentage positif.")
        precedente = jour
    somme = sum((p for _, p in echeances), ZERO)
    if somme != 100:
        raise RefusChamp("echeances", f"Les échéances font {somme} % : elles doivent faire 100 %.")
    return [(jour, p / 100) for jour, p in echeances]


def _peut_fixer(acteur: Utilisateur, e: Expertise) -> set[str]:
    mes = permissions.qualites(acteur, e)
    if not mes & {Qualite.MAGISTRAT, Qualite.GREFFIER}:
        raise RefusService("Seuls le magistrat et le greffe de l'expertise fixent les provisions.")
    return mes


ETATS_PROVISION = expertises.ETATS_AVANT_CONSIGNATION | {Etat.ATTENTE_CONSIGNATION}


def fixer_provision(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    montant: object,
    parts: list[PartDemandee],
    echeances: list[tuple[dt.date, Decimal]],
    libelle: str = "",
) -> Provision:
    """A new provision ordered by the judge (CPC 269): its split and its instalments. Once the
    operations have started, it is a complementary consignation ordered by the magistrate (CPC 280)."""
    total = montant_valide(montant)
    with transaction.atomic():
        e = _verrouiller(expertise)
        _civile(e)
        mes = _peut_fixer(acteur, e)
        if e.etat not in ETATS_PROVISION | ETATS_OPERATIONS:
            raise RefusService(f"Aucune provision ne peut être fixée : l'expertise est « {e.get_etat_display().lower()} ».")
        if e.etat in ETATS_OPERATIONS and Qualite.MAGISTRAT not in mes:
            raise RefusService(
                "Une fois les opérations commencées, seul le magistrat ordonne une consignation complémentaire (CPC 280)."
            )
        lignes = _parts(e, total, parts)
        tranches = _echeances(e, echeances)
        complement = e.etat in ETATS_OPERATIONS
        provision = _creer_provision(
            e,
            acteur=acteur,
            libelle=(libelle.strip()[:100] or (LIBELLE_COMPLEMENT if complement or e.provisions.exists() else LIBELLE_DECISION)),
            montant=total,
            parts=lignes,
            echeances=tranches,
        )
        if complement:
            # The case's own step (its history, its mail); the ledger already holds the amount.
            expertises.ordonner_complement(acteur=acteur, expertise=e, montant=total, jour=echeances[0][0])
        _suivre(e, acteur=acteur)
    return provision


def repartir_provision(
    *, acteur: Utilisateur, provision: Provision, parts: list[PartDemandee], echeances: list[tuple[dt.date, Decimal]]
) -> Provision:
    """Split (again) a provision between the parties, e.g. the one taken over from the designation
    whose split was « non précisé ». Payments already recorded stay, for the party they were for."""
    with transaction.atomic():
        e = _verrouiller(provision.expertise)
        _civile(e)
        _peut_fixer(acteur, e)
        if e.etat not in ETATS_PROVISION | ETATS_OPERATIONS:
            raise RefusService(f"La provision ne peut plus être répartie : l'expertise est « {e.get_etat_display().lower()} ».")
        lignes = _parts(e, provision.montant, parts)
        tranches = _echeances(e, echeances)
        _creer_provision(
            e,
            acteur=acteur,
            libelle=provision.libelle,
            montant=provision.montant,
            parts=lignes,
            echeances=tranches,
            provision=provision,
        )
        _suivre(e, acteur=acteur)
    return provision


# --- Payments --------------------------------------------------------------------------------------


def enregistrer_versement(
    *,
    acteur: Utilisateur,
    expertise: Expertise,
    montant: object,
    verse_le: dt.date | None,
    payeur: Partie | None,
    pour: Partie | None,
    reference_regie: str,
    observations: str = "",
) -> Versement:
    """The greffe records a payment received by the régie. Any party may pay in place of another;
    a payment above what is due is recorded (the régie did receive it) and its surplus flagged for
    refund. The same régie reference twice in a case is one payment (RefusChamp the second time)."""
    somme = montant_valide(montant)
    reference = " ".join((reference_regie or "").split())
    if not reference:
        raise RefusChamp("reference_regie", "Indiquez la référence du versement donnée par la régie.")
    if len(reference) > 60:
        raise RefusChamp("reference_regie", "La référence de la régie tient en 60 caractères.")
    with transaction.atomic():
        e = _verrouiller(expertise)
        _civile(e)
        if Qualite.GREFFIER not in permissions.qualites(acteur, e):
            raise RefusService("Seul le greffe de l'expertise enregistre les versements reçus par la régie.")
        if verse_le is None:
            raise RefusChamp("verse_le", "Indiquez la date du versement.")
        if verse_le > date_locale(maintenant(), e.fuseau):
            raise RefusChamp("verse_le", "La date du versement ne peut pas être dans le futur.")
        for champ, partie in (("payeur", payeur), ("pour", pour)):
            if partie is not None and partie.expertise_id != e.pk:
                raise RefusChamp(champ, "Choisissez une partie de cette expertise.")
        if not Provision.objects.filter(expertise=e).exists():
            raise RefusService("Aucune provision n'est fixée dans cette expertise : il n'y a pas de versement à enregistrer.")
        if Versement.objects.filter(expertise=e, reference_regie=reference).exists():
            raise RefusChamp("reference_regie", _deja(reference))
        try:
            with transaction.atomic():
                v = Versement.objects.create(
                    expertise=e,
                    montant=somme,
                    verse_le=verse_le,
                    payeur=payeur,
                    pour=pour,
                    reference_regie=reference,
                    observations=(observations or "").strip()[:2000],
                    enregistre_par=acteur,
                )
        except IntegrityError:  # another greffier recorded it meanwhile: it counts once
            raise RefusChamp("reference_regie", _deja(reference)) from None
        v.evenement = _evenement(
            "versement",
            acteur=acteur,
            e=e,
            objet=v.uuid,
            montant=_euros(somme),
            verse_le=verse_le.isoformat(),
            payeur=str(payeur.uuid) if payeur else NON_PRECISE,
            pour=str(pour.uuid) if pour else NON_PRECISE,
        )
        v.save(update_fields=["evenement"])
        livre = _suivre(e, acteur=acteur)
        ligne = livre.ligne(pour)
        if ligne is not None and ligne.excedent > 0:
            _evenement("excedent", acteur=acteur, e=e, objet=v.uuid, excedent=_euros(ligne.excedent))
    return v


def _deja(reference: str) -> str:
    return f"Le versement de référence « {reference} » est déjà enregistré dans cette expertise : il n'est compté qu'une fois."


# --- Keeping the case in step with the ledger -----------------------------------------------------------


def _suivre(e: Expertise, *, acteur: Utilisateur) -> grand_livre.GrandLivre:
    """Push the ledger's summary to the case, and record the consignation when the provision is
    complete (the expert is told to start by expertises, as when the greffe records it by hand)."""
    livre = grand_livre.calculer(e)
    date_limite = livre.prochaine_date or livre.derniere_date
    e = expertises.resumer_consignation(
        acteur=acteur, expertise=e, montant=livre.ordonne or None, date_limite=date_limite, versee=livre.complet
    )
    if not livre.complet or Qualite.GREFFIER not in permissions.qualites(acteur, e):
        return livre
    # Before the consignation step (ordered, notified, accepted) the summary now says « consignée »:
    # the expert may start as soon as they accept (CPC 267).
    if e.etat == Etat.ATTENTE_CONSIGNATION:
        expertises.constater_consignation(acteur=acteur, expertise=e)
    elif e.etat in ETATS_OPERATIONS and e.consignation_statut == StatutConsignation.COMPLEMENT_A_CONSIGNER:
        expertises.constater_complement(acteur=acteur, expertise=e)
    return livre


def phrase_echeance(jour: dt.date | None) -> str:
    return f"avant le {date_longue(jour)}" if jour else ""


# --- Purge ---------------------------------------------------------------------------------------------


def purger(e: Expertise, *, acteur: Utilisateur | None, journal: Any) -> int:
    """With the case's retention purge: free text that may name people goes; amounts, dates and
    references stay (the ledger still adds up, the events still verify). The documents frais drew
    up (decisions, fee request, ordonnance de taxe, mémoire) are destroyed in the coffre with the
    purge's journal."""
    from justexpert.coffre import services as coffre

    from .models import Demande, DemandeRemuneration, MemoireFrais, ObservationRemuneration, Taxe

    n = Versement.objects.filter(expertise=e).exclude(observations="").update(observations="")
    n += Demande.objects.filter(expertise=e).update(justification="", motifs="")
    n += ObservationRemuneration.objects.filter(demande__expertise=e).update(texte="")
    n += Taxe.objects.filter(expertise=e).update(motifs="", invitation_motifs="", observations_expert="")
    if n:
        _evenement("purge", acteur=acteur, e=e, objet=e.uuid, observations=n)
    documents = [d.decision for d in Demande.objects.filter(expertise=e, decision__isnull=False).select_related("decision")]
    documents += [x.document for x in DemandeRemuneration.objects.filter(expertise=e).select_related("document")]
    documents += [t.ordonnance for t in Taxe.objects.filter(expertise=e, ordonnance__isnull=False).select_related("ordonnance")]
    documents += [m.document for m in MemoireFrais.objects.filter(expertise=e, document__isnull=False).select_related("document")]
    detruits = 0
    for document in documents:
        if not document.est_detruit:
            coffre.detruire(document, acteur=acteur, journal=journal, motif="conservation_echue")
            detruits += 1
    return detruits
