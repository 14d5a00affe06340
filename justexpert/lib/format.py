"""French formatting helpers shared by templates, PDFs and e-mails."""

from __future__ import annotations

import datetime as dt

from .temps import nom_heure, zone

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


VOYELLES = tuple("aeiouyhàâäéèêëîïôöùûüÿæœAEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÆŒ")


def elision(mot: str, article: str) -> str:
    """« de » or « que » before ``mot``, elided before a vowel or a mute h: « d'Alix », « qu'avocat »."""
    if mot[:1] in VOYELLES:
        return article[:-1] + "'"
    return article + " "


def date_longue(jour: dt.date) -> str:
    premier = "1er" if jour.day == 1 else str(jour.day)
    return f"{premier} {MOIS[jour.month - 1]} {jour.year}"


def horodatage(instant: dt.datetime, fuseau: str | None = None) -> str:
    """ "5 décembre 2026 à 15:02:11 (heure de Paris)": a date as people read it, in a court's zone."""
    local = instant.astimezone(zone(fuseau))
    return f"{date_longue(local.date())} à {local:%H:%M:%S} ({nom_heure(fuseau)})"


def taille(octets: int) -> str:
    """Human size with French decimal comma: 1,5 Mio."""
    value = float(octets)
    for unit in ("octets", "Kio", "Mio", "Gio"):
        if value < 1024 or unit == "Gio":
            if unit == "octets":
                return f"{int(value)} octets"
            return f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    raise AssertionError("unreachable")
