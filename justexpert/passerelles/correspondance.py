"""The mapping file (TOML) from the champs of a DS procedure to a candidature, and its application
to one file: the values for the candidature, the attached files by kind of piece, and the French
lines of the report for what could not be mapped. See docs/passerelles.md and ds/correspondance.toml."""

from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from justexpert.candidatures.models import Candidature, TypePiece

DEFAUT = Path(__file__).resolve().parent / "ds" / "correspondance.toml"

CHAMPS_TEXTE = (
    "nom",
    "prenom",
    "profession",
    "adresse_pro",
    "code_postal_pro",
    "ville_pro",
    "adresse_domicile",
    "code_postal_domicile",
    "ville_domicile",
    "telephone",
    "diplomes",
    "travaux",
    "activites",
    "moyens",
    "formations",
    "experience_judiciaire",
    "motivation",
)
CHAMPS_SPECIAUX = ("civilite", "date_naissance", "retraite", "declaration_honneur", "specialite", "annee_liste")
CHAMPS = CHAMPS_TEXTE + CHAMPS_SPECIAUX
ETATS_DS = ("en_construction", "en_instruction", "accepte", "refuse", "sans_suite")
OUI = {"oui", "true", "vrai", "1", "on", "x", "coché", "coche"}
NON = {"non", "false", "faux", "0", "off", ""}


class ErreurCorrespondance(Exception):
    """The mapping file is missing or malformed (French message, with the file and the key)."""


def cle(texte: str) -> str:
    """Labels compared without case, accents, or repeated spaces (a court retyping a label)."""
    t = unicodedata.normalize("NFKD", texte or "")
    t = "".join(c for c in t if not unicodedata.combining(c)).replace("’", "'")
    return " ".join(t.lower().split())


@dataclass(frozen=True)
class Correspondance:
    chemin: Path
    champs: dict[str, str]  # cle(label) or descriptor id -> candidature field
    pieces: dict[str, str]  # cle(label) or descriptor id -> TypePiece
    ignores: frozenset[str]
    etats: frozenset[str]

    def _cherche(self, table: dict[str, str], champ: dict[str, Any]) -> str | None:
        return table.get(str(champ.get("champDescriptorId") or "")) or table.get(cle(str(champ.get("label") or "")))

    def champ(self, champ: dict[str, Any]) -> str | None:
        return self._cherche(self.champs, champ)

    def piece(self, champ: dict[str, Any]) -> str | None:
        return self._cherche(self.pieces, champ)

    def ignore(self, champ: dict[str, Any]) -> bool:
        return str(champ.get("champDescriptorId") or "") in self.ignores or cle(str(champ.get("label") or "")) in self.ignores


def chemin_pour(code_cour: str) -> Path:
    conf = settings.DS_DEMARCHES.get(code_cour) or {}
    return Path(str(conf.get("correspondance") or DEFAUT))


