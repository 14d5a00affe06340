"""The ranking query of the search, written in SQL (SQLite and PostgreSQL).

One query whatever the criteria. It reads the ranking lines (``recherche_ligneclassement``: one
row per inscription in force with its document's columns, for the specialites the mission
reaches), the search documents (``recherche_documentexpert``: one narrow row per fiche with the
columns the ranking filters and sorts on, see ``index``) with the inscriptions in force through
their covering indexes for the other candidates, and the text index (FTS5 on SQLite, GIN on
PostgreSQL). It returns the first ``limite`` rows in the order described in ``moteur``.

The relevance score (issue 21) is computed in the query. Each informative stem ``i`` of the
mission has a weight ``r_i``, its rarity over the whole referential (``moteur``); for an expert
and one of their inscriptions in force, the stem is found in the specialite's label or reaches
that specialite through the thesaurus (bit ``L_i``), in the expert's fine competences (``F_i``,
read from the document by ``instr``/``strpos`` on whole stems), or in the rubrique's label
(``R_i``). Then

    score = Σ r_i × (3 L_i + 2 F_i + 1 R_i)         (``POIDS_*``)
    part  = Σ r_i × (1 if L_i or F_i, ½ if R_i only) / Σ r_i

for each candidate inscription (one row each, no GROUP BY; an expert is ranked by the best of
their rows and ``classer`` drops the others). An expert is competent when ``part`` reaches
``RECHERCHE_PART_COMPETENT``, a weaker match above ``RECHERCHE_PART_FAIBLE``, and absent below.
The order is: competent first, then the band of relevance (the score as a fraction of the best
score the mission allows, in ``RECHERCHE_TRANCHES`` bands), and only within a band the packed key
of availability, proximity and workload, then the exact score, name, first name. Everything is
integer arithmetic, so SQLite and PostgreSQL give the same order to the row.

The label and thesaurus bits of the few hundred specialites are computed in Python and written as
CASE expressions on the inscription's specialite; the candidates are the inscriptions in force on
the lists searched that are in one of those specialites (their ranking lines: one range of an
index per specialite, where one document per inscription read by primary key was two thirds of a
national search on PostgreSQL), or belong to a fiche whose fine competences hold a word of the
mission (FTS5 on SQLite, the GIN index of a ``simple`` tsvector on
PostgreSQL, both over the same Python stems): two disjoint parts, each read through its own index.
The candidates carry the document columns the order needs, so the documents are read once. Without
a mission text, the candidates are ordered by the packed key only.

Every SQL text is assembled from constant fragments and integers computed here (bits, weights,
specialite ids); every other value (dates, ids, words) is a bound parameter. Stems are ASCII
letters and digits only (``texte.analyser``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from justexpert.annuaire.models import STATUTS_ACTIFS
from justexpert.comptes.models import TypeOrganisation

from .models import EtatDisponibilite

TABLE = "recherche_documentexpert"
LIGNES = "recherche_ligneclassement"

# Weights of where a word of the mission is found (issue 21): the specialite's label (or the
# thesaurus pointing to the specialite) counts more than the fine competences, which count more
# than the rubrique's label.
POIDS_SPECIALITE = 3
POIDS_FINES = 2
POIDS_RUBRIQUE = 1


class Liste:
    COUR = "cour"
    NATIONALE = "nationale"
    TOUTES = "toutes"


@dataclass
class Demande:
    """What the ranking needs, resolved by ``moteur`` (ids, not model instances)."""

    jour: dt.date
    liste: str = Liste.COUR
    cour_id: int | None = None
    specialites_filtre: list[int] | None = None  # None: no nomenclature filter
    departement: str = ""
    langue: str = ""
    matiere: str = ""  # "civile" | "penale" | ""
    echange_securise: bool = False
    inclure_indisponibles: bool = False
    stems: list[str] = field(default_factory=list)  # the mission's informative stems (at most 32: one bit each)
    poids: list[int] = field(default_factory=list)  # their rarity over the referential (integers)
    # (specialite id, bits of the stems in its label or reaching it through the thesaurus, bits of
    # the stems in its rubrique's label, its part of the score): the specialites the mission reaches.
    specialites: list[tuple[int, int, int, int]] = field(default_factory=list)
    part_competent: int = 0  # thresholds on twice the weighted share (``_part``)
    part_faible: int = 1
    tranches: int = 5
    departements_demandeur: list[str] = field(default_factory=list)
    ressort_demandeur_id: int | None = None


class _Sql:
    """An SQL text and its parameters, built in order."""

    def __init__(self) -> None:
        self.parties: list[str] = []
        self.params: list[Any] = []

    def __call__(self, texte: str, *params: Any) -> _Sql:
        self.parties.append(texte)
        self.params.extend(params)
        return self

    def texte(self) -> str:
        return "".join(self.parties)


def _liste_de_valeurs(sql: _Sql, valeurs: list[Any]) -> None:
    sql(", ".join(["%s"] * len(valeurs)), *valeurs)


def _en_vigueur(sql: _Sql, d: Demande, alias: str) -> None:
    """Inscription ``alias`` in force on the day."""
    sql(
        f"{alias}.statut IN (%s, %s) AND {alias}.debut <= %s AND ({alias}.fin IS NULL OR {alias}.fin >= %s)",
        *STATUTS_ACTIFS,
        d.jour,
        d.jour,
    )


def _listes_de_type(sql: _Sql, type_: str) -> None:
    sql("(SELECT o.id FROM comptes_organisation o WHERE o.type = %s)", type_)


def _sur_les_listes(sql: _Sql, d: Demande, alias: str) -> None:
    """Inscription ``alias`` on the lists searched (« both lists » with a cour has its own query:
    ``_candidats``)."""
    if d.liste == Liste.NATIONALE:
        sql(f" AND {alias}.liste_id IN ")
        _listes_de_type(sql, TypeOrganisation.COUR_CASSATION)
    elif d.liste == Liste.COUR and d.cour_id is not None:
        sql(f" AND {alias}.liste_id = %s", d.cour_id)
    elif d.liste == Liste.COUR:
        sql(f" AND {alias}.liste_id IN ")
        _listes_de_type(sql, TypeOrganisation.COUR_APPEL)
    _specialites(sql, alias, d.specialites_filtre)


def _specialites(sql: _Sql, alias: str, specialites: list[int] | None) -> None:
    """Inscription ``alias`` in one of ``specialites`` (``None``: any; empty: none)."""
    if specialites is None:
        return
    if not specialites:
        sql(" AND 1 = 0")
        return
    sql(f" AND {alias}.specialite_id IN (")
    _liste_de_valeurs(sql, specialites)
    sql(")")


def _filtres_fiche(sql: _Sql, d: Demande) -> None:
    """Filters on the document's own columns (copies of the fiche and of the availability)."""
    if d.liste == Liste.NATIONALE and d.cour_id is not None:
        sql(" AND d.cour_appel_id = %s", d.cour_id)
    if d.departement:
        sql(" AND d.departement = %s", d.departement)
    if d.langue:
        motif = "%" + d.langue.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if connection.vendor == "postgresql":
            sql(" AND UPPER(d.langues) LIKE UPPER(%s)", motif)
        else:  # SQLite's LIKE ignores the case of ASCII letters, as Django's icontains there
            sql(" AND d.langues LIKE %s ESCAPE '\\'", motif)
    if d.matiere == "civile":
        sql(" AND d.matiere_civile = %s", True)
    elif d.matiere == "penale":
        sql(" AND d.matiere_penale = %s", True)
    if d.echange_securise:
        sql(" AND d.echange_securise = %s", True)
    if not d.inclure_indisponibles:
        sql(
            " AND (d.etat_disponibilite = %s OR (d.etat_disponibilite = %s AND d.indisponible_jusqu_au < %s))"
            " AND (d.max_missions IS NULL OR d.max_missions > d.missions_en_cours)",
            EtatDisponibilite.DISPONIBLE,
            EtatDisponibilite.INDISPONIBLE_JUSQU_AU,
            d.jour,
        )


