"""The derived search documents over annuaire fiches (``DocumentExpert``) and how they stay fresh.

A document holds the fiche's searchable text (stems, and the tsvector on PostgreSQL) and a copy of
what the ranking filters and sorts on (name, ressort, département, languages, matters, workload,
last designation) and of the expert's availability statement, so the ranking reads one narrow row
per candidate. The ranking lines (``LigneClassement``) copy each inscription in force or
probatoire with its document's ranking columns, so the candidates of a specialite are one range of
an index; they are rewritten with the documents (``_ecrire``, ``reconstruire``), on every save or
deletion of an inscription (signals: services, imports and tests alike), and reconciled by
``reindexer`` (a write that bypassed both, such as ``QuerySet.update``).

annuaire does not know recherche (the arrow points the other way), so annuaire's changes are
picked up lazily: before a search, fiches whose ``modifie_le`` is at or after the newest indexed
one (an indexed column), or whose id is above the newest indexed id, are re-indexed, at most once
every ``RECHERCHE_FRAICHEUR_S`` seconds per process, so a change is searchable within seconds and
a burst of searches pays one check. Every write of a fiche sets ``modifie_le`` (the CSV import in
its ``bulk_update``, the workload counters in their ``save``); availability statements are written
through ``services.definir_disponibilite``, which updates the document in the same transaction.
Any other write is caught by the periodic ``reindexer`` task, which compares every document with
its fiche and statement.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from justexpert.annuaire.models import STATUTS_ACTIFS, Expert, Inscription, StatutInscription

from .models import Disponibilite, DocumentExpert, EtatDisponibilite, FrequenceRacine, LigneClassement
from .texte import normaliser

LOT = 1000
_dernier_controle = 0.0

# The fiche's columns copied into its document (the ranking reads them there).
COPIES = (
    "nom",
    "prenom",
    "cour_appel_id",
    "departement",
    "langues",
    "matiere_civile",
    "matiere_penale",
    "echange_securise",
    "missions_en_cours",
    "derniere_designation",
)
DISPONIBILITE = ("etat_disponibilite", "indisponible_jusqu_au", "max_missions")
_JOUR_0 = dt.date(1900, 1, 1)
_MAX_MISSIONS = 2**20 - 1


def cle_charge(missions_en_cours: int, derniere_designation: dt.date | None) -> int:
    """Open missions, then last designation (never designated first, then the longest ago), as one
    integer that sorts like the pair: missions × 2²⁰ + days since 1900 + 1 (0 when never)."""
    jours = (derniere_designation - _JOUR_0).days + 1 if derniere_designation else 0
    return min(missions_en_cours, _MAX_MISSIONS) * 2**20 + max(0, min(jours, 2**20 - 1))


_CHAMPS = ("id", "specialites_fines", "profession", "zone_intervention", "modifie_le", *COPIES)


def _texte(specialites_fines: str, profession: str, zone_intervention: str) -> str:
    # The zone (« Paris et petite couronne ») says nothing of a competence: not searched.
    return "\n".join(filter(None, [specialites_fines, profession]))


def _libelles(ids: list[int] | None) -> dict[int, str]:
    """expert id -> the stems of the labels (specialite and rubrique) of their inscriptions not
    radiated: counted in the rarity of words (``FrequenceRacine``), never matched as fine
    competences (the ranking reads the inscriptions live)."""
    qs = Inscription.objects.exclude(statut=StatutInscription.RADIE).order_by()
    if ids is not None:
        qs = qs.filter(expert_id__in=ids)
    textes: dict[int, list[str]] = {}
    for pk, libelle, rubrique in qs.values_list("expert_id", "specialite__libelle", "specialite__parent__libelle"):
        textes.setdefault(pk, []).extend([libelle or "", rubrique or ""])
    return {pk: normaliser(" ".join(t)) for pk, t in textes.items()}


def _racines_document(texte_normalise: str, racines_libelles: str) -> set[str]:
    return set(texte_normalise.split()) | set(racines_libelles.split())


def calculer_frequences() -> int:
    """Recount, over every document, how many fiches hold each stem (fine competences and labels
    of their specialites), and the number of fiches (row ``TOTAL``): the rarity of words is that
    of the whole referential, whatever the filters of a search."""
    compte: Counter[str] = Counter()
    total = 0
    for fines, libelles in (
        DocumentExpert.objects.order_by().values_list("texte_normalise", "racines_libelles").iterator(chunk_size=LOT * 5)
    ):
        compte.update(_racines_document(fines, libelles))
        total += 1
    compte[FrequenceRacine.TOTAL] = total
    with transaction.atomic():
        FrequenceRacine.objects.all().delete()
        FrequenceRacine.objects.bulk_create([FrequenceRacine(racine=r[:64], fiches=n) for r, n in compte.items()], batch_size=LOT)
    return len(compte)


def _ajuster_frequences(avant: dict[int, set[str]], apres: dict[int, set[str]]) -> None:
    """Apply to ``FrequenceRacine`` the change of the stems of these documents (few queries: one
    UPDATE per distinct change)."""
    delta: Counter[str] = Counter()
    for pk, stems in apres.items():
        anciens = avant.get(pk)
        if anciens is None:
            delta[FrequenceRacine.TOTAL] += 1
            anciens = set()
        for r in stems - anciens:
            delta[r] += 1
        for r in anciens - stems:
            delta[r] -= 1
    delta = Counter({r[:64]: n for r, n in delta.items() if n})
    if not delta:
        return
    FrequenceRacine.objects.bulk_create(
        [FrequenceRacine(racine=r, fiches=0) for r in delta], ignore_conflicts=True, batch_size=LOT
    )
    par_valeur: dict[int, list[str]] = {}
    for r, n in delta.items():
        par_valeur.setdefault(n, []).append(r)
    for n, lot_racines in par_valeur.items():
        FrequenceRacine.objects.filter(racine__in=lot_racines).update(fiches=Greatest(F("fiches") + n, 0))


def _disponibilites(ids: list[int] | None) -> dict[int, tuple]:
    qs = Disponibilite.objects.order_by()
    if ids is not None:
        qs = qs.filter(expert_id__in=ids)
    return {
        pk: (etat, jusqu_au, maxi) for pk, etat, jusqu_au, maxi in qs.values_list("expert_id", "etat", "jusqu_au", "max_missions")
    }


_SANS_DECLARATION = (EtatDisponibilite.DISPONIBLE, None, None)


def _contenu(ligne: tuple, disponibilite: tuple | None) -> tuple:
    """What the document of one fiche holds (``_CHAMPS`` values and its availability statement),
    in the order of ``_COLONNES``, the stems aside."""
    pk, fines, profession, zone, modifie_le, *copies = ligne
    valeurs = dict(zip(COPIES, copies, strict=True))
    return (
        _texte(fines, profession, zone),
        modifie_le,
        cle_charge(valeurs["missions_en_cours"], valeurs["derniere_designation"]),
        *copies,
        *(disponibilite or _SANS_DECLARATION),
    )


_COLONNES = ("texte", "source_modifie_le", "cle_charge", *COPIES, *DISPONIBILITE)


def _document(ligne: tuple, disponibilite: tuple | None, libelles: str = " ") -> DocumentExpert:
    """The document of one fiche from its ``_CHAMPS`` values, its availability statement and the
    stems of its specialites' labels."""
    valeurs = dict(zip(_COLONNES, _contenu(ligne, disponibilite), strict=True))
    return DocumentExpert(expert_id=ligne[0], texte_normalise=normaliser(valeurs["texte"]), racines_libelles=libelles, **valeurs)