def charger(chemin: Path) -> Correspondance:
    try:
        brut = tomllib.loads(chemin.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ErreurCorrespondance(f"Le fichier de correspondance des champs est introuvable ({chemin}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ErreurCorrespondance(f"Le fichier de correspondance des champs ne peut pas être lu ({chemin}) : {exc}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ErreurCorrespondance(f"Le fichier de correspondance {chemin} n'est pas du TOML valide : {exc}.") from None
    erreurs: list[str] = []

    def table(nom: str, valides: tuple[str, ...] | list[str]) -> dict[str, str]:
        t = brut.get(nom, {})
        if not isinstance(t, dict):
            erreurs.append(f"[{nom}] doit être une table « libellé = valeur »")
            return {}
        resultat = {}
        for libelle, valeur in t.items():
            if valeur not in valides:
                erreurs.append(f"[{nom}] « {libelle} » = « {valeur} » : valeur inconnue (possibles : {', '.join(valides)})")
            else:
                # Descriptor ids are kept as typed; labels are compared loosely.
                resultat[libelle] = str(valeur)
                resultat[cle(libelle)] = str(valeur)
        return resultat

    champs = table("champs", CHAMPS)
    pieces = table("pieces", TypePiece.values)
    ignores_brut = brut.get("ignores", {}).get("champs", []) if isinstance(brut.get("ignores", {}), dict) else None
    if not isinstance(ignores_brut, list) or not all(isinstance(x, str) for x in ignores_brut):
        erreurs.append("[ignores] champs doit être une liste de libellés")
        ignores_brut = []
    etats = brut.get("etats", ["en_construction", "en_instruction"])
    if not isinstance(etats, list) or not all(e in ETATS_DS for e in etats):
        erreurs.append(f"etats doit être une liste parmi : {', '.join(ETATS_DS)}")
        etats = []
    if erreurs:
        raise ErreurCorrespondance(f"Le fichier de correspondance {chemin} contient des erreurs : " + " ; ".join(erreurs) + ".")
    return Correspondance(
        chemin=chemin,
        champs=champs,
        pieces=pieces,
        ignores=frozenset([*ignores_brut, *(cle(x) for x in ignores_brut)]),
        etats=frozenset(etats),
    )


@dataclass
class Fichier:
    type_piece: str
    libelle: str
    nom: str
    url: str
    checksum: str
    taille: int


@dataclass
class Resultat:
    valeurs: dict[str, Any] = field(default_factory=dict)
    specialite: str = ""  # as typed on DS, resolved by the service
    fichiers: list[Fichier] = field(default_factory=list)
    lignes: list[str] = field(default_factory=list)  # what could not be mapped, in French
    saisie: dict[str, str] = field(default_factory=dict)  # every champ as typed on DS (label -> text)


def _date(valeur: Any) -> dt.date | None:
    if not isinstance(valeur, str) or not valeur.strip():
        return None
    v = valeur.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(v[:10], fmt).date()  # noqa: DTZ007 (a calendar day, no time)
        except ValueError:
            continue
    return None


def _civilite(valeur: str) -> str | None:
    v = cle(valeur).rstrip(".")
    if v in {"m", "monsieur", "mr"}:
        return "M."
    if v in {"mme", "madame", "mlle", "mademoiselle"}:
        return "Mme"
    return None


def _longueur(nom: str) -> int | None:
    return getattr(Candidature._meta.get_field(nom), "max_length", None)


def appliquer(c: Correspondance, dossier: dict[str, Any]) -> Resultat:
    """Map one DS file (already checked against the schema)."""
    r = Resultat()
    demandeur = dossier.get("demandeur") or {}
    if demandeur.get("__typename") == "PersonnePhysique":
        identite = {
            "civilite": demandeur.get("civilite") or "",
            "nom": demandeur.get("nom") or "",
            "prenom": demandeur.get("prenom") or "",
            "date_naissance": demandeur.get("dateDeNaissance") or "",
        }
    else:
        identite = {}
        r.lignes.append("Le déposant n'est pas une personne physique : l'identité doit être reprise à la main.")
    bruts: dict[str, tuple[str, Any]] = {}  # field -> (label, value)
    for nom_identite, valeur_identite in identite.items():
        if valeur_identite:
            bruts[nom_identite] = ("identité du déposant sur Démarches Simplifiées", valeur_identite)
    for champ in dossier.get("champs") or []:
        libelle = str(champ.get("label") or "")
        texte = champ.get("stringValue")
        if texte:
            r.saisie[libelle[:200]] = str(texte)[:5000]
        if champ.get("__typename") == "TitreIdentiteChamp":
            # DS does not give identity documents through its API (the schema has no « files » here).
            if not c.ignore(champ):
                r.lignes.append(
                    f"Titre d'identité « {libelle} » : Démarches Simplifiées ne le transmet pas par son API ; "
                    "demandez la pièce au candidat."
                )
            continue
        if champ.get("__typename") == "PieceJustificativeChamp":
            type_piece = c.piece(champ)
            fichiers = champ.get("files") or []
            if type_piece is None:
                if fichiers and not c.ignore(champ):
                    r.lignes.append(f"Pièce « {libelle} » non reprise : ce champ n'est pas dans le fichier de correspondance.")
                continue
            for f in fichiers:
                r.fichiers.append(
                    Fichier(
                        type_piece=type_piece,
                        libelle=libelle,
                        nom=str(f.get("filename") or "piece"),
                        url=str(f.get("url")),
                        checksum=str(f.get("checksum") or ""),
                        taille=int(f.get("byteSizeBigInt") or 0),
                    )
                )
            continue
        cible = c.champ(champ)
        if cible is None:
            if not c.ignore(champ) and texte:
                r.lignes.append(f"Champ « {libelle} » non repris : il n'est pas dans le fichier de correspondance.")
            continue
        valeur_champ: Any = champ.get("date") if cible == "date_naissance" and champ.get("date") else texte
        if valeur_champ in (None, ""):
            continue
        bruts[cible] = (libelle, valeur_champ)
    for nom, (libelle, valeur) in bruts.items():
        texte = str(valeur).strip()
        if nom == "civilite":
            civ = _civilite(texte)
            if civ is None:
                r.lignes.append(f"Civilité « {texte} » (champ « {libelle} ») non reconnue : non reprise.")
            else:
                r.valeurs[nom] = civ
        elif nom == "date_naissance":
            d = _date(texte)
            if d is None:
                r.lignes.append(f"Date de naissance « {texte} » (champ « {libelle} ») illisible : non reprise.")
            else:
                r.valeurs[nom] = d
        elif nom in ("retraite", "declaration_honneur"):
            if cle(texte) in OUI:
                r.valeurs[nom] = True
            elif cle(texte) in NON:
                r.valeurs[nom] = False
            else:
                r.lignes.append(f"Réponse « {texte} » (champ « {libelle} ») ni oui ni non : non reprise.")
        elif nom == "annee_liste":
            if texte.isdigit() and 2000 <= int(texte) <= 2100:
                r.valeurs[nom] = int(texte)
            else:
                r.lignes.append(f"Année de la liste « {texte} » (champ « {libelle} ») illisible : l'année ouverte est retenue.")
        elif nom == "specialite":
            r.specialite = texte
        else:
            longueur = _longueur(nom)
            if longueur and len(texte) > longueur:
                r.lignes.append(
                    f"Champ « {libelle} » tronqué à {longueur} caractères (le texte complet reste dans la saisie d'origine)."
                )
                texte = texte[:longueur]
            r.valeurs[nom] = texte
    return r
