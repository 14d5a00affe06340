"""French formatting helpers shared by templates, PDFs and e-mails."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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


def euros(montant: Decimal | None) -> str:
    """ "1 250,00 €": an amount as people read it (narrow no-break space between thousands, no-break
    space before the sign). Amounts are Decimal to the cent; nothing is rounded here."""
    if montant is None:
        return "—"
    signe = "-" if montant < 0 else ""
    entier, _, centimes = f"{abs(montant):.2f}".partition(".")
    groupes: list[str] = []
    while entier:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    return signe + "\u202f".join(groupes) + "," + centimes + "\u00a0€"
