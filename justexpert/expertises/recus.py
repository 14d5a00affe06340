"""The accusés of a case (deposits and openings), as the case's people read them: which court,
which case, which document, deposited and opened by whom and when, in the court's time zone.

The proof itself (log, checkpoint, timestamp) is preuves.accuses; this module only chooses the
human lines, after the caller's permission checks (permissions.depots_visibles).
"""

from __future__ import annotations

import re

from django.http import HttpResponse

from justexpert.lib.format import horodatage
from justexpert.preuves import accuses

from .models import Depot, Expertise, Ouverture

EVENEMENTS = {
    "expertises.depot": "dépôt d'un document dans une expertise judiciaire",
    "expertises.ouverture": "ouverture d'un document d'une expertise judiciaire par un participant",
}


def nom_dossier(e: Expertise) -> str:
    """« expertise-RG-26-00101 »: the case number people know, made safe for file names (RG
    numbers hold « / »)."""
    numero = re.sub(r"[^0-9A-Za-z]+", "-", e.numero_rg).strip("-") or str(e.uuid)
    return f"expertise-{'penale-' if e.est_penale else ''}RG-{numero}"


def lignes(e: Expertise, d: Depot, ouverture: Ouverture | None = None) -> list[tuple[str, str]]:
    rangees = [
        ("Juridiction", str(e.juridiction)),
        ("Dossier", f"Expertise pénale, RG {e.numero_rg}" if e.est_penale else e.reference_civile),
        ("Document", d.libelle + (f" ({d.partie.designation})" if d.partie_id else "")),
        ("Fichier", d.document.nom),
        ("Déposé par", f"{d.depose_par} ({d.get_qualite_display().lower()})"),
        ("Déposé le", horodatage(d.depose_le, e.fuseau)),
    ]
    if ouverture is not None:
        rangees += [("Ouvert par", str(ouverture.utilisateur)), ("Ouvert le", horodatage(ouverture.le, e.fuseau))]
    return rangees


def nom(e: Expertise, d: Depot, ouverture: Ouverture | None = None) -> str:
    evenement = ouverture.evenement if ouverture else d.evenement
    return f"accuse-{'ouverture' if ouverture else 'depot'}-{nom_dossier(e)}-{evenement.uuid}"


def titre(ouverture: Ouverture | None) -> str:
    return "Accusé d'ouverture" if ouverture else "Accusé de dépôt"


def pdf(e: Expertise, d: Depot, ouverture: Ouverture | None = None) -> bytes:
    evenement = ouverture.evenement if ouverture else d.evenement
    return accuses.accuse_pdf(evenement, titre=titre(ouverture), lignes=lignes(e, d, ouverture), fuseau=e.fuseau)


def reponse(e: Expertise, d: Depot, ouverture: Ouverture | None = None, *, format: str = "pdf") -> HttpResponse:  # noqa: A002
    evenement = ouverture.evenement if ouverture else d.evenement
    return accuses.reponse(
        evenement,
        nom=nom(e, d, ouverture),
        titre=titre(ouverture),
        lignes=lignes(e, d, ouverture),
        fuseau=e.fuseau,
        format=format,
    )
