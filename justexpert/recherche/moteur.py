"""The magistrate's search (SELEXPert): filters, French free text, thesaurus, explained ordering.

Ordering (issue 21; each expert's card says why it is where it is, in plain words):
1. relevance: competent experts (the weighted share of the mission's distinctive words found
   reaches ``PART_COMPETENT``), then weaker matches (above ``PART_FAIBLE``), each by band of
   relevance (``TRANCHES``); the score weighs where each word is found (specialite label or
   thesaurus > fine competences > rubrique label) and how rare it is in the whole referential
   (``classement``'s docstring, docs/recherche.md « Relevance »);
2. within a band: availability (only relevant when unavailable experts are shown on demand),
   proximity (same département as the requester's tribunal, then same ressort, then the rest),
   current workload (fewest open missions first), last designation (longest ago, or never, first);
3. then the exact score, then name.
Words of the judge's trade are left out (``texte``); an empty mission searches by filters only;
a mission naming only one matter (civil or penal) searches among the experts who accept it.

Cost is bounded: at most ``MAX_RESULTATS`` results are reachable (pages beyond the last show the
last one), the mission is cut to its ``texte.MAX_RACINES`` most distinctive stems, and every request runs the same
number of queries whatever the filters.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from justexpert.annuaire.models import ElementNomenclature, Inscription, VersionNomenclature
from justexpert.comptes.models import ROLES_JUSTICE, Organisation, TypeOrganisation, Utilisateur
from justexpert.lib.format import date_longue

from . import classement, index
from .models import EntreeThesaurus, FrequenceRacine, codes_du_thesaurus
from .texte import MAX_RACINES, Mission, analyser, matiere_du_texte, racines
from .thesaurus import cle_libelle

PAR_PAGE = 20
MAX_RESULTATS = 400
MAX_PAGES = MAX_RESULTATS // PAR_PAGE
# Relevance thresholds (settings ``RECHERCHE_PART_COMPETENT`` and ``RECHERCHE_PART_FAIBLE``, shares
# between 0 and 1, defined in docs/recherche.md): the weighted share of the mission's distinctive
# words an expert must match to be listed as competent, or as a weaker match after them.
PART_COMPETENT = 0.5
PART_FAIBLE = 0.3
# Bands of relevance (``RECHERCHE_TRANCHES``): within one band, proximity and workload decide.
TRANCHES = 5


Liste = classement.Liste


@dataclass
class Criteres:
    texte: str = ""
    nomenclature: str = ""  # code of a branche, rubrique or specialite
    cour: Organisation | None = None
    liste: str = Liste.COUR
    departement: str = ""
    langue: str = ""
    matiere: str = ""  # "civile" | "penale" | ""
    echange_securise: bool = False
    inclure_indisponibles: bool = False
    page: int = 1


@dataclass
class InscriptionVue:
    """An inscription in force as a result shows it."""

    specialite_id: int
    code: str
    libelle: str
    liste: str  # the list's code

    @property
    def libelle_affiche(self) -> str:
        return self.libelle or "(libellé non renseigné)"


@dataclass
class Fiche:
    """What a result shows and explains (page and API), read from the search document the ranking
    read (the fiche's copy, at most ``RECHERCHE_FRAICHEUR_S`` old) and the fiche's identifier."""

    COLONNES: ClassVar[tuple[str, ...]] = (
        "expert_id",
        "expert__uuid",
        "nom",
        "prenom",
        "departement",
        "cour_appel_id",
        "cour_appel__code",
        "cour_appel__nom",
        "missions_en_cours",
        "derniere_designation",
        "texte_normalise",
        "indisponible_jusqu_au",
        "max_missions",
    )
    expert_id: int
    expert__uuid: uuid.UUID
    nom: str
    prenom: str
    departement: str
    cour_appel_id: int | None
    cour_appel__code: str | None
    cour_appel__nom: str | None
    missions_en_cours: int
    derniere_designation: dt.date | None
    texte_normalise: str
    indisponible_jusqu_au: dt.date | None
    max_missions: int | None
    inscriptions_actives: list[InscriptionVue]

    @property
    def pk(self) -> int:
        return self.expert_id

    @property
    def uuid(self) -> uuid.UUID:
        return self.expert__uuid

    @property
    def cour_appel_code(self) -> str | None:
        return self.cour_appel__code

    @property
    def cour_appel_nom(self) -> str | None:
        return self.cour_appel__nom

    @property
    def nom_complet(self) -> str:
        return f"{self.nom.upper()} {self.prenom}".strip()


@dataclass
class Resultat:
    expert: Fiche
    raisons: list[str]
    disponible: bool
    marque: str  # "" or why the expert cannot be solicited now
    niveau_competence: int
    # What the result card shows, written once here rather than looked up field by field by the
    # template (20 cards per page).
    nom_complet: str = ""
    uuid: str = ""
    inscriptions: str = ""


@dataclass
class Resultats:
    resultats: list[Resultat]
    total: int
    page: int
    pages: int
    messages: list[str] = field(default_factory=list)
    mots_ignores: bool = False
    mots_ecartes: list[str] = field(default_factory=list)  # words of the judge's trade not counted

    @property
    def competents(self) -> int:
        return sum(1 for r in self.resultats if r.niveau_competence >= 2)

    @property
    def tronque(self) -> bool:
        """``total`` is capped at ``MAX_RESULTATS + 1``: more matched than can be shown."""
        return self.total > MAX_RESULTATS

    @property
    def titre(self) -> str:
        if self.tronque:
            return f"Plus de {MAX_RESULTATS} experts correspondent"
        pluriel = "s" if self.total > 1 else ""
        return f"{self.total} expert{pluriel} proposé{pluriel}"


def lieu_du_demandeur(user: Utilisateur) -> tuple[set[str], Organisation | None]:
    """Départements of the requester's tribunal and their ressort (cour d'appel)."""
    for a in user._appartenances():
        if a.role in ROLES_JUSTICE and a.organisation is not None:
            org = a.organisation
            deps = set(org.departements) if org.type == TypeOrganisation.TRIBUNAL_JUDICIAIRE else set()
            return deps, org.ressort
    return set(), None


# --- text -> specialites ------------------------------------------------------------------------

_cache_nomenclature: dict[str, object] = {}


@dataclass
class Specialite:
    pk: int
    code: str
    libelle: set[str]  # stems of its label
    rubrique: set[str]  # stems of its rubrique's label
    cle: str  # its label as the thesaurus compares it


def _libelles() -> list[Specialite]:
    """Every specialite with the stems of its label and of its rubrique's label; cached until the
    nomenclature changes. The key (one small query) is the newest element and the newest import of
    a version: ``nomenclature.importer`` stamps its version when it creates or relabels an element."""
    cle = tuple(VersionNomenclature.objects.aggregate(e=Max("elements__pk"), v=Max("importee_le")).values())
    if "lignes" not in _cache_nomenclature or _cache_nomenclature.get("cle") != cle:
        lignes = []
        elements = {e.pk: e for e in ElementNomenclature.objects.only("pk", "code", "libelle", "parent_id", "niveau")}
        for e in elements.values():
            if e.niveau != "specialite":
                continue
            parent = elements.get(e.parent_id) if e.parent_id else None
            rubrique = parent.libelle if parent is not None and parent.niveau == "rubrique" else ""
            lignes.append(
                Specialite(
                    e.pk,
                    e.code,
                    set(racines(_sans_mention(e.libelle))),
                    set(racines(_sans_mention(rubrique))),
                    cle_libelle(e.libelle),
                )
            )
        _cache_nomenclature.update(cle=cle, lignes=lignes, thesaurus=None)
    return _cache_nomenclature["lignes"]  # type: ignore[return-value]


def _sans_mention(libelle: str) -> str:
    return libelle.replace("(démo)", " ").replace("(éval)", " ")


@dataclass
class EntreeResolue:
    mot: str
    racines: frozenset[str]
    specialites: frozenset[int]


def _thesaurus(specialites: list[Specialite]) -> list[EntreeResolue]:
    """The thesaurus entries with their stems and the specialites they point to (by code, a
    rubrique or branche code covering its specialites, and by label); cached until the thesaurus
    or the nomenclature changes (one small query)."""
    cle = tuple(EntreeThesaurus.objects.aggregate(m=Max("modifie_le"), n=Count("pk")).values())
    cache = _cache_nomenclature.get("thesaurus")
    if cache is not None and cache[0] == cle:  # type: ignore[index]
        return cache[1]  # type: ignore[index]
    par_libelle: dict[str, list[int]] = {}
    for sp in specialites:
        par_libelle.setdefault(sp.cle, []).append(sp.pk)
    entrees = []
    for mot, codes, libelles in EntreeThesaurus.objects.values_list("mot", "codes", "specialites"):
        cibles: set[int] = set()
        for c in codes_du_thesaurus(codes):
            cibles.update(sp.pk for sp in specialites if sp.code == c or sp.code.startswith(c + "."))
        for libelle in libelles.split("|"):
            if libelle.strip():
                cibles.update(par_libelle.get(cle_libelle(libelle), []))
        stems = frozenset(racines(mot))
        if stems and cibles:
            entrees.append(EntreeResolue(mot, stems, frozenset(cibles)))
    _cache_nomenclature["thesaurus"] = (cle, entrees)
    return entrees


@dataclass
class Atteinte:
    """How a mission reaches one specialite: the stems (bits) of its label or of thesaurus entries
    pointing to it, those of its rubrique's label, and the words to show."""

    libelle: set[str] = field(default_factory=set)  # label or thesaurus
    rubrique: set[str] = field(default_factory=set)
    propres: set[str] = field(default_factory=set)  # in the label itself
    mots_thesaurus: list[str] = field(default_factory=list)


