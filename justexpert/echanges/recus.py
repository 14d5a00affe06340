"""The accusés of an exchange (a file deposited, downloaded, deleted or expired), in words: which
exchange, which file, by whom and when (the court's time zone). The proof is preuves.accuses."""

from __future__ import annotations

from django.http import HttpResponse

from justexpert.lib.format import horodatage
from justexpert.preuves import accuses
from justexpert.preuves.models import Evenement

from .models import Echange, Fichier, Telechargement

EVENEMENTS = {
    "echanges.depot": "dépôt d'un fichier dans un échange sécurisé",
    "echanges.telechargement": "téléchargement d'un fichier d'un échange sécurisé",
    "echanges.fichier_supprime": "suppression d'un fichier d'un échange sécurisé (contenu détruit)",
    "echanges.fichier_expire": "expiration d'un fichier d'un échange sécurisé (contenu détruit)",
}

TITRES = {
    "echanges.depot": ("Accusé de dépôt", "depot"),
    "echanges.telechargement": ("Accusé de téléchargement", "telechargement"),
    "echanges.fichier_supprime": ("Accusé de suppression", "suppression"),
    "echanges.fichier_expire": ("Accusé d'expiration", "expiration"),
}


def lignes(
    echange: Echange, fichier: Fichier, evenement: Evenement, telechargement: Telechargement | None
) -> list[tuple[str, str]]:
    fuseau = echange.juridiction.fuseau
    procedure = f", procédure {echange.reference_procedure}" if echange.reference_procedure else ""
    rangees = [
        ("Échange", f"{echange.titre} ({echange.juridiction}, matière {echange.get_matiere_display().lower()}{procedure})"),
        ("Fichier", fichier.nom),
        ("Déposé par", str(fichier.depose_par)),
        ("Déposé le", horodatage(fichier.depose_le, fuseau)),
    ]
    if telechargement is not None:
        rangees += [("Téléchargé par", str(telechargement.utilisateur)), ("Téléchargé le", horodatage(telechargement.le, fuseau))]
    elif evenement.type == "echanges.fichier_supprime" and fichier.supprime_le:
        rangees += [("Supprimé par", str(fichier.supprime_par or "—")), ("Supprimé le", horodatage(fichier.supprime_le, fuseau))]
    elif evenement.type == "echanges.fichier_expire" and fichier.expire_le:
        rangees.append(("Expiré le", horodatage(fichier.expire_le, fuseau) + ", contenu détruit"))
    return rangees


def reponse(
    echange: Echange,
    fichier: Fichier,
    evenement: Evenement,
    telechargement: Telechargement | None,
    *,
    format: str = "pdf",  # noqa: A002
) -> HttpResponse:
    titre, nature = TITRES.get(evenement.type, ("Accusé", "evenement"))
    return accuses.reponse(
        evenement,
        nom=f"accuse-{nature}-{evenement.uuid}",
        titre=titre,
        lignes=lignes(echange, fichier, evenement, telechargement),
        fuseau=echange.juridiction.fuseau,
        format=format,
    )
