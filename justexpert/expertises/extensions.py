"""The extension registry of a case: how a module above ``expertises`` (frais, operations…) adds to
a case without ``expertises`` ever importing it.

At start-up (its ``AppConfig.ready``) a module calls ``enregistrer(Extension(...))`` with what it
adds:

- ``onglet``: a tab of the case page (label, URL name taking ``reference``, who sees it);
- ``a_faire``: its items of the tableau de bord for a person (same fields as portail's AFaire);
- ``empechements``: per transition, why it cannot be taken now and who must act (the case page
  shows the step disabled with those words, the service refuses with them, like conditions.py);
- ``reactions``: called inside the transaction of a fired transition (or of the designation,
  under the name ``designer``), so the module's data follows the procedure whoever fired it;
- ``documents``: files it adds to the case ZIP for a person (name, bytes), after its own checks;
- ``contradictoire``: rows it adds to the contradictoire table (label, one cell per participant);
- ``purger``: destroys its documents and personal data when the case is purged, in the purge's
  transaction, with the purge's destruction journal.

What it protects against: a module forgotten by the purge (the purge calls every hook, and refuses
to mark the case purged if one fails), a module seeing more than the person may (every hook
receives the person and their capacities in the case, computed by ``expertises.permissions``).
What it does not: a hook's own permission rules stay the module's responsibility.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from justexpert.comptes.models import Utilisateur

    from .models import Expertise, Participant


@dataclass(frozen=True)
class Empechement:
    """Why a step cannot be taken now (French), and who must act (capacities, in words)."""

    raison: str
    qui: str = ""

    def __str__(self) -> str:
        return f"{self.raison}{f' ({self.qui})' if self.qui and self.qui not in self.raison else ''}"


@dataclass(frozen=True)
class Onglet:
    libelle: str
    url_name: str  # reversed with the case's uuid as ``reference``
    visible: Callable[[Utilisateur, Expertise, set[str]], bool] = lambda user, e, qualites: bool(qualites)


@dataclass(frozen=True)
class ElementAFaire:
    """Same fields as portail's AFaire (portail reads them by name)."""

    libelle: str
    url: str
    echeance: dt.datetime | None = None
    urgent: bool = False


@dataclass(frozen=True)
class LigneContradictoire:
    libelle: str
    cellules: list[str]  # one plain-French cell per participant, in the table's order


@dataclass(frozen=True)
class Extension:
    nom: str  # the module's label, e.g. "frais"
    onglet: Onglet | None = None
    a_faire: Callable[[Utilisateur], Iterable[ElementAFaire]] | None = None
    empechements: dict[str, Callable[[Expertise], Empechement | None]] = field(default_factory=dict)
    reactions: dict[str, Callable[..., None]] = field(default_factory=dict)
    documents: Callable[[Utilisateur, Expertise, set[str]], Iterable[tuple[str, bytes]]] | None = None
    contradictoire: Callable[[Utilisateur, Expertise, list[Participant]], Iterable[LigneContradictoire]] | None = None
    purger: Callable[..., int] | None = None


_REGISTRE: dict[str, Extension] = {}


def enregistrer(extension: Extension) -> None:
    """Register (or replace, for tests and reloads) a module's extension of the case."""
    _REGISTRE[extension.nom] = extension


def retirer(nom: str) -> None:
    _REGISTRE.pop(nom, None)


def extensions() -> list[Extension]:
    return list(_REGISTRE.values())


def onglets(user: Utilisateur, e: Expertise, qualites: set[str]) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [
        (x.onglet.libelle, reverse(x.onglet.url_name, kwargs={"reference": e.uuid}))
        for x in _REGISTRE.values()
        if x.onglet is not None and x.onglet.visible(user, e, qualites)
    ]


def a_faire(user: Utilisateur) -> list[ElementAFaire]:
    items: list[ElementAFaire] = []
    for x in _REGISTRE.values():
        if x.a_faire is not None:
            items.extend(x.a_faire(user))
    return items


def empechement(nom: str, e: Expertise) -> Empechement | None:
    for x in _REGISTRE.values():
        regle = x.empechements.get(nom)
        if regle is not None:
            raison = regle(e)
            if raison is not None:
                return raison
    return None


def reagir(nom: str, e: Expertise, *, acteur: Utilisateur | None, **details: Any) -> None:
    """Inside the caller's transaction: the modules follow the step ``nom`` just taken in ``e``."""
    for x in _REGISTRE.values():
        reaction = x.reactions.get(nom)
        if reaction is not None:
            reaction(e, acteur=acteur, **details)


def documents(user: Utilisateur, e: Expertise, qualites: set[str]) -> list[tuple[str, bytes]]:
    result: list[tuple[str, bytes]] = []
    for x in _REGISTRE.values():
        if x.documents is not None:
            result.extend((f"{x.nom}/{nom}", contenu) for nom, contenu in x.documents(user, e, qualites))
    return result


def contradictoire(user: Utilisateur, e: Expertise, participants: list[Participant]) -> list[LigneContradictoire]:
    result: list[LigneContradictoire] = []
    for x in _REGISTRE.values():
        if x.contradictoire is not None:
            result.extend(x.contradictoire(user, e, participants))
    return result


def purger(e: Expertise, *, acteur: Utilisateur | None, journal: Any) -> int:
    """Every module's purge hook, in the purge's transaction; returns the contents destroyed."""
    return sum(x.purger(e, acteur=acteur, journal=journal) for x in _REGISTRE.values() if x.purger is not None)
