"""The history of a fiche in words: field labels instead of field names, choice labels instead of
codes, dates as dd/mm/yyyy, courts by name (the stored rows keep the raw values, kept forever)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from justexpert.comptes.models import Organisation

from .models import Civilite, Expert, Historique, Inscription, StatutInscription

# Keys written by services and imports that are not model fields (or whose label must differ).
LIBELLES = {
    "cour_appel": "cour d'appel",
    "liste": "liste",
    "specialite": "spécialité",
    "compte": "compte relié",
    "reference": "référence",
    "nom": "nom",
    "profession": "profession",
    "statut": "statut",
    "statut_precedent": "statut précédent",
    "debut": "début de la période",
    "fin": "fin de la période",
}
CHOIX = {
    "civilite": dict(Civilite.choices),
    "statut": dict(StatutInscription.choices),
    "statut_precedent": dict(StatutInscription.choices),
}
OUI_NON = {True: "oui", False: "non"}


@dataclass(frozen=True)
class Changement:
    champ: str
    avant: str
    apres: str


def _libelle(champ: str) -> str:
    if champ in LIBELLES:
        return LIBELLES[champ]
    for modele in (Expert, Inscription):
        try:
            return str(modele._meta.get_field(champ).verbose_name)
        except Exception:  # noqa: BLE001, S112 (not a field of this model: try the next)
            continue
    return champ.replace("_", " ")


def _valeur(champ: str, valeur: object, organisations: dict[str, str]) -> str:
    if valeur in (None, ""):
        return "—"
    if isinstance(valeur, bool):
        return OUI_NON[valeur]
    if champ in CHOIX:
        return str(CHOIX[champ].get(valeur, valeur))  # type: ignore[call-overload]
    if champ in ("cour_appel", "liste") and isinstance(valeur, str):
        return organisations.get(valeur, valeur)
    if isinstance(valeur, str) and len(valeur) == 10 and valeur[4] == "-" and valeur[7] == "-":
        try:
            return dt.date.fromisoformat(valeur).strftime("%d/%m/%Y")
        except ValueError:
            return valeur
    return str(valeur)


def lisible(entrees: list[Historique]) -> list[tuple[Historique, list[Changement]]]:
    codes = {
        v for h in entrees for k, vs in h.changements.items() if k in ("cour_appel", "liste") for v in vs if isinstance(v, str)
    }
    organisations = dict(Organisation.objects.filter(code__in=codes).values_list("code", "nom")) if codes else {}
    return [
        (
            h,
            [
                Changement(_libelle(champ), _valeur(champ, valeurs[0], organisations), _valeur(champ, valeurs[1], organisations))
                for champ, valeurs in h.changements.items()
                if isinstance(valeurs, list | tuple) and len(valeurs) == 2
            ],
        )
        for h in entrees
    ]
