"""The calendar of operations of a case (meetings, the expert's dates, the judge's dates under
CPC 266, the case's own deadlines) and a person's iCalendar feed over all their cases, written
with the ``icalendar`` library (RFC 5545). The feed names the court and the case number (never
the mission, never a party: « Expertise pénale » for a penal case)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar

from justexpert.comptes.models import Utilisateur
from justexpert.expertises import permissions as expertises_permissions
from justexpert.expertises.models import Expertise
from justexpert.lib.temps import maintenant, zone

from .models import EtapeCalendrier, Reunion, StatutReunion


@dataclass(frozen=True)
class Entree:
    uid: str
    titre: str
    jour: dt.date
    debut: dt.datetime | None = None  # a meeting: its time; otherwise a whole day
    lieu: str = ""
    auteur: str = "expert"  # « expert », « juge » or « décision »
    annulee: bool = False
    modifiee_le: dt.datetime | None = None


def entrees(e: Expertise) -> list[Entree]:
    fuseau = e.fuseau
    result = []
    for r in Reunion.objects.filter(expertise=e):
        result.append(
            Entree(
                f"reunion-{r.uuid}@justexpert",
                "Réunion d'expertise" + (" (visioconférence)" if r.visio else ""),
                r.debut.astimezone(zone(fuseau)).date(),
                debut=r.debut,
                lieu=r.lieu or r.lien,
                annulee=r.statut == StatutReunion.ANNULEE,
                modifiee_le=r.cree_le,
            )
        )
    for etape in EtapeCalendrier.objects.filter(expertise=e):
        result.append(
            Entree(
                f"etape-{etape.uuid}@justexpert",
                etape.titre,
                etape.date,
                auteur="juge" if etape.du_juge else "expert",
                modifiee_le=etape.modifie_le,
            )
        )
    result.append(
        Entree(
            f"rapport-{e.uuid}@justexpert",
            "Date limite du rapport (décision de désignation)",
            e.date_limite_rapport,
            auteur="décision",
        )
    )
    if e.date_limite_dires:
        result.append(
            Entree(
                f"dires-{e.uuid}@justexpert",
                "Date limite des dires (fixée au dépôt du pré-rapport)",
                e.date_limite_dires,
                auteur="décision",
            )
        )
    return sorted(result, key=lambda x: (x.jour, x.debut or dt.datetime.min.replace(tzinfo=dt.UTC), x.titre))


def _affaire(e: Expertise) -> str:
    return "Expertise pénale" if e.est_penale else f"Expertise RG {e.numero_rg}"


def flux(user: Utilisateur) -> bytes:
    """The person's feed: every case they take part in and may see, now (checked at each request)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Justexpert//Calendrier des opérations//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Justexpert — opérations d'expertise")
    cases = (
        expertises_permissions.expertises_visibles(user)
        .filter(participants__utilisateur=user, participants__retire_le__isnull=True)
        .select_related("juridiction")
        .distinct()
    )
    horodatage = maintenant()
    for e in cases:
        if not expertises_permissions.qualites(user, e):
            continue
        for x in entrees(e):
            ev = icalendar.Event()
            ev.add("uid", x.uid)
            ev.add("dtstamp", horodatage)
            titre = f"{x.titre} — {_affaire(e)}"
            if x.auteur == "juge":
                titre += " (calendrier du juge, CPC 266)"
            ev.add("summary", titre)
            if x.debut is not None:
                ev.add("dtstart", x.debut.astimezone(zone(e.fuseau)))
                ev.add("duration", dt.timedelta(hours=2))
            else:
                ev.add("dtstart", x.jour)
                ev.add("dtend", x.jour + dt.timedelta(days=1))
            if x.lieu:
                ev.add("location", x.lieu)
            ev.add("description", f"{e.juridiction}. Détails et pièces sur Justexpert.")
            if x.annulee:
                ev.add("status", "CANCELLED")
            if x.modifiee_le:
                ev.add("last-modified", x.modifiee_le)
            cal.add_component(ev)
    cal.add_missing_timezones()  # VTIMEZONE of each court zone used (RFC 5545 3.6.5)
    return cal.to_ical()
