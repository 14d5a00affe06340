"""The accusé of a candidature's piece, in words: which candidature, which list, which piece,
deposited by whom and when (the court's time zone). The proof is preuves.accuses."""

from __future__ import annotations

from django.http import HttpResponse

from justexpert.lib.format import horodatage
from justexpert.preuves import accuses

from . import services
from .models import Candidature, Piece

EVENEMENTS = {
    "candidatures.piece_deposee": "dépôt d'une pièce d'une candidature à la liste des experts judiciaires",
}


def lignes(c: Candidature, p: Piece) -> list[tuple[str, str]]:
    fuseau = services.fuseau(c)
    liste = f"{c.liste}, liste {c.annee_liste}" if c.liste_id else f"liste {c.annee_liste}"
    return [
        ("Candidature", f"{c.get_type_display()} de {c.prenom} {c.nom}".strip()),
        ("Liste", liste),
        ("Pièce", p.get_type_display()),
        ("Fichier", p.document.nom + (" (contenu détruit depuis, conservation échue)" if p.document.detruit_le else "")),
        ("Déposée par", str(p.depose_par) if p.depose_par_id else "compte supprimé depuis"),
        ("Déposée le", horodatage(p.depose_le, fuseau)),
    ]


def reponse(c: Candidature, p: Piece, *, format: str = "pdf") -> HttpResponse:  # noqa: A002
    return accuses.reponse(
        p.evenement,
        nom=f"accuse-depot-piece-{p.uuid}",
        titre="Accusé de dépôt d'une pièce",
        lignes=lignes(c, p),
        fuseau=services.fuseau(c),
        format=format,
    )
