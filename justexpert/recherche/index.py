"""The derived text index over annuaire fiches (``DocumentExpert``) and how it stays fresh.

annuaire does not know recherche (the arrow points the other way), so annuaire's changes are
picked up lazily: before a search, fiches whose ``modifie_le`` is at or after the newest indexed
one (an indexed column), or whose id is above the newest indexed id, are re-indexed, at most once
every ``RECHERCHE_FRAICHEUR_S`` seconds per process, so a change is searchable within seconds and
a burst of searches pays one check. The CSV import sets ``modifie_le`` in its ``bulk_update``; any
other write that would bypass it is caught by the periodic ``reindexer`` task, which compares
every document with its fiche. Workload, last designation, inscriptions and availability are not
copied: the search reads them live from their tables.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q

from justexpert.annuaire.models import Expert

from .models import DocumentExpert
from .texte import normaliser

LOT = 1000
_dernier_controle = 0.0


def _texte(specialites_fines: str, profession: str, zone_intervention: str) -> str:
    return "\n".join(filter(None, [specialites_fines, profession, zone_intervention]))


def texte_de(expert: Expert) -> str:
    return _texte(expert.specialites_fines, expert.profession, expert.zone_intervention)


def indexer(experts: Iterable[Expert]) -> int:
    """Write the documents of ``experts`` (create or replace)."""
    documents = [
        DocumentExpert(expert_id=e.pk, texte=texte_de(e), texte_normalise=normaliser(texte_de(e)), source_modifie_le=e.modifie_le)
        for e in experts
    ]
    if documents:
        DocumentExpert.objects.bulk_create(
            documents,
            batch_size=LOT,
            update_conflicts=True,
            unique_fields=["expert"],
            update_fields=["texte", "texte_normalise", "source_modifie_le"],
        )
    return len(documents)


_CHAMPS = ("id", "specialites_fines", "profession", "zone_intervention", "modifie_le")


def actualiser(force: bool = False) -> int:
    """Re-index fiches changed since the newest indexed change, and fiches created since the newest
    indexed one. Two indexed queries (``annuaire_expert.modifie_le`` and primary keys), and no
    write when nothing changed."""
    global _dernier_controle
    delai = getattr(settings, "RECHERCHE_FRAICHEUR_S", 2.0)
    if not force and time.monotonic() - _dernier_controle < delai:
        return 0
    _dernier_controle = time.monotonic()
    reperes = DocumentExpert.objects.aggregate(m=Max("source_modifie_le"), pk=Max("expert_id"))
    qs = Expert.objects.only(*_CHAMPS)
    if reperes["m"] is not None:
        qs = qs.filter(Q(modifie_le__gte=reperes["m"]) | Q(pk__gt=reperes["pk"])).exclude(
            document_recherche__source_modifie_le=F("modifie_le")
        )
    # Oldest changes first: a capped batch never lets the marker jump over a change left behind.
    a_indexer = list(qs.order_by("modifie_le", "pk")[: LOT * 10]) if reperes["m"] is not None else None
    if a_indexer is None:  # empty index: build it in bulk
        return reconstruire()
    if not a_indexer:
        return 0
    with transaction.atomic():
        return indexer(a_indexer)


def reconstruire(lot: int = 5000) -> int:
    """Rebuild the whole index in bulk (first deployment, large imports, repair): every document is
    deleted then written again from the fiches' columns, by batches of plain INSERTs, in one
    transaction (searches keep reading the old index until it commits). No model instance of
    ``Expert`` is built: at 10⁵ fiches this takes seconds, where ``actualiser`` would upsert."""
    total = 0
    with transaction.atomic():
        DocumentExpert.objects.all().delete()
        documents: list[DocumentExpert] = []
        lignes = Expert.objects.order_by().values_list(*_CHAMPS).iterator(chunk_size=lot)
        for pk, fines, profession, zone, modifie_le in lignes:
            t = _texte(fines, profession, zone)
            documents.append(DocumentExpert(expert_id=pk, texte=t, texte_normalise=normaliser(t), source_modifie_le=modifie_le))
            if len(documents) >= lot:
                DocumentExpert.objects.bulk_create(documents, batch_size=lot)
                total += len(documents)
                documents = []
        DocumentExpert.objects.bulk_create(documents, batch_size=lot)
        total += len(documents)
    return total


def reindexer() -> int:
    """Full reconciliation (periodic task): every document whose text differs from its fiche."""
    a_refaire = []
    total = 0
    documents = dict(DocumentExpert.objects.values_list("expert_id", "texte"))
    for e in Expert.objects.only(*_CHAMPS).iterator(chunk_size=LOT):
        if documents.get(e.pk) != texte_de(e):
            a_refaire.append(e)
        if len(a_refaire) >= LOT:
            total += indexer(a_refaire)
            a_refaire = []
    total += indexer(a_refaire)
    return total