def specialites_de_la_mission(
    mission: Mission, stems: list[str], specialites: list[Specialite], entrees: list[EntreeResolue]
) -> dict[int, Atteinte]:
    """specialite pk -> how the mission's informative stems (``stems``) reach it."""
    retenus = set(stems)
    trouve: dict[int, Atteinte] = {}
    if not retenus:
        return trouve
    for sp in specialites:
        libelle, rubrique = sp.libelle & retenus, sp.rubrique & retenus
        if libelle or rubrique:
            trouve[sp.pk] = Atteinte(set(libelle), rubrique - libelle, set(libelle))
    # Thesaurus: entries whose stems all appear in the mission (trade words included: « dommage
    # corporel »), pointing their informative stems at their specialites.
    for e in entrees:
        if e.racines <= mission.toutes and (e.racines & retenus):
            for pk in e.specialites:
                a = trouve.setdefault(pk, Atteinte())
                a.libelle |= e.racines & retenus
                a.rubrique -= a.libelle
                if e.mot not in a.mots_thesaurus:
                    a.mots_thesaurus.append(e.mot)
    return trouve


def rarete(fiches: int, total: int) -> int:
    """Weight of a stem held by ``fiches`` of ``total`` fiches: 100 × (1 + ln((total + 1) / (fiches + 1))),
    an integer (the ranking adds them in SQL, exactly on both backends)."""
    return round(100 * (1 + math.log((total + 1) / (fiches + 1))))