def _disponibilite(d: Demande) -> tuple[str, list[Any], str]:
    """(unavailable, its parameters, full) as SQL expressions of ``d``."""
    if d.inclure_indisponibles:
        indisponible = "(CASE WHEN d.etat_disponibilite = %s OR (d.etat_disponibilite = %s AND d.indisponible_jusqu_au >= %s) THEN 1 ELSE 0 END)"
        params = [EtatDisponibilite.INDISPONIBLE, EtatDisponibilite.INDISPONIBLE_JUSQU_AU, d.jour]
        complet = "(CASE WHEN d.max_missions IS NOT NULL AND d.max_missions <= d.missions_en_cours THEN 1 ELSE 0 END)"
        return indisponible, params, complet
    return "0", [], "0"  # every candidate is available (filtered): constants


def _colonnes(sql: _Sql, d: Demande, niveau: str, niveau_params: list[Any], score: str, tranche: str) -> None:
    """The output columns: 1 expert_id, 2 level, 3 score, 4 unavailable, 5 full, 6 the packed
    order key, 7 name, 8 first name, 9 relevance band.

    The packed key holds, in one integer, what breaks ties of relevance: unavailable + full (0 to
    2), proximity (0 to 2), then the document's ``cle_charge`` (open missions, then last
    designation, never designated first; see ``index.cle_charge``)."""
    indisponible, indisponible_params, complet = _disponibilite(d)
    sql(f"SELECT d.expert_id, {niveau} AS niveau, {score} AS score, ", *niveau_params)
    sql(f"{indisponible} AS indisponible, ", *indisponible_params)
    sql(f"{complet} AS complet, ")
    sql(f"(({indisponible} + {complet}) * 3 + CASE", *indisponible_params)
    if d.departements_demandeur:
        sql(" WHEN d.departement IN (")
        _liste_de_valeurs(sql, d.departements_demandeur)
        sql(") THEN 0")
    if d.ressort_demandeur_id is not None:
        sql(" WHEN d.cour_appel_id = %s THEN 1", d.ressort_demandeur_id)
    if not d.departements_demandeur and d.ressort_demandeur_id is None:
        sql(" WHEN 1 = 0 THEN 0")
    sql(f" ELSE 2 END) * {2**40} + d.cle_charge AS cle, d.nom, d.prenom, {tranche} AS tranche")


