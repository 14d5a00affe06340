from __future__ import annotations

import datetime as dt

from django import template

from justexpert.lib.format import date_longue
from justexpert.lib.temps import zone

register = template.Library()


@register.filter
def heure_cour(instant: dt.datetime | None, fuseau: str) -> str:
    """« 12 mars 2027 à 14:30 » in the court's time zone."""
    if instant is None:
        return "—"
    local = instant.astimezone(zone(fuseau))
    return f"{date_longue(local.date())} à {local:%H:%M}"


@register.filter
def jour_cour(instant: dt.datetime | None, fuseau: str) -> str:
    if instant is None:
        return "—"
    return f"{instant.astimezone(zone(fuseau)):%d/%m/%Y}"
