"""Words for the eIDAS levels that FranceConnect sends as ``acr`` (never the code alone)."""

from django import template

register = template.Library()

NIVEAUX = {"eidas1": "faible", "eidas2": "substantiel", "eidas3": "élevé"}


@register.filter
def niveau_eidas(acr: str) -> str:
    return NIVEAUX.get(acr, f"« {acr} »")