# Level (competent, then weaker matches), band of relevance, then proximity and workload (the
# packed key), then the exact score, name, first name, id.
ORDRE = "ORDER BY 2 DESC, 9 DESC, 6, 3 DESC, 7, 8, 1"


def _bit(i: int) -> int:
    return 1 << i


def _masque_fines(d: Demande) -> tuple[str, list[Any]]:
    """The bits of the mission's stems found in the document's fine competences (whole stems:
    the indexed text is `` stem stem ``)."""
    fonction = "strpos(d.texte_normalise, %s)" if connection.vendor == "postgresql" else "instr(d.texte_normalise, %s)"
    termes = [f"CASE WHEN {fonction} > 0 THEN {_bit(i)} ELSE 0 END" for i in range(len(d.stems))]
    return "(" + " + ".join(termes) + ")", [f" {s} " for s in d.stems]


def _somme_bits(masque: str, poids: list[int]) -> str:
    """Sum of ``poids[i]`` over the bits ``i`` set in ``masque`` (integers written by us)."""
    return "(" + " + ".join(f"CASE WHEN ({masque} & {_bit(i)}) <> 0 THEN {int(p)} ELSE 0 END" for i, p in enumerate(poids)) + ")"


def _part(d: Demande) -> str:
    """Twice the weighted share of the mission's words matched: a word counts fully when it is in
    the label of the specialite (or reaches it through the thesaurus) or in the fine competences,
    half when it is only in the rubrique's label."""
    termes = [
        f"CASE WHEN ((m.ml | m.mf) & {_bit(i)}) <> 0 THEN {2 * int(r)} WHEN (m.mr & {_bit(i)}) <> 0 THEN {int(r)} ELSE 0 END"
        for i, r in enumerate(d.poids)
    ]
    return "(" + " + ".join(termes) + ")"


