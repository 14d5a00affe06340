"""{% verdict_signatures verdict [fuseau] %}: a stored signature verdict, in plain French."""

from __future__ import annotations

import datetime as dt

from django import template

from justexpert.lib.format import horodatage

from ..signatures import Statut, Verdict

register = template.Library()


@register.filter
def de(nom: str) -> str:
    """« de » or « d' » before a name: « Signature d'Alix Durand »."""
    from justexpert.lib.format import elision

    return elision(str(nom), "de")


@register.filter
def heure(fuseau: str | None) -> str:
    """« heure de Paris », « heure de Nouméa »: a court's time zone in words, never its code."""
    from justexpert.lib.temps import nom_heure

    return nom_heure(fuseau)


# DSFR badge per verdict: success / error / warning / neutral.
BADGES = {
    Statut.VALIDE: "fr-badge--success",
    Statut.INVALIDE: "fr-badge--error",
    Statut.INDETERMINE: "fr-badge--warning",
    Statut.NON_SIGNE: "",
}


def _date(iso: str | None, fuseau: str | None) -> str:
    if not iso:
        return ""
    return horodatage(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")), fuseau)


@register.inclusion_tag("preuves/_verdict_signatures.html")
def verdict_signatures(verdict: Verdict | dict | None, fuseau: str | None = None) -> dict:
    """``verdict``: the Verdict or its stored dict (Verdict.en_dict()); ``fuseau``: the court's zone."""
    if verdict is None:
        return {"verdict": None}
    if isinstance(verdict, dict):
        verdict = Verdict.depuis_dict(verdict)
    lignes = [
        {
            "signature": s,
            "badge": BADGES[s.statut],
            "date": _date(s.date, fuseau),
        }
        for s in verdict.signatures
    ]
    return {
        "verdict": verdict,
        "badge": BADGES[verdict.statut],
        "lignes": lignes,
        "verifie_le": _date(verdict.verifie_le, fuseau),
    }
