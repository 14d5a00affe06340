"""Import of a nomenclature version from CSV (layout of shared/data/nomenclature/).

Columns: code,branch_code,branch_label,rubric_code,rubric_label,specialty_label. Empty cells are
unknown labels (allowed); parents missing from the file are created from the codes; a malformed row
(bad code, unknown branch letter, inconsistent parent code, duplicate code) is reported with its line
number and nothing at all is imported. Importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db import transaction

from .models import ElementNomenclature, Niveau, Reclassement, VersionNomenclature

COLONNES = ["code", "branch_code", "branch_label", "rubric_code", "rubric_label", "specialty_label"]
BRANCHES = "ABCDEFGHI"  # arrêté du 5 décembre 2022; I (Environnement) is new in 2022
CODE = re.compile(r"^([A-Z])(?:\.([1-9][0-9]{0,2}))?(?:\.([1-9][0-9]{0,2}))?$")
MAX_LIGNES = 20_000


class ImportInvalide(Exception):
    def __init__(self, erreurs: list[str]) -> None:
        super().__init__("\n".join(erreurs))
        self.erreurs = erreurs


@dataclass
class Rapport:
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    parents_crees: list[str] = field(default_factory=list)


def niveau_du_code(code: str) -> str:
    return [Niveau.BRANCHE, Niveau.RUBRIQUE, Niveau.SPECIALITE][code.count(".")]


def cle_tri(code: str) -> str:
    """Natural sort key: C.2.10 after C.2.9."""
    parties = code.split(".")
    return parties[0] + "".join(f".{int(p):04d}" for p in parties[1:])


def _lire(contenu: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    erreurs: list[str] = []
    lignes: dict[str, dict[str, str]] = {}
    lecteur = csv.DictReader(io.StringIO(contenu))
    if lecteur.fieldnames is None or [c.strip() for c in lecteur.fieldnames] != COLONNES:
        return {}, [f"ligne 1 : en-tête attendu « {','.join(COLONNES)} »"]
    vues: dict[str, int] = {}
    for numero, brut in enumerate(lecteur, start=2):
        if numero > MAX_LIGNES:
            erreurs.append(f"ligne {numero} : fichier trop long (au plus {MAX_LIGNES} lignes)")
            break
        if None in brut or any(v is None for v in brut.values()):
            erreurs.append(f"ligne {numero} : nombre de colonnes incorrect")
            continue
        ligne = {k: (v or "").strip() for k, v in brut.items()}
        code = ligne["code"]
        m = CODE.match(code)
        if not m:
            erreurs.append(f"ligne {numero} : code « {code} » invalide (attendu par exemple A, A.1 ou A.1.6)")
            continue
        lettre = m.group(1)
        if lettre not in BRANCHES:
            erreurs.append(f"ligne {numero} : branche « {lettre} » inconnue (branches : {', '.join(BRANCHES)})")
            continue
        if ligne["branch_code"] and ligne["branch_code"] != lettre:
            erreurs.append(f"ligne {numero} : branch_code « {ligne['branch_code']} » ne correspond pas au code {code}")
            continue
        rubrique = ".".join(code.split(".")[:2]) if code.count(".") >= 1 else ""
        if ligne["rubric_code"] and ligne["rubric_code"] != rubrique:
            erreurs.append(f"ligne {numero} : rubric_code « {ligne['rubric_code']} » ne correspond pas au code {code}")
            continue
        if code in vues:
            erreurs.append(f"ligne {numero} : code {code} en double (déjà ligne {vues[code]})")
            continue
        vues[code] = numero
        lignes[code] = ligne
    return lignes, erreurs


def _libelles(lignes: dict[str, dict[str, str]]) -> dict[str, str]:
    """Label of every code named in the file, directly or as a parent of another row."""
    libelles: dict[str, str] = {}

    def donner(code: str, libelle: str) -> None:
        if libelle and not libelles.get(code):
            libelles[code] = libelle
        libelles.setdefault(code, "")

    for code, ligne in lignes.items():
        parties = code.split(".")
        donner(parties[0], ligne["branch_label"])
        if len(parties) >= 2:
            donner(".".join(parties[:2]), ligne["rubric_label"])
        if len(parties) == 3:
            donner(code, ligne["specialty_label"])
    return libelles


def importer(
    contenu: str | bytes,
    *,
    version: str,
    libelle: str = "",
    reference: str = "",
    debut: dt.date | None = None,
    fin: dt.date | None = None,
) -> Rapport:
    if isinstance(contenu, bytes):
        try:
            contenu = contenu.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportInvalide(["le fichier n'est pas en UTF-8"]) from None
    lignes, erreurs = _lire(contenu)
    if fin and debut and fin < debut:
        erreurs.append("la date de fin précède la date de début")
    if erreurs:
        raise ImportInvalide(erreurs)
    libelles = _libelles(lignes)
    rapport = Rapport()
    with transaction.atomic():
        v, _ = VersionNomenclature.objects.get_or_create(code=version, defaults={"libelle": libelle or f"Nomenclature {version}"})
        changements = {}
        for attr, valeur in (("libelle", libelle), ("reference_juridique", reference), ("debut", debut), ("fin", fin)):
            if valeur and getattr(v, attr) != valeur:
                changements[attr] = valeur
        if changements:
            for attr, valeur in changements.items():
                setattr(v, attr, valeur)
            v.save()
        existants = {e.code: e for e in ElementNomenclature.objects.filter(version=v)}
        for code in sorted(libelles, key=cle_tri):  # parents before children
            libelle_code = libelles[code]
            element = existants.get(code)
            if element is None:
                parent_code = code.rsplit(".", 1)[0] if "." in code else None
                element = ElementNomenclature.objects.create(
                    version=v,
                    code=code,
                    niveau=niveau_du_code(code),
                    libelle=libelle_code,
                    parent=existants[parent_code] if parent_code else None,
                    ordre=cle_tri(code),
                )
                existants[code] = element
                rapport.crees += 1
                if code not in lignes:
                    rapport.parents_crees.append(code)
            elif libelle_code and element.libelle != libelle_code:
                element.libelle = libelle_code
                element.save(update_fields=["libelle"])
                rapport.modifies += 1
            else:
                rapport.inchanges += 1
        if (rapport.crees or rapport.modifies) and not changements:
            # Readers that cache the nomenclature (recherche) key it on this stamp.
            v.save(update_fields=["importee_le"])
    return rapport


def importer_reclassement(contenu: str, *, de: str, vers: str) -> int:
    """CSV ``ancien_code,nouveau_code``: each old item of version ``de`` maps to items of ``vers``."""
    lecteur = csv.DictReader(io.StringIO(contenu))
    if lecteur.fieldnames is None or [c.strip() for c in lecteur.fieldnames] != ["ancien_code", "nouveau_code"]:
        raise ImportInvalide(["ligne 1 : en-tête attendu « ancien_code,nouveau_code »"])
    anciens = {e.code: e for e in ElementNomenclature.objects.filter(version__code=de)}
    nouveaux = {e.code: e for e in ElementNomenclature.objects.filter(version__code=vers)}
    if not anciens or not nouveaux:
        raise ImportInvalide([f"versions inconnues ou vides : {de} → {vers}"])
    erreurs, paires = [], []
    for numero, ligne in enumerate(lecteur, start=2):
        a, n = (ligne.get("ancien_code") or "").strip(), (ligne.get("nouveau_code") or "").strip()
        if a not in anciens:
            erreurs.append(f"ligne {numero} : code {a or '(vide)'} absent de la version {de}")
        elif n not in nouveaux:
            erreurs.append(f"ligne {numero} : code {n or '(vide)'} absent de la version {vers}")
        else:
            paires.append((anciens[a], nouveaux[n]))
    if erreurs:
        raise ImportInvalide(erreurs)
    with transaction.atomic():
        crees = 0
        for ancien, nouveau in paires:
            _, cree = Reclassement.objects.get_or_create(ancien=ancien, nouveau=nouveau)
            crees += int(cree)
    return crees


def reclasser(code: str, *, de: str, vers: str) -> list[ElementNomenclature]:
    """The items of version ``vers`` that replace ``code`` of version ``de`` (same code if unchanged)."""
    cibles = list(
        ElementNomenclature.objects.filter(
            reclassements_entrants__ancien__version__code=de, reclassements_entrants__ancien__code=code, version__code=vers
        )
    )
    if cibles:
        return cibles
    return list(ElementNomenclature.objects.filter(version__code=vers, code=code))


def version_courante() -> VersionNomenclature | None:
    """The version in force: the one that started last (a version without start date comes last)."""
    from django.db.models import F

    return VersionNomenclature.objects.order_by(F("debut").desc(nulls_last=True), "-code").first()