# The document's columns the order and the page need, carried through the candidates.
_PORTEES = (
    "expert_id",
    "nom",
    "prenom",
    "departement",
    "cour_appel_id",
    "cle_charge",
    "etat_disponibilite",
    "indisponible_jusqu_au",
    "max_missions",
    "missions_en_cours",
)
COLONNES_DOCUMENT = ", ".join(f"d.{c}" for c in _PORTEES)
# What the candidates' filters and bits read besides (PostgreSQL's lateral read of a document).
COLONNES_LATERALES = ", ".join(
    f"x.{c}" for c in (*_PORTEES, "texte_normalise", "langues", "matiere_civile", "matiere_penale", "echange_securise")
)


def _correspondants(sql: _Sql, d: Demande) -> None:
    """Ids of the documents whose fine competences hold one of the stems (the text index)."""
    if connection.vendor == "postgresql":
        sql(f"SELECT t.expert_id FROM {TABLE} t WHERE t.document @@ to_tsquery('simple', %s)", " | ".join(d.stems))
    else:
        sql(f"SELECT rowid FROM {TABLE}_fts WHERE {TABLE}_fts MATCH %s", " OR ".join(f'"{s}"' for s in d.stems))


def _sans_texte(sql: _Sql, d: Demande, limite: int) -> None:
    """Filters only (an empty mission): every candidate, by proximity and workload."""
    _colonnes(sql, d, "0", [], "0", "0")
    sql(f" FROM {TABLE} d WHERE ")
    _parmi(sql, _candidats, d)
    _filtres_fiche(sql, d)
    sql(f" {ORDRE} LIMIT %s", limite)


