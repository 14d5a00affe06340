"""The magistrate's search (SELEXPert): filters, French free text, thesaurus, explained ordering.

Ordering, in this order (each expert's card says why it is where it is):
1. competence: 2 points if one of the expert's inscriptions in force is in a specialite whose
   label (or a thesaurus word) matches the text, 1 point if the fine specialities match;
2. availability (only relevant when unavailable experts are shown on demand);
3. proximity: same département as the requester's tribunal, then same ressort, then the rest;
4. current workload (fewest open missions first);
5. last designation (longest ago, or never, first) so work is shared out;
then strength of the text match, then name.

Cost is bounded: at most ``MAX_RESULTATS`` results are reachable (pages beyond the last show the
last one), the query text is cut to ``texte.MAX_RACINES`` stems, and every request runs the same
number of queries whatever the filters.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from django.db.models import Max
from django.utils import timezone

from justexpert.annuaire.models import ElementNomenclature, Inscription, VersionNomenclature
from justexpert.comptes.models import ROLES_JUSTICE, Organisation, TypeOrganisation, Utilisateur
from justexpert.lib.format import date_longue

from . import classement, index
from .models import EntreeThesaurus, codes_du_thesaurus
from .texte import MAX_RACINES, racines, racines_et_mots

PAR_PAGE = 20
MAX_RESULTATS = 400
MAX_PAGES = MAX_RESULTATS // PAR_PAGE


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


def _libelles() -> list[tuple[int, str, set[str]]]:
    """(pk, code, stems of label + rubrique and branche labels) of every specialite; cached until
    the nomenclature changes. The key (one small query) is the newest element and the newest
    import of a version: ``nomenclature.importer`` stamps its version when it creates or relabels
    an element."""
    cle = tuple(VersionNomenclature.objects.aggregate(e=Max("elements__pk"), v=Max("importee_le")).values())
    if "lignes" not in _cache_nomenclature or _cache_nomenclature.get("cle") != cle:
        lignes = []
        elements = {e.pk: e for e in ElementNomenclature.objects.only("pk", "code", "libelle", "parent_id", "niveau")}
        for e in elements.values():
            if e.niveau != "specialite":
                continue
            textes = [e.libelle]
            parent = elements.get(e.parent_id) if e.parent_id else None
            if parent is not None:
                textes.append(parent.libelle)
            lignes.append((e.pk, e.code, set(racines(" ".join(textes).replace("(démo)", "")))))
        _cache_nomenclature.update(cle=cle, lignes=lignes)
    return _cache_nomenclature["lignes"]  # type: ignore[return-value]


@lru_cache(maxsize=4096)
def _racines_entree(mot: str) -> tuple[str, ...]:
    """Stems of a thesaurus word (the thesaurus is read on every search; its words rarely change)."""
    return tuple(racines(mot))


def specialites_du_texte(stems: dict[str, str], libelles: list[tuple[int, str, set[str]]]) -> dict[int, list[str]]:
    """specialite pk -> the user's words that led to it (label words, then thesaurus words)."""
    entrees = list(EntreeThesaurus.objects.values_list("mot", "codes"))
    if not stems:
        return {}
    trouve: dict[int, list[str]] = {}
    codes_par_pk: dict[int, str] = {}
    for pk, code, label in libelles:
        codes_par_pk[pk] = code
        communs = [stems[s] for s in stems if s in label]
        if communs:
            trouve[pk] = communs
    # Thesaurus: entries whose stems all appear in the query (multi-word entries need every word).
    for mot_entree, codes in entrees:
        r = _racines_entree(mot_entree)
        if r and all(s in stems for s in r):
            liste_codes = codes_du_thesaurus(codes)
            for pk, code in codes_par_pk.items():
                if any(code == c or code.startswith(c + ".") for c in liste_codes):
                    trouve.setdefault(pk, [])
                    mot = f"« {mot_entree} » (thésaurus)"
                    if mot not in trouve[pk]:
                        trouve[pk].append(mot)
    return trouve


# --- the search ---------------------------------------------------------------------------------


def rechercher(c: Criteres, *, user: Utilisateur) -> Resultats:
    """Three queries whatever the criteria (plus the small cached ones): the ranking (ids and
    sort keys of the first ``MAX_RESULTATS`` + 1, which give the total up to the cap), the page's fiches,
    their inscriptions in force."""
    index.actualiser()
    jour = timezone.localdate()
    messages: list[str] = []
    tous_mots = racines_et_mots(c.texte, limite=MAX_RACINES + 1)
    mots_ignores = len(tous_mots) > MAX_RACINES
    stems = dict(list(tous_mots.items())[:MAX_RACINES])
    if mots_ignores:
        messages.append(f"Texte long : seuls les {MAX_RACINES} premiers mots significatifs ont été pris en compte.")
    if c.texte.strip() and not stems:
        messages.append("Le texte saisi ne contient aucun mot significatif : il n'a pas été pris en compte.")

    # The label cache check and the thesaurus are read even without a text or a nomenclature
    # filter: the number of queries of a search does not depend on its criteria.
    libelles = _libelles()
    specialites = specialites_du_texte(stems, libelles)
    deps, ressort = lieu_du_demandeur(user)
    filtre: list[int] | None = None
    if c.nomenclature:
        code = c.nomenclature.strip().upper()
        filtre = [pk for pk, code_spe, _ in libelles if code_spe == code or code_spe.startswith(code + ".")]
    demande = classement.Demande(
        jour=jour,
        liste=c.liste,
        cour_id=c.cour.pk if c.cour is not None else None,
        specialites_filtre=filtre,
        departement=c.departement.strip().upper(),
        langue=c.langue.strip()[:50],
        matiere=c.matiere,
        echange_securise=c.echange_securise,
        inclure_indisponibles=c.inclure_indisponibles,
        stems=list(stems),
        mots=list(stems.values()),
        competences=sorted(specialites),
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
    for pk, niveau, score_texte, indisponible, complet in cles.values():
        f = par_pk.get(pk)
        if f is None:  # deleted between the two queries
            continue
        resultats.append(_expliquer(f, niveau, score_texte, bool(indisponible), bool(complet), stems, specialites, deps, ressort))
    return Resultats(resultats, total, page, pages, messages, mots_ignores)


def _expliquer(
    e: Fiche,
    niveau: int,
    score_texte: float,
    indisponible: bool,
    complet: bool,
    stems: dict[str, str],
    specialites: dict[int, list[str]],
    deps: set[str],
    ressort: Organisation | None,
) -> Resultat:
    raisons: list[str] = []
    if stems:
        par_spec = [i for i in e.inscriptions_actives if i.specialite_id in specialites]
        for i in par_spec[:3]:
            mots = ", ".join(dict.fromkeys(specialites[i.specialite_id]))
            raisons.append(f"Compétence : inscrit en {i.code} {i.libelle_affiche} ({mots})")
        trouves = [mot for s, mot in stems.items() if f" {s} " in e.texte_normalise]
        if not trouves and score_texte:
            # PostgreSQL matched with its own dictionary: say so without guessing which word.
            trouves = ["mots de la mission"]
        if trouves:
            raisons.append("Spécialités fines : " + ", ".join(trouves))
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
