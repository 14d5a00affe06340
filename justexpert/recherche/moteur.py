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
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from justexpert.annuaire.models import ElementNomenclature, Expert, Inscription
from justexpert.comptes.models import ROLES_JUSTICE, Organisation, TypeOrganisation, Utilisateur
from justexpert.lib.format import date_longue

from . import index
from .models import EntreeThesaurus, EtatDisponibilite
from .texte import MAX_RACINES, racines, racines_et_mots

PAR_PAGE = 20
MAX_RESULTATS = 400
MAX_PAGES = MAX_RESULTATS // PAR_PAGE


class Liste:
    COUR = "cour"
    NATIONALE = "nationale"
    TOUTES = "toutes"


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
class Resultat:
    expert: Expert
    raisons: list[str]
    disponible: bool
    marque: str  # "" or why the expert cannot be solicited now
    niveau_competence: int


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
    the nomenclature changes (the cache key costs one small query)."""
    cle = ElementNomenclature.objects.order_by("-pk").values_list("pk", flat=True).first()
    if _cache_nomenclature.get("cle") != cle:
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


def specialites_du_texte(stems: dict[str, str]) -> dict[int, list[str]]:
    """specialite pk -> the user's words that led to it (label words, then thesaurus words)."""
    # The label cache check and the thesaurus are read even without a text: the number of
    # queries of a search does not depend on its criteria.
    libelles = _libelles()
    entrees = list(EntreeThesaurus.objects.all())
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
    for entree in entrees:
        r = racines(entree.mot)
        if r and all(s in stems for s in r):
            for pk, code in codes_par_pk.items():
                if any(code == c or code.startswith(c + ".") for c in entree.liste_codes):
                    trouve.setdefault(pk, [])
                    mot = f"« {entree.mot} » (thésaurus)"
                    if mot not in trouve[pk]:
                        trouve[pk].append(mot)
    return trouve


_TSQUERY = "(to_tsquery('recherche_fr', %s) || to_tsquery('simple', %s))"
_SQL_CORRESPOND = (
    "SELECT d.expert_id FROM recherche_documentexpert d "
    "WHERE d.document @@ (to_tsquery('recherche_fr', %s) || to_tsquery('simple', %s))"
)
# Read on the document row already joined to the fiche (``document_recherche``), so the rank and
# the match cost one expression per candidate, not one subquery each.
_SQL_DOC_CORRESPOND = '"recherche_documentexpert"."document" @@ ' + _TSQUERY
_SQL_DOC_RANG = 'COALESCE(ts_rank("recherche_documentexpert"."document", ' + _TSQUERY + "), 0)"


_SQL_FTS = "SELECT rowid FROM recherche_documentexpert_fts WHERE recherche_documentexpert_fts MATCH %s"


