"""Reference organisations: the Cour de cassation, the 36 cours d'appel (with départements and time
zone), the Ministry, and the tribunaux judiciaires attached to a cour d'appel (CSV import)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from .models import Organisation, TypeOrganisation

DATA = Path(__file__).resolve().parent / "data"
COLONNES_TRIBUNAUX = ["code", "nom", "cour_appel", "departement"]


class ImportInvalide(Exception):
    def __init__(self, erreurs: list[str]) -> None:
        super().__init__("\n".join(erreurs))
        self.erreurs = erreurs


def charger_reference() -> int:
    """Create or update the national organisations; idempotent. Returns how many were created."""
    crees = 0
    with transaction.atomic():
        for code, nom, type_ in (
            ("COUR_CASSATION", "Cour de cassation", TypeOrganisation.COUR_CASSATION),
            ("MINISTERE", "Ministère de la Justice", TypeOrganisation.MINISTERE),
        ):
            _, cree = Organisation.objects.update_or_create(code=code, defaults={"nom": nom, "type": type_})
            crees += int(cree)
        with open(DATA / "cours_appel.csv", encoding="utf-8") as handle:
            for ligne in csv.DictReader(handle):
                ZoneInfo(ligne["fuseau"])  # fails loudly on a typo in our own data
                _, cree = Organisation.objects.update_or_create(
                    code=ligne["code"],
                    defaults={
                        "nom": ligne["nom"],
                        "type": TypeOrganisation.COUR_APPEL,
                        "siege": ligne["siege"],
                        "departements": ligne["departements"].split(";"),
                        "fuseau": ligne["fuseau"],
                    },
                )
                crees += int(cree)
    return crees


def importer_tribunaux(contenu: str) -> int:
    """CSV ``code,nom,cour_appel,departement``; all rows valid or nothing imported."""
    lecteur = csv.DictReader(io.StringIO(contenu))
    if lecteur.fieldnames is None or [c.strip() for c in lecteur.fieldnames] != COLONNES_TRIBUNAUX:
        raise ImportInvalide([f"ligne 1 : en-tête attendu « {','.join(COLONNES_TRIBUNAUX)} »"])
    cours = {o.code: o for o in Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL)}
    erreurs, valides, vus = [], [], set()
    for numero, ligne in enumerate(lecteur, start=2):
        code = (ligne.get("code") or "").strip()
        nom = (ligne.get("nom") or "").strip()
        ca = cours.get((ligne.get("cour_appel") or "").strip())
        dep = (ligne.get("departement") or "").strip()
        if not code or not nom:
            erreurs.append(f"ligne {numero} : code et nom obligatoires")
        elif code in vus:
            erreurs.append(f"ligne {numero} : code {code} en double")
        elif ca is None:
            erreurs.append(f"ligne {numero} : cour d'appel « {ligne.get('cour_appel')} » inconnue")
        elif dep and dep not in ca.departements:
            erreurs.append(f"ligne {numero} : le département {dep} n'est pas dans le ressort de {ca.nom}")
        else:
            vus.add(code)
            valides.append((code, nom, ca, dep))
    if erreurs:
        raise ImportInvalide(erreurs)
    crees = 0
    with transaction.atomic():
        for code, nom, ca, dep in valides:
            _, cree = Organisation.objects.update_or_create(
                code=code,
                defaults={
                    "nom": nom,
                    "type": TypeOrganisation.TRIBUNAL_JUDICIAIRE,
                    "cour_appel": ca,
                    "departements": [dep] if dep else [],
                    "fuseau": ca.fuseau,
                },
            )
            crees += int(cree)
    return crees


def valider_fuseau(nom: str) -> bool:
    try:
        ZoneInfo(nom)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