def _ecrire(lignes: list[tuple], *, disponibilite_aussi: bool) -> int:
    """Create or replace the documents of these fiches (``_CHAMPS`` values). The availability
    columns are written on creation, and on replacement only when asked: a fiche re-indexed for
    its own change must not overwrite a statement written meanwhile by ``disponibilite_changee``."""
    if not lignes:
        return 0
    ids = [ligne[0] for ligne in lignes]
    dispo = _disponibilites(ids)
    libelles = _libelles(ids)
    documents = [_document(ligne, dispo.get(ligne[0]), libelles.get(ligne[0], " ")) for ligne in lignes]
    avant = {
        pk: _racines_document(fines, lib)
        for pk, fines, lib in DocumentExpert.objects.filter(expert_id__in=ids).values_list(
            "expert_id", "texte_normalise", "racines_libelles"
        )
    }
    champs = [
        "texte",
        "texte_normalise",
        "racines_libelles",
        "source_modifie_le",
        "cle_charge",
        *(c.removesuffix("_id") for c in COPIES),
    ]
    if disponibilite_aussi:
        champs += DISPONIBILITE
    DocumentExpert.objects.bulk_create(
        documents, batch_size=LOT, update_conflicts=True, unique_fields=["expert"], update_fields=champs
    )
    _ajuster_frequences(avant, {d.expert_id: _racines_document(d.texte_normalise, d.racines_libelles) for d in documents})
    lignes_des_fiches(ids)
    return len(documents)