def _poids(stems: list[str]) -> tuple[dict[str, int], int]:
    """The rarity of each stem, and that of a stem no fiche holds."""
    frequences = dict(FrequenceRacine.objects.filter(racine__in=[*stems, FrequenceRacine.TOTAL]).values_list("racine", "fiches"))
    total = frequences.get(FrequenceRacine.TOTAL, 0)
    return {s: rarete(frequences.get(s, 0), max(total, frequences.get(s, 0))) for s in stems}, rarete(0, total)


def _reglage(nom: str, defaut: float) -> float:
    valeur = getattr(settings, nom, defaut)
    return float(valeur) if isinstance(valeur, int | float) and 0 <= valeur <= 1 else defaut


# --- the search ---------------------------------------------------------------------------------


def rechercher(c: Criteres, *, user: Utilisateur) -> Resultats:
    """The same queries whatever the criteria (plus the small cached ones): the rarity of the
    mission's words, the ranking (ids and sort keys of the first ``MAX_RESULTATS`` + 1, which give
    the total up to the cap), the page's fiches with their inscriptions in force."""
    index.actualiser()
    jour = timezone.localdate()
    messages: list[str] = []
    mission = analyser(c.texte)
    tous = list(mission.informatives)
    # Rarity over the whole referential (one query, run even without a text).
    poids, poids_inconnu = _poids(tous)
    # The label cache check and the thesaurus are read even without a text or a nomenclature
    # filter: the number of queries of a search does not depend on its criteria.
    libelles = _libelles()
    atteintes = specialites_de_la_mission(mission, tous, libelles, _thesaurus(libelles))
    # A word that no fiche holds and that reaches no specialite cannot tell experts apart: it is
    # left out of the share (« incombe », « livré »), instead of weighing as the rarest word.
    atteints: set[str] = set().union(*(a.libelle | a.rubrique for a in atteintes.values()))
    connus = [s for s in tous if poids[s] < poids_inconnu or s in atteints]
    stems = connus
    if len(connus) > MAX_RACINES:
        # An order pasted whole: its rarest words say what it is about.
        gardes = set(sorted(connus, key=lambda s: (-poids[s], connus.index(s)))[:MAX_RACINES])
        stems = [s for s in connus if s in gardes]
        messages.append(
            f"Texte long : seuls les {MAX_RACINES} mots les plus distinctifs de la mission (sur {len(connus)}) ont été pris en compte."
        )
        for a in atteintes.values():
            a.libelle &= gardes
            a.rubrique &= gardes
            a.propres &= gardes
        atteintes = {pk: a for pk, a in atteintes.items() if a.libelle or a.rubrique}
    if tous and not stems:
        # Words that no expert has: nobody is proposed (rather than everybody).
        stems = tous[:MAX_RACINES]
        messages.append("Aucun expert n'a ces mots dans sa spécialité ou ses compétences déclarées : reformulez la mission.")
    elif c.texte.strip() and not stems:
        messages.append(
            "Le texte ne contient que des mots de procédure (comme « évaluer », « dire » ou « préjudice ») qui ne désignent "
            "aucune compétence : la recherche se fait sur les seuls filtres."
        )
    mots = {s: mission.informatives[s] for s in stems}
    deps, ressort = lieu_du_demandeur(user)
    matiere = c.matiere
    if not matiere and (deduite := matiere_du_texte(c.texte)):
        # Civil and penal inscriptions follow the procedure type of the mission.
        matiere = deduite
        messages.append(
            f"Mission en matière {'pénale' if deduite == 'penale' else 'civile'} d'après le texte : seuls les experts qui "
            "acceptent cette matière sont proposés (choisissez une autre matière dans les filtres pour changer)."
        )
    filtre: list[int] | None = None
    if c.nomenclature:
        code = c.nomenclature.strip().upper()
        filtre = [sp.pk for sp in libelles if sp.code == code or sp.code.startswith(code + ".")]
    bits = {s: 1 << i for i, s in enumerate(stems)}
    lignes_spe = []
    for pk, a in atteintes.items():
        ml = sum(bits[s] for s in a.libelle)
        mr = sum(bits[s] for s in a.rubrique)
        sc = sum(poids[s] * classement.POIDS_SPECIALITE for s in a.libelle) + sum(
            poids[s] * classement.POIDS_RUBRIQUE for s in a.rubrique
        )
        lignes_spe.append((pk, ml, mr, sc))
    somme = sum(poids[s] for s in stems)
    demande = classement.Demande(
        jour=jour,
        liste=c.liste,
        cour_id=c.cour.pk if c.cour is not None else None,
        specialites_filtre=filtre,
        departement=c.departement.strip().upper(),
        langue=c.langue.strip()[:50],
        matiere=matiere,
        echange_securise=c.echange_securise,
        inclure_indisponibles=c.inclure_indisponibles,
        stems=stems,
        poids=[poids[s] for s in stems],
        specialites=sorted(lignes_spe),
        # Thresholds on twice the weighted share (integers: see classement._part).
        part_competent=max(1, math.ceil(2 * somme * _reglage("RECHERCHE_PART_COMPETENT", PART_COMPETENT))),
        part_faible=max(1, math.ceil(2 * somme * _reglage("RECHERCHE_PART_FAIBLE", PART_FAIBLE))),
        tranches=_tranches(),
        departements_demandeur=sorted(deps),
        ressort_demandeur_id=ressort.pk if ressort is not None else None,
    )
    # One row more than can be shown: the total is exact up to MAX_RESULTATS and "more" beyond
    # (MAX_RESULTATS + 1), so the database keeps the best rows only instead of counting them all.
    rang = classement.classer(demande, MAX_RESULTATS + 1)
    total = len(rang)
    pages = max(1, min(MAX_PAGES, -(-total // PAR_PAGE)))
    page = c.page
    if page < 1:
        page = 1
    if page > pages:
        if total:
            messages.append(f"La page demandée n'existe pas : voici la dernière page ({pages}).")
        page = pages
    if total > MAX_RESULTATS:
        messages.append(
            f"Plus de {MAX_RESULTATS} experts correspondent ; seuls les {MAX_RESULTATS} premiers sont proposés. "
            "Précisez la recherche."
        )
    debut = (page - 1) * PAR_PAGE
    cles = {r[0]: r for r in map(classement.ligne, rang[debut : debut + PAR_PAGE])}
    # The page's fiches (their documents: what the ranking read) with their inscriptions in force,
    # in one query that runs even for an empty page; read as values, no model instance is built.
    pks = list(cles) or [0]
    colonnes = [c if c in ("expert_id", "expert__uuid") else f"expert__document_recherche__{c}" for c in Fiche.COLONNES]
    lignes = (
        Inscription.objects.actives(jour)
        .filter(expert_id__in=pks)
        .order_by("liste__nom", "specialite__ordre")
        .values_list("specialite_id", "specialite__code", "specialite__libelle", "liste__code", *colonnes)
    )
    par_pk: dict[int, Fiche] = {}
    for ligne in lignes:
        fiche = par_pk.get(ligne[4])
        if fiche is None:
            fiche = par_pk[ligne[4]] = Fiche(*ligne[4:], inscriptions_actives=[])  # type: ignore[misc]
        fiche.inscriptions_actives.append(InscriptionVue(*ligne[:4]))
    resultats = []
    explication = Explication(mots, poids, somme, atteintes)
    for pk, niveau, _score, indisponible, complet in cles.values():
        f = par_pk.get(pk)
        if f is None:  # deleted between the two queries
            continue
        resultats.append(_expliquer(f, niveau, bool(indisponible), bool(complet), explication, deps, ressort))
    return Resultats(resultats, total, page, pages, messages, len(connus) > MAX_RACINES, mission.ecartes)


def _tranches() -> int:
    valeur = getattr(settings, "RECHERCHE_TRANCHES", TRANCHES)
    return valeur if isinstance(valeur, int) and 1 <= valeur <= 100 else TRANCHES


@dataclass
class Explication:
    """What a result's explanation needs about the mission."""

    mots: dict[str, str]  # stem -> the user's word
    poids: dict[str, int]
    somme: int
    atteintes: dict[int, Atteinte]

    def liste(self, stems: set[str] | list[str]) -> str:
        """« autopsie » (62 %), « corps » (9 %): the words and their share of the mission's weight."""
        ordre = sorted(stems, key=lambda s: (-self.poids.get(s, 0), s))
        return ", ".join(
            f"« {self.mots[s]} » ({round(100 * self.poids[s] / max(1, self.somme))} %)" for s in ordre if s in self.mots
        )


def _expliquer(
    e: Fiche,
    niveau: int,
    indisponible: bool,
    complet: bool,
    x: Explication,
    deps: set[str],
    ressort: Organisation | None,
) -> Resultat:
    raisons: list[str] = []
    if x.mots:
        fines = {s for s in x.mots if f" {s} " in e.texte_normalise}
        # The inscription that explains the rank best (the ranking takes the best one).
        meilleure, meilleure_part, trouves = None, -1.0, set(fines)
        for i in e.inscriptions_actives:
            a = x.atteintes.get(i.specialite_id)
            pleins = fines | (a.libelle if a else set())
            demi = (a.rubrique - pleins) if a else set()
            part = (sum(x.poids[s] for s in pleins) + sum(x.poids[s] for s in demi) / 2) / max(1, x.somme)
            if part > meilleure_part:
                meilleure, meilleure_part, trouves = i, part, pleins | demi
        pourcent = round(100 * max(0.0, meilleure_part))
        if niveau >= 2:
            raisons.append(f"Pertinence : {pourcent} % du poids des mots distinctifs de la mission retrouvé")
        else:
            raisons.append(
                f"Correspondance partielle : {pourcent} % seulement du poids des mots distinctifs de la mission retrouvé"
            )
        a = x.atteintes.get(meilleure.specialite_id) if meilleure is not None else None
        if meilleure is not None and a is not None:
            par_libelle = a.propres
            morceaux = []
            if par_libelle:
                morceaux.append(f"dans son libellé {x.liste(par_libelle)}")
            if a.mots_thesaurus:
                morceaux.append("par le thésaurus (« " + " », « ".join(a.mots_thesaurus[:4]) + " »)")
            if a.rubrique - a.libelle:
                morceaux.append(f"dans le libellé de sa rubrique, pour moitié {x.liste(a.rubrique - a.libelle)}")
            raisons.append(f"Spécialité {meilleure.code} {meilleure.libelle_affiche} : " + " ; ".join(morceaux))
        if fines:
            raisons.append(f"Compétences déclarées : {x.liste(fines)}")
        manquants = set(x.mots) - trouves
        if manquants:
            raisons.append(f"Non retrouvés : {x.liste(manquants)}")
    marque = ""
    if indisponible:
        if e.indisponible_jusqu_au:
            marque = f"Indisponible jusqu'au {date_longue(e.indisponible_jusqu_au)}"
        else:
            marque = "Indisponible (sans date de retour)"
    elif complet:
        marque = f"Complet : {e.missions_en_cours} mission(s) en cours pour un maximum de {e.max_missions}"
    raisons.append(marque or "Disponible")
    if e.departement and e.departement in deps:
        raisons.append(f"Proximité : même département ({e.departement})")
    elif ressort is not None and e.cour_appel_id == ressort.pk:
        raisons.append(f"Proximité : même ressort ({ressort.nom})")
    else:
        raisons.append(f"Proximité : autre ressort ({e.cour_appel_nom or 'non renseigné'})")
    raisons.append(f"Charge : {e.missions_en_cours} mission(s) en cours")
    if e.derniere_designation:
        raisons.append(f"Dernière désignation : {date_longue(e.derniere_designation)}")
    else:
        raisons.append("Jamais désigné sur la plateforme")
    inscriptions = " ; ".join(f"{i.code} {i.libelle_affiche} ({i.liste})" for i in e.inscriptions_actives)
    return Resultat(e, raisons, not marque, marque, niveau, e.nom_complet, str(e.uuid), inscriptions)
