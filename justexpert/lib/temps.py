"""Court time: instants are stored in UTC; dates and deadlines are read in a court's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = "Europe/Paris"


def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or PARIS)


def maintenant() -> dt.datetime:
    return timezone.now()


def date_locale(instant: dt.datetime, fuseau: str | None) -> dt.date:
    """The calendar date of ``instant`` in the given time zone."""
    return instant.astimezone(zone(fuseau)).date()


def fin_de_journee(jour: dt.date, fuseau: str | None) -> dt.datetime:
    """The last instant of ``jour`` in the court's time zone (a deadline 'on' a day ends there)."""
    debut_lendemain = dt.datetime.combine(jour + dt.timedelta(days=1), dt.time(0), tzinfo=zone(fuseau))
    return (debut_lendemain - dt.timedelta(microseconds=1)).astimezone(dt.UTC)


def age_au(naissance: dt.date, jour: dt.date) -> int:
    """Age in whole years on ``jour`` (a person born on 29 February ages on 1 March)."""
    years = jour.year - naissance.year
    if (jour.month, jour.day) < (naissance.month, naissance.day):
        years -= 1
    return years