# --- ranking lines -----------------------------------------------------------------------------

_LIGNES = LigneClassement._meta.db_table
_DE_L_INSCRIPTION = ("expert_id", "liste_id", "specialite_id", "statut", "debut", "fin")
_DU_DOCUMENT = (
    "nom",
    "prenom",
    "cour_appel_id",
    "departement",
    "langues",
    "matiere_civile",
    "matiere_penale",
    "echange_securise",
    "missions_en_cours",
    "cle_charge",
    "etat_disponibilite",
    "indisponible_jusqu_au",
    "max_missions",
    "texte_normalise",
)
_COLONNES_LIGNE = ("inscription_id", *_DE_L_INSCRIPTION, *_DU_DOCUMENT)


def _lignes_attendues(condition: str) -> str:
    """SELECT of the ranking lines the inscriptions and documents give (in ``_COLONNES_LIGNE``
    order), for the inscriptions meeting ``condition`` (alias ``i``); two parameters first: the
    statuses kept."""
    colonnes = ", ".join(["i.id", *(f"i.{c}" for c in _DE_L_INSCRIPTION), *(f"d.{c}" for c in _DU_DOCUMENT)])
    return (
        f"SELECT {colonnes} FROM annuaire_inscription i JOIN {DocumentExpert._meta.db_table} d ON d.expert_id = i.expert_id"  # noqa: S608 (names: constants here; values bound)
        f" WHERE i.statut IN (%s, %s) AND {condition}"
    )


def lignes_des_fiches(ids: list[int]) -> None:
    """Rewrite the ranking lines of these fiches from their inscriptions and documents, in the
    caller's transaction. An upsert, not a plain insert: a concurrent rewrite of the same fiche
    that committed meanwhile is overwritten instead of failing on the key."""
    colonnes = ", ".join(_COLONNES_LIGNE)
    mises_a_jour = ", ".join(f"{c} = excluded.{c}" for c in _COLONNES_LIGNE[1:])
    for debut in range(0, len(ids), LOT):
        lot = [int(pk) for pk in ids[debut : debut + LOT]]
        marques = ", ".join(["%s"] * len(lot))
        with connection.cursor() as curseur:
            curseur.execute(f"DELETE FROM {_LIGNES} WHERE expert_id IN ({marques})", lot)  # noqa: S608
            curseur.execute(
                f"INSERT INTO {_LIGNES} ({colonnes}) {_lignes_attendues(f'i.expert_id IN ({marques})')}"
                f" ON CONFLICT (inscription_id) DO UPDATE SET {mises_a_jour}",
                [*STATUTS_ACTIFS, *lot],
            )