def requete(d: Demande, limite: int) -> tuple[str, list[Any]]:
    """(SQL, parameters) of the ranking: rows of (expert_id, level, score, unavailable, full, …)
    in order, at most ``limite``."""
    sql = _Sql()
    if not d.stems:
        _sans_texte(sql, d, limite)
        return sql.texte(), sql.params

    # The specialites the mission reaches (label, thesaurus, rubrique): their bits and their part
    # of the score are computed in Python over a few hundred labels, written here as CASE
    # expressions on the inscription's specialite (integers only).
    def par_spe(colonne: int, alias: str = "i") -> str:
        if not d.specialites:
            return "0"
        cas = " ".join(f"WHEN {int(ligne[0])} THEN {int(ligne[colonne])}" for ligne in d.specialites)
        return f"CASE {alias}.specialite_id {cas} ELSE 0 END"

    ids_spe = [int(ligne[0]) for ligne in d.specialites]

    def par_fines(sql: _Sql, alias: str) -> None:
        if d.cour_id is None and not d.departement:
            # Every list: the fiches the text index gives (a few thousand of 10⁵).
            # (= ANY(ARRAY(…)) on PostgreSQL: the inscriptions read by expert through their index;
            # with IN, the planner hashed every inscription of the lists.)
            sql(f" AND {alias}.expert_id = ANY(ARRAY(" if connection.vendor == "postgresql" else f" AND {alias}.expert_id IN (")
            _correspondants(sql, d)
            sql("))" if connection.vendor == "postgresql" else ")")
        # With a cour or a département: every inscription of the lists (a few thousand); the ones
        # whose fiche holds no word of the mission get a share of 0 and are left out below (the
        # text index would give the matching fiches of every cour).
        if ids_spe:  # the other specialites: the two parts never share a row (UNION ALL, no sort)
            sql(f" AND {alias}.specialite_id NOT IN (")
            _liste_de_valeurs(sql, ids_spe)
            sql(")")

    def partie_a() -> None:
        """The candidates in a specialite the mission reaches, read from the ranking lines (one
        row per inscription with its document's columns, ``LigneClassement``): one range of
        their index per specialite, no document read per row."""
        sql(f"SELECT {COLONNES_DOCUMENT}, {par_spe(1, 'd')} AS ml, {par_spe(2, 'd')} AS mr, {par_spe(3, 'd')} AS sc, ")
        masque, masque_p = _masque_fines(d)
        sql(f"{masque} AS mf FROM {LIGNES} d WHERE ", *masque_p)
        _en_vigueur(sql, d, "d")
        if d.liste == Liste.TOUTES and d.cour_id is not None:
            # The cour's list, and the national list for the experts of its ressort.
            sql(" AND (d.liste_id = %s OR (d.cour_appel_id = %s AND d.liste_id IN ", d.cour_id, d.cour_id)
            _listes_de_type(sql, TypeOrganisation.COUR_CASSATION)
            sql("))")
            _specialites(sql, "d", d.specialites_filtre)
        else:
            _sur_les_listes(sql, d, "d")
        _specialites(sql, "d", ids_spe)
        _filtres_fiche(sql, d)

    def partie(restriction: Callable[[_Sql, str], None]) -> None:
        """The candidate rows of one part with their document's columns and their bits (in
        MATERIALIZED CTEs: the bits of the fine competences are computed once per row; PostgreSQL
        otherwise inlines them into every expression that reads them)."""
        sql(f"SELECT {COLONNES_DOCUMENT}, {par_spe(1)} AS ml, {par_spe(2)} AS mr, {par_spe(3)} AS sc, ")
        masque, masque_p = _masque_fines(d)
        sql(f"{masque} AS mf FROM (", *masque_p)
        _candidats(sql, d, colonnes="i.expert_id, i.specialite_id", restriction=restriction)
        if connection.vendor == "postgresql":
            # One document read by primary key per candidate: with a plain join, the planner
            # hashed the 10⁵ documents (OFFSET 0 keeps the subquery from being flattened).
            # Only the columns read below (not the tsvector nor the text).
            sql(
                f") i CROSS JOIN LATERAL (SELECT {COLONNES_LATERALES} FROM {TABLE} x WHERE x.expert_id = i.expert_id OFFSET 0) d"
                " WHERE 1 = 1"
            )
        else:
            sql(f") i JOIN {TABLE} d ON d.expert_id = i.expert_id WHERE 1 = 1")
        _filtres_fiche(sql, d)

    # Bands: fifths (``tranches``) of the best score the mission allows (every word in the label
    # of the best reached specialite and in the fine competences), known before the query, so the
    # rows are sorted as they come (no second pass for the best score found).
    borne = max(1, max([int(ligne[3]) for ligne in d.specialites], default=0) + POIDS_FINES * sum(int(r) for r in d.poids))
    # Candidates, in two parts each read through its own index (an OR made SQLite walk every
    # inscription of the lists): a, the inscriptions in a specialite the mission reaches; b, the
    # other inscriptions of fiches whose fine competences hold one of its words. A row of b scores
    # at most the fine competences' part, so its band is at most ``bande_b``: when a already has
    # ``limite`` competent rows in a higher band, no row of b can be shown and b is not read (a
    # national search whose words name a specialite does not score every fiche that shares a word).
    bande_b = POIDS_FINES * sum(int(r) for r in d.poids) * int(d.tranches) // borne
    sql("WITH a AS MATERIALIZED (")
    partie_a()
    sql("), b AS MATERIALIZED (SELECT * FROM (")
    partie(par_fines)
    sql(") bb LIMIT (SELECT CASE WHEN count(*) >= %s THEN 0 ELSE 1000000000 END FROM a m", limite)
    sql(f" WHERE {_part(d)} >= %s", max(d.part_competent, d.part_faible))
    sql(
        f" AND ((m.sc + {_somme_bits('m.mf', [POIDS_FINES * r for r in d.poids])}) * {int(d.tranches)}) / {borne} > {int(bande_b)})"
    )
    sql("), m AS (SELECT * FROM a UNION ALL SELECT * FROM b")
    fines = _somme_bits("m.mf", [POIDS_FINES * r for r in d.poids])
    # One row per candidate inscription (no GROUP BY: it was a third of the query's time on a
    # national search); an expert with several inscriptions is ranked by the best one, the others
    # dropped by ``classer``.
    sql(f"), n AS (SELECT m.*, m.sc + {fines} AS score, {_part(d)} AS part FROM m")
    tranche = f"(d.score * {int(d.tranches)}) / {borne}"
    sql(")")
    _colonnes(sql, d, "CASE WHEN d.part >= %s THEN 2 ELSE 1 END", [d.part_competent], "d.score", tranche)
    # The candidates carry the document's columns the order needs: no second read of the documents.
    sql(f" FROM n d WHERE d.part >= %s {ORDRE} LIMIT %s", d.part_faible, limite)
    return sql.texte(), sql.params


