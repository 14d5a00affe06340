"""Why a step of the procedure cannot be taken *now* in a case: the guards that depend on dates and
on the case's data (procedure.py says who may act and from which state).

One rule for both sides: the service refuses with these words (``services._franchir``), and the
case page shows the button disabled with the same words, so a person is never offered a click that
ends on a refusal. Each reason says what is awaited and, where someone else must act, who.
Nothing here writes or queries the database; modules above ``expertises`` add their own reasons
through the extension registry (``extensions.py``: « provision incomplète », with who must act),
and those may read their own tables.
"""

from __future__ import annotations

from collections.abc import Callable

from justexpert.lib.format import date_longue
from justexpert.lib.temps import est_echu

from . import extensions
from .models import Etat, Expertise, StatutConsignation


def _demarrer(e: Expertise) -> str | None:
    if e.est_penale:
        if not e.urgence and e.date_limite_observations and not est_echu(e.date_limite_observations, e.fuseau):
            return (
                "Les parties peuvent présenter leurs observations sur la décision jusqu'au "
                f"{date_longue(e.date_limite_observations)} (CPP 161-1) : les opérations commencent ensuite."
            )
        return None
    if e.consignation_statut in {StatutConsignation.SANS_OBJET, StatutConsignation.CONSIGNEE}:
        return None
    return (
        "La provision n'est pas consignée : les opérations commencent après la consignation (CPC 267). "
        "Le greffe invite les parties à consigner, puis constate la consignation."
    )


def _inviter_consignation(e: Expertise) -> str | None:
    if e.consignation_montant is None:
        return "Aucune provision n'a été fixée : l'expert peut commencer les opérations."
    if e.consignation_statut == StatutConsignation.CONSIGNEE:
        return "La provision est déjà consignée : l'expert peut commencer les opérations."
    if e.consignation_date_limite is None or est_echu(e.consignation_date_limite, e.fuseau):
        jour = f" (le {date_longue(e.consignation_date_limite)})" if e.consignation_date_limite else ""
        return (
            f"La date limite de consignation fixée par la décision{jour} est passée : "
            "le magistrat doit d'abord fixer une nouvelle date (CPC 270, 271)."
        )
    return None


def _constater_caducite(e: Expertise) -> str | None:
    if e.consignation_date_limite is None or not est_echu(e.consignation_date_limite, e.fuseau):
        jour = f" (le {date_longue(e.consignation_date_limite)})" if e.consignation_date_limite else ""
        return f"Possible seulement après la date limite de consignation{jour}, si la provision n'a pas été versée (CPC 271)."
    return None


def _clore_dires(e: Expertise) -> str | None:
    if e.date_limite_dires and not est_echu(e.date_limite_dires, e.fuseau):
        return f"Les parties peuvent adresser leurs dires jusqu'au {date_longue(e.date_limite_dires)} (CPC 276)."
    return None


def _clore_observations(e: Expertise) -> str | None:
    if e.date_limite_observations and not est_echu(e.date_limite_observations, e.fuseau):
        return f"Les observations restent ouvertes jusqu'au {date_longue(e.date_limite_observations)}."
    return None


def _ouvrir_taxation(e: Expertise) -> str | None:
    if e.etat == Etat.RAPPORT_DEPOSE and e.date_limite_observations and not est_echu(e.date_limite_observations, e.fuseau):
        return (
            f"Les parties peuvent présenter leurs observations jusqu'au {date_longue(e.date_limite_observations)} (CPC 282, 284)."
        )
    return None


def _clore(e: Expertise) -> str | None:
    if e.etat == Etat.CONCLUSIONS_NOTIFIEES and e.date_limite_observations and not est_echu(e.date_limite_observations, e.fuseau):
        return (
            "Les parties peuvent demander un complément ou une contre-expertise jusqu'au "
            f"{date_longue(e.date_limite_observations)}."
        )
    return None


def _constater_complement(e: Expertise) -> str | None:
    if e.consignation_statut != StatutConsignation.COMPLEMENT_A_CONSIGNER:
        return "Aucune consignation complémentaire n'est attendue."
    return None


EMPECHEMENTS: dict[str, Callable[[Expertise], str | None]] = {
    "demarrer": _demarrer,
    "inviter_consignation": _inviter_consignation,
    "constater_caducite": _constater_caducite,
    "clore_dires": _clore_dires,
    "clore_observations": _clore_observations,
    "ouvrir_taxation": _ouvrir_taxation,
    "clore": _clore,
    "constater_complement": _constater_complement,
}


def empechement(nom: str, e: Expertise) -> str | None:
    """The French reason why transition ``nom`` cannot be fired now in ``e``, or None."""
    regle = EMPECHEMENTS.get(nom)
    raison = regle(e) if regle else None
    if raison:
        return raison
    autre = extensions.empechement(nom, e)
    return str(autre) if autre else None