def reconstruire_lignes() -> int:
    """Every ranking line rewritten (in the caller's transaction): after a bulk rebuild."""
    with connection.cursor() as curseur:
        curseur.execute(f"DELETE FROM {_LIGNES}")  # noqa: S608
        curseur.execute(f"INSERT INTO {_LIGNES} ({', '.join(_COLONNES_LIGNE)}) {_lignes_attendues('1 = 1')}", [*STATUTS_ACTIFS])
        return curseur.rowcount


def reconcilier_lignes() -> int:
    """The fiches whose ranking lines differ from what their inscriptions and documents give (a
    line missing, extra or different), rewritten; their number."""
    colonnes = ", ".join(_COLONNES_LIGNE)
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT expert_id FROM (SELECT {colonnes} FROM {_LIGNES} EXCEPT {_lignes_attendues('1 = 1')}) x"  # noqa: S608
            f" UNION SELECT expert_id FROM ({_lignes_attendues('1 = 1')} EXCEPT SELECT {colonnes} FROM {_LIGNES}) y",
            [*STATUTS_ACTIFS, *STATUTS_ACTIFS],
        )
        ids = sorted({int(r[0]) for r in curseur.fetchall()})
    lignes_des_fiches(ids)
    return len(ids)


def inscription_ecrite(sender: type, instance: Inscription, **kwargs: object) -> None:
    """Signal receiver (``post_save``, ``post_delete`` of an inscription): its fiche's lines follow,
    in the writing transaction."""
    lignes_des_fiches([instance.expert_id])


def fiches_modifiees(ids: list[int]) -> None:
    """annuaire's subscriber (``annuaire.services.abonner_fiches``, registered at start-up): the
    documents of these fiches are written in the transaction that writes the fiches, so they are
    searchable as soon as it commits (issue 21: the lazy check alone missed fiches edited before
    a newer document, or never indexed with a lower id)."""
    for debut in range(0, len(ids), LOT):
        _ecrire(list(Expert.objects.filter(pk__in=ids[debut : debut + LOT]).values_list(*_CHAMPS)), disponibilite_aussi=False)


def disponibilite_changee(expert_id: int) -> None:
    """Called in the transaction that writes the expert's statement: the document follows it. When
    the fiche has no document yet, every pending fiche is indexed first: the new document carries
    the fiche's ``modifie_le``, and the lazy check must not jump over fiches changed before it
    (issue 21: after an import, 138 of 147 fiches stayed out of the search until the hourly task)."""
    if not DocumentExpert.objects.filter(expert_id=expert_id).exists():
        actualiser(force=True)
    _ecrire(list(Expert.objects.filter(pk=expert_id).values_list(*_CHAMPS)), disponibilite_aussi=True)


