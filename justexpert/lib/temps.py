"""Court time: instants are stored in UTC; dates and deadlines are read in a court's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = "Europe/Paris"


def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or PARIS)


# The zones of French courts, named as people say them ("heure de Paris"), never by IANA code.
NOMS_HEURE = {
    "Europe/Paris": "heure de Paris",
    "America/Cayenne": "heure de Cayenne",
    "America/Martinique": "heure de la Martinique",
    "America/Guadeloupe": "heure de la Guadeloupe",
    "America/Miquelon": "heure de Saint-Pierre-et-Miquelon",
    "Indian/Reunion": "heure de La Réunion",
    "Indian/Mayotte": "heure de Mayotte",
    "Pacific/Noumea": "heure de Nouméa",
    "Pacific/Tahiti": "heure de Papeete",
    "Pacific/Wallis": "heure de Wallis-et-Futuna",
}


def nom_heure(fuseau: str | None) -> str:
    """ "heure de Paris", "heure de Nouméa"…: the words for a court's time zone."""
    nom = fuseau or PARIS
    if nom in NOMS_HEURE:
        return NOMS_HEURE[nom]
    if nom.upper() == "UTC":
        return "temps universel"
    return "heure de " + nom.rsplit("/", 1)[-1].replace("_", " ")


def maintenant() -> dt.datetime:
    return timezone.now()


def date_locale(instant: dt.datetime, fuseau: str | None) -> dt.date:
    """The calendar date of ``instant`` in the given time zone."""
    return instant.astimezone(zone(fuseau)).date()


def debut_de_journee(jour: dt.date, fuseau: str | None) -> dt.datetime:
    """The first instant of ``jour`` in the given time zone (a period "from" a day starts there)."""
    return dt.datetime.combine(jour, dt.time(0), tzinfo=zone(fuseau)).astimezone(dt.UTC)


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


# --- Procedural deadlines ---------------------------------------------------------------------


def paques(annee: int) -> dt.date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm of Meeus/Jones/Butcher)."""
    a = annee % 19
    b, c = divmod(annee, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    mois, jour = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(annee, mois, jour + 1)


def jours_feries(annee: int) -> frozenset[dt.date]:
    """National public holidays (code du travail L3133-1). Local ones (Alsace-Moselle, overseas
    abolition days) are not included."""
    p = paques(annee)
    fixes = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return frozenset(
        [dt.date(annee, m, j) for m, j in fixes]
        + [p + dt.timedelta(days=1), p + dt.timedelta(days=39), p + dt.timedelta(days=50)]
    )


def jour_ouvrable_suivant(jour: dt.date) -> dt.date:
    """A deadline that would end on a Saturday, Sunday or public holiday is extended to the next
    working day (CPC 642, CPP 801)."""
    while jour.weekday() >= 5 or jour in jours_feries(jour.year):
        jour += dt.timedelta(days=1)
    return jour


def echeance_en_jours(depart: dt.datetime, jours: int, fuseau: str | None) -> dt.date:
    """The last day of a period of ``jours`` days starting from the event at ``depart``.

    The day of the event does not count and the period ends at the end of its last day (CPC 640-642,
    CPP 801), both read in the court's time zone: a notification at 23:30 UTC is already the next
    day in Nouméa and still the same day in Cayenne.
    """
    return jour_ouvrable_suivant(date_locale(depart, fuseau) + dt.timedelta(days=jours))


def est_echu(jour: dt.date, fuseau: str | None, instant: dt.datetime | None = None) -> bool:
    """Has the deadline ending on ``jour`` (court time) passed at ``instant`` (now by default)?"""
    return (instant or maintenant()) > fin_de_journee(jour, fuseau)


def jours_restants(jour: dt.date, fuseau: str | None, instant: dt.datetime | None = None) -> int:
    """Calendar days from today (court time) to ``jour``: 0 on the day itself, negative once past."""
    return (jour - date_locale(instant or maintenant(), fuseau)).days