def _parmi(sql: _Sql, sous_requete: Any, *args: Any) -> None:
    """``d.expert_id`` in the ids a subquery gives (a constant SQL text, or a function writing
    it). On PostgreSQL, ``= ANY(ARRAY(…))``: the planner then reads these documents by their
    primary key; with ``IN`` it estimated a seq scan of the documents cheaper than a few thousand
    lookups, and read 10⁵ wide rows (measured: ~30 ms instead of ~3)."""
    sql("d.expert_id = ANY(ARRAY(" if connection.vendor == "postgresql" else "d.expert_id IN (")
    if callable(sous_requete):
        sous_requete(sql, *args)
    else:
        sql(sous_requete)
    sql("))" if connection.vendor == "postgresql" else ")")


def _candidats(
    sql: _Sql, d: Demande, *, colonnes: str = "i.expert_id", restriction: Callable[[_Sql, str], None] | None = None
) -> None:
    """``SELECT expert_id`` (or ``colonnes``) of the inscriptions in force of the fiches on the
    lists searched (and meeting ``restriction``): on « both lists » with a cour, one list per
    branch, each read through its own index."""
    if d.liste == Liste.TOUTES and d.cour_id is not None:
        sql(f"SELECT {colonnes} FROM annuaire_inscription i WHERE ")
        _en_vigueur(sql, d, "i")
        sql(" AND i.liste_id = %s", d.cour_id)
        _specialites(sql, "i", d.specialites_filtre)
        if restriction:
            restriction(sql, "i")
        sql(f" UNION ALL SELECT {colonnes} FROM annuaire_expert x JOIN annuaire_inscription i ON i.expert_id = x.id WHERE ")
        sql("x.cour_appel_id = %s AND ", d.cour_id)
        _en_vigueur(sql, d, "i")
        sql(" AND i.liste_id IN ")
        _listes_de_type(sql, TypeOrganisation.COUR_CASSATION)
        _specialites(sql, "i", d.specialites_filtre)
        if restriction:
            restriction(sql, "i")
    else:
        sql(f"SELECT {colonnes} FROM annuaire_inscription i WHERE ")
        _en_vigueur(sql, d, "i")
        _sur_les_listes(sql, d, "i")
        if restriction:
            restriction(sql, "i")


# With a text, the query returns one row per candidate inscription: this many rows per fiche
# asked for, so that ``limite`` distinct fiches remain once the weaker rows of the same fiches are
# dropped (a fiche is inscribed in one or two specialites of the lists searched, rarely more).
INSCRIPTIONS_PAR_FICHE = 3


def classer(d: Demande, limite: int) -> list[tuple]:
    """The rows of the first ``limite`` fiches, in order: (expert_id, level, score, unavailable,
    full, …) as the database returns them (``ligne`` reads one); a fiche ranked by its best
    inscription (its first row)."""
    texte, params = requete(d, limite * INSCRIPTIONS_PAR_FICHE if d.stems else limite)
    with connection.cursor() as curseur:
        curseur.execute(texte, params)
        lignes = curseur.fetchall()
    if not d.stems:
        return lignes
    vus: set[int] = set()
    uniques = []
    for r in lignes:
        if r[0] not in vus:
            vus.add(r[0])
            uniques.append(r)
            if len(uniques) >= limite:
                break
    return uniques


def ligne(r: tuple) -> tuple[int, int, float, int, int]:
    """(expert_id, level, score, unavailable, full) of a row of ``classer``."""
    return int(r[0]), int(r[1]), float(r[2] or 0), int(r[3]), int(r[4])
