"""The statistics of a perimeter (a juridiction, a cour d'appel with its tribunaux, or the whole
platform for the Ministry) over a period, from the precomputed rows of ``faits.py``.

Every figure carries its definition, shown on the page and written in the CSV export. Rules:
- a period runs from the first instant of its first day to the last instant of its last day, in
  the perimeter's time zone (Europe/Paris for the national level);
- an event counts in the period when it happened in it; a duration counts when its end step
  happened in it;
- median: the middle value (mean of the two middle ones for an even count); 90th percentile: the
  nearest-rank value (the ⌈0.9 n⌉-th smallest); durations are in days (hours for the answers to
  solicitations), shown to one decimal.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from justexpert.comptes.models import Organisation, TypeOrganisation
from justexpert.lib.temps import date_locale, debut_de_journee

from .models import FaitEtape, FaitExpertise, FaitSollicitation, NatureEtape

FUSEAU_NATIONAL = "Europe/Paris"


@dataclass(frozen=True)
class Perimetre:
    organisation: Organisation | None  # None: every court (the Ministry)

    @property
    def libelle(self) -> str:
        if self.organisation is None:
            return "Ensemble des juridictions"
        if self.organisation.type == TypeOrganisation.COUR_APPEL:
            return f"{self.organisation.nom} et les tribunaux de son ressort"
        return self.organisation.nom

    @property
    def fuseau(self) -> str:
        return self.organisation.fuseau if self.organisation is not None else FUSEAU_NATIONAL

    def filtre(self, prefixe: str = "") -> Q:
        o = self.organisation
        if o is None:
            return Q()
        if o.type == TypeOrganisation.COUR_APPEL:
            return Q(**{f"{prefixe}cour_appel": o})
        return Q(**{f"{prefixe}juridiction": o})


@dataclass
class Chiffre:
    cle: str
    libelle: str
    definition: str
    valeur: object = None
    unite: str = ""


@dataclass
class Duree:
    cle: str
    libelle: str
    definition: str
    n: int = 0
    mediane: float | None = None
    p90: float | None = None
    sans_donnees: str = ""


@dataclass
class Resultat:
    perimetre: Perimetre
    debut: dt.date
    fin: dt.date
    rubrique: str
    comptes: list[Chiffre] = field(default_factory=list)
    durees: list[Duree] = field(default_factory=list)
    retard: list[Chiffre] = field(default_factory=list)
    sollicitations: list[Chiffre] = field(default_factory=list)
    delais_reponse: list[Duree] = field(default_factory=list)
    frais: list[Chiffre] = field(default_factory=list)
    par_mois: list[tuple[str, int]] = field(default_factory=list)
    par_rubrique: list[dict[str, object]] = field(default_factory=list)

    @property
    def vide(self) -> bool:
        return not any(c.valeur for c in self.comptes) and not any(c.valeur for c in self.sollicitations)


def mediane(valeurs: list[float]) -> float | None:
    return statistics.median(valeurs) if valeurs else None


def p90(valeurs: list[float]) -> float | None:
    """Nearest rank: the ⌈0.9 n⌉-th smallest value."""
    if not valeurs:
        return None
    tries = sorted(valeurs)
    return tries[max(1, math.ceil(0.9 * len(tries))) - 1]


def _jours(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 86400


MOIS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

# (key, label, start field, end field, definition, what to say when there is no data yet)
ETAPES = [
    (
        "acceptation",
        "De la désignation à l'acceptation",
        "designee_le",
        "acceptee_le",
        "Jours entre l'ordonnance de désignation enregistrée et la première acceptation de la mission par un expert.",
        "",
    ),
    (
        "consignation",
        "De l'acceptation à la provision versée",
        "acceptee_le",
        "consignee_le",
        "Jours entre l'acceptation et le constat de la consignation par le greffe (ou l'enregistrement du versement "
        "qui complète la provision) ; 0 si la provision était versée avant l'acceptation.",
        "",
    ),
    (
        "reunion",
        "De la provision versée à la première réunion",
        "consignee_le",
        "premiere_reunion_le",
        "Jours entre la provision versée et la date de la première réunion convoquée dans l'expertise.",
        "Les réunions sont lues sur les convocations déposées ; le calendrier des opérations arrive avec le module "
        "« opérations ».",
    ),
    (
        "pre_rapport",
        "De la première réunion au pré-rapport",
        "premiere_reunion_le",
        "pre_rapport_le",
        "Jours entre la première réunion et le dépôt du premier pré-rapport (pénal : rapport provisoire).",
        "",
    ),
    (
        "rapport",
        "Du pré-rapport au rapport",
        "pre_rapport_le",
        "rapport_le",
        "Jours entre le premier pré-rapport et le dépôt du rapport définitif.",
        "",
    ),
    (
        "taxation",
        "Du rapport à la taxation",
        "rapport_le",
        "taxee_le",
        "Jours entre le dépôt du rapport et l'ordonnance de taxe.",
        "L'ordonnance de taxe rendue dans « Frais » (sa date), ou à défaut la clôture avec taxation.",
    ),
    (
        "totale",
        "De la désignation au rapport",
        "designee_le",
        "rapport_le",
        "Jours entre l'ordonnance de désignation et le dépôt du rapport définitif (durée totale de l'expertise).",
        "",
    ),
]

DEFINITIONS_COMPTES = {
    NatureEtape.DESIGNATION: "Expertises dont la désignation a été enregistrée dans la période.",
    NatureEtape.ACCEPTATION: "Acceptations de mission par un expert dans la période.",
    NatureEtape.REFUS: "Refus de mission par l'expert désigné dans la période (chaque refus compte ; "
    "les motifs sont du texte libre, non publié : il peut nommer des personnes).",
    NatureEtape.CADUCITE: "Désignations devenues caduques faute de consignation (CPC 271) dans la période.",
    NatureEtape.CLOTURE: "Expertises closes dans la période.",
    NatureEtape.RAPPORT: "Rapports définitifs déposés dans la période.",
}


def calculer(perimetre: Perimetre, debut: dt.date, fin: dt.date, rubrique: str = "") -> Resultat:
    fuseau = perimetre.fuseau
    t0, t1 = debut_de_journee(debut, fuseau), debut_de_journee(fin + dt.timedelta(days=1), fuseau)
    r = Resultat(perimetre, debut, fin, rubrique)
    faits: QuerySet[FaitExpertise] = FaitExpertise.objects.filter(perimetre.filtre())
    sollicitations = FaitSollicitation.objects.filter(perimetre.filtre())
    if rubrique:
        faits = faits.filter(rubrique=rubrique)
        sollicitations = sollicitations.filter(rubrique=rubrique)

    # Counts of events.
    etapes = FaitEtape.objects.filter(fait__in=faits, le__gte=t0, le__lt=t1)
    nombres = dict(etapes.order_by().values("nature").annotate(n=Count("id")).values_list("nature", "n"))
    for nature in NatureEtape:
        r.comptes.append(Chiffre(nature.value, nature.label, DEFINITIONS_COMPTES[nature], nombres.get(nature.value, 0)))

    # Durations between steps, counted when the end step falls in the period.
    champs = sorted({c for _, _, a, b, _, _ in ETAPES for c in (a, b)})
    fin_dans = Q()
    for _, _, _, b, _, _ in ETAPES:
        fin_dans |= Q(**{f"{b}__gte": t0, f"{b}__lt": t1})
    lignes = list(faits.filter(fin_dans).values(*champs, "rapport_en_retard", "provisions", "montant_taxe", "montant_demande"))
    for cle, libelle, a, b, definition, note in ETAPES:
        valeurs = [
            max(0.0, _jours(ligne[a], ligne[b]))
            for ligne in lignes
            if ligne[a] is not None and ligne[b] is not None and t0 <= ligne[b] < t1
        ]
        r.durees.append(
            Duree(
                cle,
                libelle,
                definition,
                len(valeurs),
                mediane(valeurs),
                p90(valeurs),
                sans_donnees=note or "Aucune expertise n'a franchi cette étape dans la période.",
            )
        )

    # Reports late.
    deposes = [ligne for ligne in lignes if ligne["rapport_le"] is not None and t0 <= ligne["rapport_le"] < t1]
    en_retard = sum(1 for ligne in deposes if ligne["rapport_en_retard"])
    r.retard = [
        Chiffre("rapports", "Rapports déposés", DEFINITIONS_COMPTES[NatureEtape.RAPPORT], len(deposes)),
        Chiffre(
            "rapports_retard",
            "Rapports déposés après la date limite",
            "Rapports déposés dans la période un jour postérieur (heure de la juridiction) à la date limite alors en vigueur, "
            "prorogations comprises.",
            en_retard,
        ),
        Chiffre(
            "part_retard",
            "Part des rapports en retard",
            "Rapports en retard divisés par les rapports déposés dans la période, en pourcentage.",
            round(100 * en_retard / len(deposes), 1) if deposes else None,
            "%",
        ),
    ]

    # Money: provisions ordered and amounts taxed, for the cases taxed in the period.
    taxees = [ligne for ligne in lignes if ligne["taxee_le"] is not None and t0 <= ligne["taxee_le"] < t1]
    avec_provision = [ligne for ligne in taxees if ligne["provisions"] and ligne["montant_taxe"] is not None]
    total_prov = sum((ligne["provisions"] for ligne in avec_provision), Decimal(0))
    total_taxe = sum((ligne["montant_taxe"] for ligne in avec_provision), Decimal(0))
    rapports = [float(ligne["montant_taxe"] / ligne["provisions"]) for ligne in avec_provision]
    r.frais = [
        Chiffre("taxees", "Expertises taxées", "Ordonnances de taxe rendues dans la période.", len(taxees)),
        Chiffre(
            "provisions",
            "Provisions ordonnées (expertises taxées avec provision)",
            "Somme des provisions fixées (grand livre de « Frais ») des expertises taxées dans la période qui avaient une provision.",
            total_prov if avec_provision else None,
            "€",
        ),
        Chiffre(
            "taxe",
            "Montants taxés (mêmes expertises)",
            "Somme des montants de l'ordonnance de taxe de ces mêmes expertises.",
            total_taxe if avec_provision else None,
            "€",
        ),
        Chiffre(
            "taxe_sur_provision",
            "Coût final rapporté à la provision (médiane)",
            "Médiane, sur ces expertises, du montant taxé divisé par la provision ordonnée (1,00 : le coût final égale la provision).",
            round(mediane(rapports), 2) if rapports else None,  # type: ignore[arg-type]
        ),
    ]
    # Fees asked vs taxed: the cases taxed in the period whose expert filed a fee request.
    demandees = [ligne for ligne in taxees if ligne["montant_demande"] and ligne["montant_taxe"] is not None]
    total_demande = sum((ligne["montant_demande"] for ligne in demandees), Decimal(0))
    total_taxe_demande = sum((ligne["montant_taxe"] for ligne in demandees), Decimal(0))
    sur_demande = [float(ligne["montant_taxe"] / ligne["montant_demande"]) for ligne in demandees]
    r.frais += [
        Chiffre(
            "demande",
            "Rémunération demandée par l'expert (expertises taxées avec demande)",
            "Somme des demandes de rémunération (article 282 du code de procédure civile) des expertises taxées dans la "
            "période dont l'expert a déposé une demande chiffrée.",
            total_demande if demandees else None,
            "€",
        ),
        Chiffre(
            "taxe_demande",
            "Montants taxés (mêmes expertises)",
            "Somme des montants de l'ordonnance de taxe de ces mêmes expertises.",
            total_taxe_demande if demandees else None,
            "€",
        ),
        Chiffre(
            "taxe_sur_demande",
            "Montant taxé rapporté à la demande (médiane)",
            "Médiane, sur ces expertises, du montant taxé divisé par le montant demandé (1,00 : taxé comme demandé ; "
            "en dessous : rémunération réduite par le juge).",
            round(mediane(sur_demande), 2) if sur_demande else None,  # type: ignore[arg-type]
        ),
    ]

    # Solicitations of experts (recherche), counted by the day they were sent.
    envoyees = list(
        sollicitations.filter(envoyee_le__gte=t0, envoyee_le__lt=t1).values_list(
            "etat", "envoyee_le", "repondue_le", "conflit_interets"
        )
    )
    etats = Counter(e for e, _, _, _ in envoyees)
    reponses = [(b - a).total_seconds() / 3600 for e, a, b, _ in envoyees if b is not None and e in ("acceptee", "refusee")]
    r.sollicitations = [
        Chiffre("envoyees", "Sollicitations envoyées", "Sollicitations d'experts envoyées dans la période.", len(envoyees)),
        Chiffre(
            "repondues",
            "Sollicitations répondues",
            "Parmi elles, celles auxquelles l'expert a répondu (acceptée ou refusée).",
            etats["acceptee"] + etats["refusee"],
        ),
        Chiffre("acceptees", "Sollicitations acceptées", "Parmi elles, celles que l'expert a acceptées.", etats["acceptee"]),
        Chiffre("refusees", "Sollicitations refusées", "Parmi elles, celles que l'expert a refusées.", etats["refusee"]),
        Chiffre(
            "refusees_conflit",
            "dont refus avec conflit d'intérêts déclaré",
            "Refus où l'expert a déclaré un conflit d'intérêts (le seul motif structuré ; les autres motifs sont du texte libre).",
            sum(1 for e, _, _, c in envoyees if e == "refusee" and c),
        ),
        Chiffre(
            "expirees",
            "Sollicitations expirées sans réponse",
            "Parmi elles, celles restées sans réponse à la date limite.",
            etats["expiree"],
        ),
        Chiffre(
            "en_attente",
            "Sollicitations en attente",
            "Parmi elles, celles qui attendent encore une réponse.",
            etats["en_attente"],
        ),
    ]
    r.delais_reponse = [
        Duree(
            "reponse",
            "Délai de réponse à une sollicitation",
            "Heures entre l'envoi de la sollicitation et la réponse de l'expert (sollicitations répondues, envoyées dans la période).",
            len(reponses),
            mediane(reponses),
            p90(reponses),
            sans_donnees="Aucune sollicitation répondue dans la période.",
        )
    ]

    # By month (designations) and by specialité.
    mois: Counter[tuple[int, int]] = Counter()
    for le in etapes.filter(nature=NatureEtape.DESIGNATION).values_list("le", flat=True):
        jour = date_locale(le, fuseau)
        mois[(jour.year, jour.month)] += 1
    a, m = debut.year, debut.month
    while (a, m) <= (fin.year, fin.month):
        r.par_mois.append((f"{MOIS[m - 1]} {a}", mois[(a, m)]))
        a, m = (a + 1, 1) if m == 12 else (a, m + 1)
    par_rub: dict[str, dict[str, int]] = defaultdict(lambda: {"ordonnees": 0, "rapports": 0, "retard": 0})
    for rub, nature, n in (
        etapes.filter(nature__in=[NatureEtape.DESIGNATION, NatureEtape.RAPPORT])
        .order_by()
        .values("fait__rubrique", "nature")
        .annotate(n=Count("id"))
        .values_list("fait__rubrique", "nature", "n")
    ):
        par_rub[rub]["ordonnees" if nature == NatureEtape.DESIGNATION else "rapports"] += n
    for ligne in faits.filter(rapport_le__gte=t0, rapport_le__lt=t1, rapport_en_retard=True).values_list("rubrique", flat=True):
        par_rub[ligne]["retard"] += 1
    r.par_rubrique = [{"rubrique": k, **v} for k, v in sorted(par_rub.items())]
    return r
