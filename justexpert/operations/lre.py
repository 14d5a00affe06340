"""The channel of electronic registered mail (lettre recommandée électronique, eIDAS art. 44,
CPCE L.100): one adapter interface, chosen by configuration, off by default.

``settings.OPERATIONS_LRE_FOURNISSEUR``: dotted path of a class implementing ``FournisseurLRE``,
empty (default) for no LRE channel (parties without consent get a paper registered letter).
A provider adapter (for a qualified provider's API) implements two calls:

- ``envoyer(...) -> EnvoiLRE``: hand the sealed convocation to the provider for one recipient;
  returns the provider's reference and its proof of deposit (bytes, e.g. a signed PDF or JSON);
  raises ``FournisseurIndisponible`` when the provider cannot be reached (the convocation stays
  « en attente » and the periodic task retries it);
- ``suivre(reference) -> SuiviLRE``: where the letter stands (« en_cours », « remise »,
  « non_reclamee », « refusee ») with the provider's proof when it is final.

The proofs are stored in the coffre as deposits of the case and linked to the convocation.
``FauxFournisseur`` is the fake the tests use (in-memory, switchable down); it proves nothing and
must not be configured in production.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class FournisseurIndisponible(Exception):
    """The provider cannot be reached now: retry later."""


@dataclass(frozen=True)
class EnvoiLRE:
    reference: str
    preuve_depot: bytes
    nom_preuve: str = "preuve-de-depot.xml"  # its extension tells the coffre its format (PDF, XML…)


@dataclass(frozen=True)
class SuiviLRE:
    statut: str  # en_cours | remise | non_reclamee | refusee
    preuve: bytes | None = None
    nom_preuve: str = "preuve.xml"


class FournisseurLRE(Protocol):
    nom: str

    def envoyer(self, *, destinataire: str, courriel: str, document: bytes, nom_document: str, reference: str) -> EnvoiLRE: ...

    def suivre(self, reference: str) -> SuiviLRE: ...


def fournisseur() -> FournisseurLRE | None:
    chemin = getattr(settings, "OPERATIONS_LRE_FOURNISSEUR", "") or ""
    if not chemin:
        return None
    return import_string(chemin)()  # type: ignore[no-any-return]


class FauxFournisseur:
    """In-memory fake provider for tests and demos: ``disponible`` switches it down, ``issues``
    sets the outcome of a reference (default « remise »)."""

    nom = "Prestataire LRE fictif (tests, non qualifié)"
    disponible: ClassVar[bool] = True
    envois: ClassVar[dict[str, dict[str, str]]] = {}
    issues: ClassVar[dict[str, str]] = {}

    def envoyer(self, *, destinataire: str, courriel: str, document: bytes, nom_document: str, reference: str) -> EnvoiLRE:
        if not type(self).disponible:
            raise FournisseurIndisponible("prestataire LRE injoignable")
        ref = "LRE-" + hashlib.sha256(reference.encode()).hexdigest()[:16]
        type(self).envois[ref] = {"courriel": courriel, "sha256": hashlib.sha256(document).hexdigest()}
        preuve = f'<?xml version="1.0"?><preuve type="depot" reference="{ref}" sha256="{type(self).envois[ref]["sha256"]}"/>'
        return EnvoiLRE(ref, preuve.encode())

    def suivre(self, reference: str) -> SuiviLRE:
        if not type(self).disponible:
            raise FournisseurIndisponible("prestataire LRE injoignable")
        statut = type(self).issues.get(reference, "remise")
        if statut == "en_cours":
            return SuiviLRE(statut)
        return SuiviLRE(
            statut, f'<?xml version="1.0"?><preuve type="{statut}" reference="{reference}"/>'.encode(), f"preuve-{statut}.xml"
        )
