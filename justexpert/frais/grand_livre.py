"""The ledger of a case, computed from its provisions, shares, instalments and payments: per party
and in total, what is due, advanced by the State, paid, still to pay, late, and paid in surplus.

Rules (docs/frais.md):
- Amounts are ``Decimal`` rounded to the cent, half up (``arrondir``). A share given as a
  percentage of a provision, and an instalment given as a percentage of a share, are rounded this
  way when the provision is fixed; the last one takes the remainder, so the parts always add up
  to the provision to the cent.
- A payment counts for the party it is made for (``Versement.pour``), whoever paid it, and covers
  that party's instalments in date order. Payments for a party do not cover another's dues.
- A share under aide juridictionnelle is advanced by the State: it is not due from the party and
  counts as covered.
- Late: the instalments whose deadline is over (end of that day in court time) and not covered.
- Surplus: what a party paid beyond its dues; the régie refunds it (flagged, nothing automatic).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from justexpert.expertises.models import Expertise, Partie
from justexpert.lib.temps import est_echu

from .models import Echeance, Part, Provision, Versement

CENTIME = Decimal("0.01")
ZERO = Decimal("0.00")
NON_PRECISE = "Non précisé"


def arrondir(montant: Decimal) -> Decimal:
    return montant.quantize(CENTIME, rounding=ROUND_HALF_UP)


def repartir(total: Decimal, fractions: list[Decimal]) -> list[Decimal]:
    """``total`` split by ``fractions`` (summing to 1), rounded half up, the last taking the rest."""
    montants = [arrondir(total * f) for f in fractions[:-1]]
    return [*montants, total - sum(montants, ZERO)]


@dataclass
class LigneEcheance:
    date_limite: dt.date
    montant: Decimal
    couvert: Decimal = ZERO

    @property
    def reste(self) -> Decimal:
        return self.montant - self.couvert


@dataclass
class LignePartie:
    cle: int | None  # the Partie pk, None for « non précisé »
    libelle: str
    du: Decimal = ZERO
    avance_etat: Decimal = ZERO
    decisions_aj: list[str] = field(default_factory=list)
    verse: Decimal = ZERO
    en_retard: Decimal = ZERO
    echeances: list[LigneEcheance] = field(default_factory=list)
    versements: list[Versement] = field(default_factory=list)

    @property
    def reste(self) -> Decimal:
        return max(self.du - self.verse, ZERO)

    @property
    def excedent(self) -> Decimal:
        return max(self.verse - self.du, ZERO)

    @property
    def prochaine(self) -> LigneEcheance | None:
        return next((ech for ech in self.echeances if ech.reste > 0), None)


@dataclass
class GrandLivre:
    expertise: Expertise
    provisions: list[Provision]
    lignes: list[LignePartie]
    versements: list[Versement]

    def _somme(self, attribut: str) -> Decimal:
        return sum((getattr(ligne, attribut) for ligne in self.lignes), ZERO)

    @property
    def ordonne(self) -> Decimal:
        return sum((p.montant for p in self.provisions), ZERO)

    @property
    def du(self) -> Decimal:
        return self._somme("du")

    @property
    def avance_etat(self) -> Decimal:
        return self._somme("avance_etat")

    @property
    def verse(self) -> Decimal:
        return self._somme("verse")

    @property
    def reste(self) -> Decimal:
        return self._somme("reste")

    @property
    def en_retard(self) -> Decimal:
        return self._somme("en_retard")

    @property
    def excedent(self) -> Decimal:
        return self._somme("excedent")

    @property
    def existe(self) -> bool:
        return bool(self.provisions)

    @property
    def complet(self) -> bool:
        return self.existe and self.reste == ZERO

    @property
    def prochaine_date(self) -> dt.date | None:
        """The nearest deadline of what remains due (the case's consignation deadline)."""
        dates = [ligne.prochaine.date_limite for ligne in self.lignes if ligne.prochaine is not None]
        return min(dates) if dates else None

    @property
    def derniere_date(self) -> dt.date | None:
        dates = [ech.date_limite for ligne in self.lignes for ech in ligne.echeances]
        return max(dates) if dates else None

    def ligne(self, partie: Partie | None) -> LignePartie | None:
        cle = partie.pk if partie is not None else None
        return next((ligne for ligne in self.lignes if ligne.cle == cle), None)


def calculer(e: Expertise, instant: dt.datetime | None = None) -> GrandLivre:
    """The ledger of ``e`` (a few queries, whatever the number of rows)."""
    provisions = list(Provision.objects.filter(expertise=e))
    parts = list(Part.objects.filter(provision__expertise=e).select_related("partie"))
    echeances = list(Echeance.objects.filter(part__provision__expertise=e).order_by("date_limite", "rang", "id"))
    versements = list(Versement.objects.filter(expertise=e).select_related("payeur", "pour", "enregistre_par"))
    noms = {p.pk: p.designation for p in Partie.objects.filter(expertise=e)}
    lignes: dict[int | None, LignePartie] = {}

    def ligne_de(cle: int | None) -> LignePartie:
        if cle not in lignes:
            lignes[cle] = LignePartie(cle, noms.get(cle, NON_PRECISE) if cle is not None else NON_PRECISE)
        return lignes[cle]

    par_part: dict[int, list[Echeance]] = defaultdict(list)
    for ech in echeances:
        par_part[ech.part_id].append(ech)
    for part in parts:
        ligne = ligne_de(part.partie_id)
        if part.aide_juridictionnelle:
            ligne.avance_etat += part.montant
            ligne.decisions_aj.append(part.decision_aj)
            continue
        ligne.du += part.montant
        ligne.echeances.extend(LigneEcheance(ech.date_limite, ech.montant) for ech in par_part[part.pk])
    for v in versements:
        ligne = ligne_de(v.pour_id)
        ligne.verse += v.montant
        ligne.versements.append(v)
        if v.payeur_id != v.pour_id:
            ligne_de(v.payeur_id).versements.append(v)
    for ligne in lignes.values():
        ligne.echeances.sort(key=lambda ech: ech.date_limite)
        disponible = ligne.verse
        for tranche in ligne.echeances:
            tranche.couvert = min(tranche.montant, disponible)
            disponible -= tranche.couvert
            if tranche.reste > 0 and est_echu(tranche.date_limite, e.fuseau, instant):
                ligne.en_retard += tranche.reste
    ordre = sorted(lignes.values(), key=lambda ligne: (ligne.cle is None, ligne.libelle))
    return GrandLivre(e, provisions, ordre, versements)