def actualiser(force: bool = False) -> int:
    """Re-index fiches changed since the newest indexed change, and fiches without a document.
    Four queries when nothing changed (the marker read from the end of its index, two counts, the
    changed fiches through ``annuaire_expert.modifie_le``), and no write."""
    global _dernier_controle
    delai = getattr(settings, "RECHERCHE_FRAICHEUR_S", 2.0)
    if not force and time.monotonic() - _dernier_controle < delai:
        return 0
    _dernier_controle = time.monotonic()
    # Two single-column maxima, each read from the end of an index (one query with both made
    # SQLite scan the 10⁵ documents: 16 ms every 2 s per worker).
    marque = DocumentExpert.objects.order_by("-source_modifie_le").values_list("source_modifie_le", flat=True).first()
    if marque is None:  # empty index: build it in bulk
        return reconstruire()
    # Fiches never indexed, whatever their id (a fiche created by a write that bypassed annuaire's
    # services, with an id below an indexed one): the counts differ, then the anti-join finds them.
    sans_document: list[int] = []
    if Expert.objects.order_by().count() != DocumentExpert.objects.order_by().count():
        sans_document = list(Expert.objects.filter(document_recherche__isnull=True).values_list("pk", flat=True)[: LOT * 10])
    qs = (
        # Each branch read through its own index (an OR made SQLite walk the whole modifie_le index).
        Expert.objects.filter(
            pk__in=Expert.objects.filter(modifie_le__gte=marque)
            .order_by()
            .values("pk")
            .union(Expert.objects.filter(pk__in=sans_document or [0]).order_by().values("pk"))
        )
        .exclude(document_recherche__source_modifie_le=F("modifie_le"))
        # Oldest changes first: a capped batch never lets the marker jump over a change left behind.
        .order_by("modifie_le", "pk")
    )
    lignes = list(qs.values_list(*_CHAMPS)[: LOT * 10])
    if not lignes:
        return 0
    with transaction.atomic():
        return _ecrire(lignes, disponibilite_aussi=False)


def reconstruire(lot: int = 5000) -> int:
    """Rebuild the whole index in bulk (first deployment, large imports, repair): every document is
    deleted then written again from the fiches' columns and the availability statements, by
    batches of plain INSERTs, in one transaction (searches keep reading the old index until it
    commits). No model instance of ``Expert`` is built: at 10⁵ fiches this takes seconds."""
    total = 0
    with transaction.atomic():
        DocumentExpert.objects.all().delete()
        dispo = _disponibilites(None)
        libelles = _libelles(None)
        documents: list[DocumentExpert] = []
        for ligne in Expert.objects.order_by().values_list(*_CHAMPS).iterator(chunk_size=lot):
            documents.append(_document(ligne, dispo.get(ligne[0]), libelles.get(ligne[0], " ")))
            if len(documents) >= lot:
                DocumentExpert.objects.bulk_create(documents, batch_size=lot)
                total += len(documents)
                documents = []
        DocumentExpert.objects.bulk_create(documents, batch_size=lot)
        total += len(documents)
        calculer_frequences()
        reconstruire_lignes()
    return total


def reindexer() -> int:
    """Full reconciliation (periodic task): every document that differs from what its fiche and
    the expert's statement give (a write that bypassed ``modifie_le``, a statement written
    outside ``services``), and every fiche without a document."""
    actuels = {
        ligne[0]: ligne[1:]
        for ligne in DocumentExpert.objects.order_by().values_list("expert_id", *_COLONNES).iterator(chunk_size=LOT)
    }
    dispo = _disponibilites(None)
    a_refaire: list[tuple] = []
    total = 0
    for ligne in Expert.objects.order_by().values_list(*_CHAMPS).iterator(chunk_size=LOT):
        # Compared without the stems: no fiche is stemmed unless its document must be rewritten.
        if actuels.get(ligne[0]) != _contenu(ligne, dispo.get(ligne[0])):
            a_refaire.append(ligne)
        if len(a_refaire) >= LOT:
            total += _ecrire(a_refaire, disponibilite_aussi=True)
            a_refaire = []
    total += _ecrire(a_refaire, disponibilite_aussi=True)
    # The labels of the inscriptions (decisions, radiations) and any drift of the counts.
    libelles = _libelles(None)
    perimes = [
        DocumentExpert(expert_id=pk, racines_libelles=libelles.get(pk, " "))
        for pk, actuel in DocumentExpert.objects.order_by().values_list("expert_id", "racines_libelles").iterator(chunk_size=LOT)
        if actuel != libelles.get(pk, " ")
    ]
    with transaction.atomic():
        DocumentExpert.objects.bulk_update(perimes, ["racines_libelles"], batch_size=LOT)
        calculer_frequences()
        # The ranking lines of fiches whose inscriptions changed without a save (QuerySet.update).
        total += reconcilier_lignes()
    return total