def _texte_correspond(stems: list[str], mots_saisis: list[str], *, pilote: bool) -> tuple[Any, Any, Any]:
    """(filter: the fine specialities match, the same test per row, score) for the database.

    The per-row test and the score read the document joined to each candidate (the queryset
    must join ``document_recherche``). The filter is that same test, except when the text drives
    the search (``pilote``: no cour or département narrows it): then it is an uncorrelated
    ``pk IN (…)`` read once (the GIN index on PostgreSQL, one scan of the narrow index table on
    SQLite), so the 10⁵ fiches are not each joined to be tested."""
    if not stems:
        return None, None, Value(0.0, output_field=FloatField())
    if connection.vendor == "postgresql":
        # Words and stems are letters and digits only (texte.mots): no tsquery operator can get in.
        francais = " | ".join(mots_saisis) or "''"
        simple = " | ".join(stems)
        # Parameters are bound, and the SQL texts are constants.
        par_ligne: Any = RawSQL(_SQL_DOC_CORRESPOND, [francais, simple], output_field=BooleanField())  # noqa: S611
        score = RawSQL(_SQL_DOC_RANG, [francais, simple], output_field=FloatField())  # noqa: S611
        filtre: Any = Q(pk__in=RawSQL(_SQL_CORRESPOND, [francais, simple])) if pilote else par_ligne  # noqa: S611
        return filtre, par_ligne, score
    termes = [Q(document_recherche__texte_normalise__contains=f" {s} ") for s in stems]
    par_ligne = termes[0]
    for t in termes[1:]:
        par_ligne |= t
    filtre = par_ligne
    if pilote:
        # The FTS5 index (migration 0003): the matching fiches by stem, without reading every
        # document. Stems are [a-z0-9] only (texte.racines_et_mots), each quoted as a string.
        requete = " OR ".join(f'"{s}"' for s in stems)
        filtre = Q(pk__in=RawSQL(_SQL_FTS, [requete]))  # noqa: S611
    total: Any = Value(0.0)
    for t in termes:
        total = total + Case(When(t, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return filtre, par_ligne, ExpressionWrapper(total, output_field=FloatField())


# --- the search ---------------------------------------------------------------------------------


def _inscriptions_filtrees(c: Criteres, jour: dt.date) -> QuerySet[Inscription]:
    qs = Inscription.objects.actives(jour)
    if c.nomenclature:
        code = c.nomenclature.strip().upper()
        qs = qs.filter(Q(specialite__code=code) | Q(specialite__code__startswith=code + "."))
    if c.liste == Liste.NATIONALE:
        qs = qs.filter(liste__type=TypeOrganisation.COUR_CASSATION)
    elif c.liste == Liste.TOUTES:
        if c.cour is not None:
            qs = qs.filter(Q(liste=c.cour) | Q(liste__type=TypeOrganisation.COUR_CASSATION, expert__cour_appel=c.cour))
    else:
        qs = qs.filter(liste=c.cour) if c.cour is not None else qs.filter(liste__type=TypeOrganisation.COUR_APPEL)
    return qs


def _proximite(deps: set[str], ressort: Organisation | None) -> Case | Value:
    whens = [When(departement__in=sorted(deps), then=Value(0))] if deps else []
    if ressort is not None:
        whens.append(When(cour_appel=ressort, then=Value(1)))
    return Case(*whens, default=Value(2), output_field=IntegerField()) if whens else Value(2, output_field=IntegerField())


def _drapeau(condition: Any) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


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

    inscriptions = _inscriptions_filtrees(c, jour)
    # What drives the query: with a cour d'appel or a département, the inscriptions of that list
    # (a few thousand fiches); on every list with a text, the fiches matching the text, each then
    # checked against its inscriptions (an index lookup) instead of reading every inscription.
    pilote_texte = bool(stems) and c.cour is None and not c.departement
    if pilote_texte:
        qs = Expert.objects.filter(Exists(inscriptions.filter(expert=OuterRef("pk"))))
    elif c.liste == Liste.TOUTES and c.cour is not None:
        # One uncorrelated list per branch of the OR (each read through its own index).
        actives = _inscriptions_filtrees(replace(c, liste=Liste.COUR), jour)
        nationales = _inscriptions_filtrees(replace(c, liste=Liste.NATIONALE), jour)
        qs = Expert.objects.filter(
            pk__in=actives.order_by()
            .values("expert_id")
            .union(nationales.filter(expert__cour_appel=c.cour).order_by().values("expert_id"))
        )
    else:
        qs = Expert.objects.filter(pk__in=inscriptions.values("expert_id"))
    if c.liste == Liste.NATIONALE and c.cour is not None:
        qs = qs.filter(cour_appel=c.cour)
    if c.departement:
        qs = qs.filter(departement=c.departement.strip().upper())
    if c.langue.strip():
        qs = qs.filter(langues__icontains=c.langue.strip()[:50])
    if c.matiere == "civile":
        qs = qs.filter(matiere_civile=True)
    elif c.matiere == "penale":
        qs = qs.filter(matiere_penale=True)
    if c.echange_securise:
        qs = qs.filter(echange_securise=True)

    # Availability, read live (the expert's own statement and the open missions pushed by
    # expertises), through the one-to-one join rather than a subquery per fiche.
    qs = qs.annotate(
        indisponible=_drapeau(
            Q(disponibilite__etat=EtatDisponibilite.INDISPONIBLE)
            | Q(disponibilite__etat=EtatDisponibilite.INDISPONIBLE_JUSQU_AU, disponibilite__jusqu_au__gte=jour)
        ),
        complet=_drapeau(Q(disponibilite__max_missions__isnull=False, disponibilite__max_missions__lte=F("missions_en_cours"))),
    )
    if not c.inclure_indisponibles:
        # The same tests as the two flags, written on the columns (the planner estimates these; a
        # filter on the CASE flags was guessed at a few rows and drove PostgreSQL to probe every
        # fiche's inscriptions one by one).
        qs = qs.filter(
            Q(disponibilite__etat__isnull=True)
            | Q(disponibilite__etat=EtatDisponibilite.DISPONIBLE)
            | Q(disponibilite__etat=EtatDisponibilite.INDISPONIBLE_JUSQU_AU, disponibilite__jusqu_au__lt=jour),
            Q(disponibilite__max_missions__isnull=True) | Q(disponibilite__max_missions__gt=F("missions_en_cours")),
        )

    specialites = specialites_du_texte(stems)
    # The text's per-row test and score read the fiche's joined document (LEFT JOIN: a fiche not
    # yet indexed is still found by its inscriptions).
    qs = qs.alias(document_joint=F("document_recherche__expert_id"))
    filtre_texte, texte_ligne, score = _texte_correspond(list(stems), list(stems.values()), pilote=pilote_texte)
    # Competence: an uncorrelated "pk IN (inscriptions in the matching specialites)", evaluated once.
    competence = Q(pk__in=inscriptions.filter(specialite_id__in=sorted(specialites)).values("expert_id")) if specialites else None
    if stems:
        conditions = [q for q in (competence, filtre_texte) if q is not None]
        ou = conditions[0]
        for q in conditions[1:]:
            ou |= q
        qs = qs.filter(ou)
    deps, ressort = lieu_du_demandeur(user)
    qs = qs.annotate(
        score_texte=score,
        niveau_competence=(
            Case(When(competence, then=Value(2)), default=Value(0), output_field=IntegerField())
            if competence is not None
            else Value(0, output_field=IntegerField())
        )
        + (_drapeau(texte_ligne) if texte_ligne is not None else Value(0, output_field=IntegerField())),
        proximite=_proximite(deps, ressort),
    ).order_by(
        "-niveau_competence",
        F("indisponible") + F("complet"),
        "proximite",
        "missions_en_cours",
        F("derniere_designation").asc(nulls_first=True),
        "-score_texte",
        "nom",
        "prenom",
        "pk",
    )
    # One row more than can be shown: the total is exact up to MAX_RESULTATS and "more" beyond
    # (MAX_RESULTATS + 1), so the database keeps the best rows only instead of counting them all.
    rang = list(qs.values_list("pk", "niveau_competence", "score_texte", "indisponible", "complet")[: MAX_RESULTATS + 1])
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
    cles = {ligne[0]: ligne for ligne in rang[debut : debut + PAR_PAGE]}
    # The page's fiches, then their inscriptions in force: both queries run even for an empty page.
    pks = list(cles) or [0]
    fiches = Expert.objects.filter(pk__in=pks).select_related("cour_appel", "disponibilite", "document_recherche")
    par_pk = {e.pk: e for e in fiches}
    for fiche in par_pk.values():
        fiche.inscriptions_actives = []  # type: ignore[attr-defined]
    for i in Inscription.objects.actives(jour).filter(expert_id__in=pks).select_related("liste", "specialite"):
        par_pk[i.expert_id].inscriptions_actives.append(i)  # type: ignore[attr-defined]
    lignes = []
    for pk, niveau, score_texte, indisponible, complet in cles.values():
        e = par_pk.get(pk)
        if e is None:  # deleted between the two queries
            continue
        e.niveau_competence, e.score_texte = niveau, score_texte  # type: ignore[attr-defined]
        e.indisponible, e.complet = bool(indisponible), bool(complet)  # type: ignore[attr-defined]
        lignes.append(e)
    resultats = [_expliquer(e, stems, specialites, deps, ressort) for e in lignes]
    return Resultats(resultats, total, page, pages, messages, mots_ignores)


def _expliquer(
    e: Expert, stems: dict[str, str], specialites: dict[int, list[str]], deps: set[str], ressort: Organisation | None
) -> Resultat:
    raisons: list[str] = []
    if stems:
        par_spec = [i for i in e.inscriptions_actives if i.specialite_id in specialites]  # type: ignore[attr-defined]
        for i in par_spec[:3]:
            mots = ", ".join(dict.fromkeys(specialites[i.specialite_id]))
            raisons.append(f"Compétence : inscrit en {i.specialite.code} {i.specialite.libelle_affiche} ({mots})")
        doc = getattr(e, "document_recherche", None)
        if doc is not None:
            texte_doc = doc.texte_normalise or ""
            trouves = [mot for s, mot in stems.items() if f" {s} " in texte_doc]
            if not trouves and e.score_texte:  # type: ignore[attr-defined]
                # PostgreSQL matched with its own dictionary: say so without guessing which word.
                trouves = ["mots de la mission"]
            if trouves:
                raisons.append("Spécialités fines : " + ", ".join(trouves))
    d = getattr(e, "disponibilite", None)
    marque = ""
    if e.indisponible:  # type: ignore[attr-defined]
        if d is not None and d.jusqu_au:
            marque = f"Indisponible jusqu'au {date_longue(d.jusqu_au)}"
        else:
            marque = "Indisponible (sans date de retour)"
    elif e.complet:  # type: ignore[attr-defined]
        marque = f"Complet : {e.missions_en_cours} mission(s) en cours pour un maximum de {d.max_missions if d else '?'}"
    raisons.append(marque or "Disponible")
    if e.departement and e.departement in deps:
        raisons.append(f"Proximité : même département ({e.departement})")
    elif ressort is not None and e.cour_appel_id == ressort.pk:
        raisons.append(f"Proximité : même ressort ({ressort.nom})")
    else:
        raisons.append(f"Proximité : autre ressort ({e.cour_appel.nom if e.cour_appel else 'non renseigné'})")
    raisons.append(f"Charge : {e.missions_en_cours} mission(s) en cours")
    if e.derniere_designation:
        raisons.append(f"Dernière désignation : {date_longue(e.derniere_designation)}")
    else:
        raisons.append("Jamais désigné sur la plateforme")
    return Resultat(e, raisons, not marque, marque, e.niveau_competence)  # type: ignore[attr-defined]
