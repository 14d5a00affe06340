"""Modules above annuaire that keep derived copies of the fiches (recherche's search documents)
subscribe here at start-up; every write of fiches by annuaire's services or by the CSV import calls
them in the same transaction, so a copy is up to date as soon as the change commits, whatever the
order of imports and edits (issue 21). annuaire never imports its subscribers; this module imports
nothing, so a subscriber does not depend on annuaire's services (nor on what they import)."""

from __future__ import annotations

from collections.abc import Callable

_abonnes: list[Callable[[list[int]], None]] = []


def abonner_fiches(fonction: Callable[[list[int]], None]) -> None:
    """Register ``fonction(ids)``, called in the transaction of every write of these fiches."""
    if fonction not in _abonnes:
        _abonnes.append(fonction)


def fiches_modifiees(ids: list[int]) -> None:
    """Tell the subscribers that these fiches were written (inside the writing transaction)."""
    if ids:
        for fonction in _abonnes:
            fonction(ids)
