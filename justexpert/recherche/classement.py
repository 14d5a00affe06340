"""The ranking query of the search, written in SQL (SQLite and PostgreSQL).

One query whatever the criteria. It reads the search documents (``recherche_documentexpert``: one
narrow row per fiche with the columns the ranking filters and sorts on, see ``index``), the
inscriptions in force through their covering indexes, and the text index (FTS5 on SQLite, GIN on
PostgreSQL). It returns the first ``limite`` rows in the order described in ``moteur``.

Why SQL and not the ORM: the order starts with the competence level (3: inscribed in a matching
specialite and the fine specialities match; 2: inscribed only; 1: the fine specialities only). The
query is therefore ordered, limited parts, one per level, each limited to what the levels before
it left (``LIMIT (SELECT … - count(*) …)``: 0 when they filled the page set, and then neither
database reads that part). A national search whose words match a specialite label never ranks the
thousands of fiches that only share a word with the mission. The ORM cannot express the limited
parts nor the CTEs, and building the equivalent queryset cost more Python time than the query.

Every SQL text is assembled from constant fragments; every value (dates, ids, words, codes) is a
bound parameter. Words and stems are letters and digits only (``texte.racines_et_mots``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from justexpert.annuaire.models import STATUTS_ACTIFS
from justexpert.comptes.models import TypeOrganisation

from .models import EtatDisponibilite

TABLE = "recherche_documentexpert"


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
    stems: list[str] = field(default_factory=list)
    mots: list[str] = field(default_factory=list)  # the user's words (PostgreSQL's french configuration)
    competences: list[int] = field(default_factory=list)  # specialites matched by the text
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


def _textes(d: Demande) -> tuple[str, list[Any], str, list[Any], str, list[Any]]:
    """(per-row test, score, the matching documents read through the text index), each with its
    parameters."""
    if connection.vendor == "postgresql":
        q = "(to_tsquery('recherche_fr', %s) || to_tsquery('simple', %s))"
        p = [" | ".join(d.mots) or "''", " | ".join(d.stems)]
        return (
            f"d.document @@ {q}",
            p,
            f"COALESCE(ts_rank(d.document, {q}), 0)",
            p,
            f"d.document @@ {q}",  # the GIN index, on the documents table itself
            p,
        )
    # instr, not LIKE: a plain substring test (the stems and the document are lower-case ASCII),
    # without LIKE's case folding; a fifth of the text tests' cost on a national search.
    tests = ["instr(d.texte_normalise, %s) > 0" for _ in d.stems]
    motifs = [f" {s} " for s in d.stems]
    score = " + ".join(f"(CASE WHEN {t} THEN 1.0 ELSE 0.0 END)" for t in tests)
    requete = " OR ".join(f'"{s}"' for s in d.stems)
    return (
        "(" + " OR ".join(tests) + ")",
        motifs,
        f"({score})",
        motifs,
        f"d.expert_id IN (SELECT rowid FROM {TABLE}_fts WHERE {TABLE}_fts MATCH %s)",
        [requete],
    )


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


def _colonnes(sql: _Sql, d: Demande, niveau: str, niveau_params: list[Any], score: str, score_params: list[Any]) -> None:
    """The output columns (the same for both parts): 1 expert_id, 2 level, 3 score, 4 unavailable,
    5 full, 6 the packed order key, 7 name, 8 first name.

    The packed key holds, in one integer, what follows the level in the order: unavailable + full
    (0 to 2), proximity (0 to 2), then the document's ``cle_charge`` (open missions, then last
    designation, never designated first; see ``index.cle_charge``). One integer compared instead
    of five columns: the sort of a few thousand candidates costs a third less."""
    if d.inclure_indisponibles:
        indisponible = "(CASE WHEN d.etat_disponibilite = %s OR (d.etat_disponibilite = %s AND d.indisponible_jusqu_au >= %s) THEN 1 ELSE 0 END)"
        indisponible_params = [EtatDisponibilite.INDISPONIBLE, EtatDisponibilite.INDISPONIBLE_JUSQU_AU, d.jour]
        complet = "(CASE WHEN d.max_missions IS NOT NULL AND d.max_missions <= d.missions_en_cours THEN 1 ELSE 0 END)"
    else:  # every candidate is available (filtered): constants
        indisponible, indisponible_params, complet = "0", [], "0"
    sql(f"SELECT d.expert_id, {niveau} AS niveau, ", *niveau_params)
    sql(f"{score} AS score, ", *score_params)
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
    sql(f" ELSE 2 END) * {2**40} + d.cle_charge AS cle, d.nom, d.prenom")


ORDRE = "ORDER BY 2 DESC, 6, 3 DESC, 7, 8, 1"


def requete(d: Demande, limite: int) -> tuple[str, list[Any]]:
    """(SQL, parameters) of the ranking: rows of (expert_id, level, score, unavailable, full, …)
    in order, at most ``limite``."""
    sql = _Sql()
    texte = bool(d.stems)
    # With a cour d'appel or a département, the candidates are the inscriptions of that list (a few
    # thousand fiches); on every list with a text, the documents the text index gives.
    pilote_texte = texte and d.cour_id is None and not d.departement
    par_ligne, par_ligne_p, score, score_p, correspondants, correspondants_p = (
        _textes(d) if texte else ("", [], "0.0", [], "", [])
    )
    # With a cour or a département, the inscriptions of the lists searched are read once and serve
    # both parts (on « both lists », finding the national ones of a ressort is the costly step).
    inscrits = bool(d.competences) and not pilote_texte
    if inscrits:
        sql("WITH inscrits AS MATERIALIZED (")
        _candidats(sql, d, colonnes="i.expert_id, i.specialite_id")
        sql("), competents AS MATERIALIZED (SELECT n.expert_id FROM inscrits n WHERE n.specialite_id IN (")
        _liste_de_valeurs(sql, d.competences)
        sql(")), premiers AS MATERIALIZED (")
    elif d.competences:
        sql("WITH competents AS MATERIALIZED (")
        _candidats(sql, d, specialites=d.competences)
        sql("), premiers AS MATERIALIZED (")
    if d.competences:  # (competences come from the text: there is a text)
        # Part 1: the competent fiches whose fine specialities match too (level 3), then the other
        # competent fiches (level 2), limited to what level 3 left: when it fills the page set,
        # the level-2 fiches are neither ranked nor sorted.
        for nom, niveau, test, limite_sql in (
            ("premiers", "3", par_ligne, "%s"),
            ("seconds", "2", f"NOT ({par_ligne})", "(SELECT %s - count(*) FROM premiers)"),
        ):
            if nom == "seconds":
                sql("), seconds AS MATERIALIZED (")
            _colonnes(sql, d, niveau, [], score, score_p)
            sql(f" FROM {TABLE} d WHERE ")
            # The competent fiches are candidates by construction (same lists).
            _parmi(sql, "SELECT c.expert_id FROM competents c")
            sql(f" AND {test}", *par_ligne_p)
            _filtres_fiche(sql, d)
            sql(f" {ORDRE} LIMIT {limite_sql}", limite)
        sql(") SELECT * FROM premiers UNION ALL SELECT * FROM seconds UNION ALL SELECT * FROM (")
    # Part 2 (or the whole query): the fiches matched by their fine specialities only (level 1),
    # or, without text, every candidate (level 0).
    _colonnes(sql, d, "1" if texte else "0", [], score, score_p)
    sql(f" FROM {TABLE} d WHERE ")
    if pilote_texte:
        sql(correspondants, *correspondants_p)
        sql(" AND EXISTS (")
        _candidats(sql, d)
        sql(" AND i.expert_id = d.expert_id)")
    else:
        if inscrits:
            _parmi(sql, "SELECT n.expert_id FROM inscrits n")
        else:
            _parmi(sql, _candidats, d)
        if texte:
            sql(f" AND {par_ligne}", *par_ligne_p)
    if d.competences:
        sql(" AND d.expert_id NOT IN (SELECT c.expert_id FROM competents c)")
    _filtres_fiche(sql, d)
    if d.competences:
        sql(
            f" {ORDRE} LIMIT (SELECT %s - (SELECT count(*) FROM premiers) - (SELECT count(*) FROM seconds))) autres {ORDRE}",
            limite,
        )
    else:
        sql(f" {ORDRE} LIMIT %s", limite)
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


def _candidats(sql: _Sql, d: Demande, *, specialites: list[int] | None = None, colonnes: str = "i.expert_id") -> None:
    """``SELECT expert_id`` (or ``colonnes``) of the inscriptions in force of the fiches on the
    lists searched (in ``specialites``): on « both lists » with a cour, one list per branch, each
    read through its own index."""
    if d.liste == Liste.TOUTES and d.cour_id is not None:
        sql(f"SELECT {colonnes} FROM annuaire_inscription i WHERE ")
        _en_vigueur(sql, d, "i")
        sql(" AND i.liste_id = %s", d.cour_id)
        _specialites(sql, "i", d.specialites_filtre)
        _specialites(sql, "i", specialites)
        sql(f" UNION ALL SELECT {colonnes} FROM annuaire_expert x JOIN annuaire_inscription i ON i.expert_id = x.id WHERE ")
        sql("x.cour_appel_id = %s AND ", d.cour_id)
        _en_vigueur(sql, d, "i")
        sql(" AND i.liste_id IN ")
        _listes_de_type(sql, TypeOrganisation.COUR_CASSATION)
        _specialites(sql, "i", d.specialites_filtre)
        _specialites(sql, "i", specialites)
    else:
        sql(f"SELECT {colonnes} FROM annuaire_inscription i WHERE ")
        _en_vigueur(sql, d, "i")
        _sur_les_listes(sql, d, "i")
        _specialites(sql, "i", specialites)


def classer(d: Demande, limite: int) -> list[tuple]:
    """The rows of the first ``limite`` fiches, in order: (expert_id, level, score, unavailable,
    full, …) as the database returns them (``ligne`` reads one)."""
    texte, params = requete(d, limite)
    with connection.cursor() as curseur:
        curseur.execute(texte, params)
        return curseur.fetchall()


def ligne(r: tuple) -> tuple[int, int, float, int, int]:
    """(expert_id, level, score, unavailable, full) of a row of ``classer``."""
    return int(r[0]), int(r[1]), float(r[2] or 0), int(r[3]), int(r[4])
