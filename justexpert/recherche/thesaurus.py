"""The thesaurus as data (``data/thesaurus.txt``): words and expressions judges write, each pointing
to the specialites that answer it, by label and by code where the code is known.

Why labels and not only codes: only a fragment of the nomenclature of the arrêté of 5 December
2022 is available here, so most entries name the specialite by its label; a label or a code that
the imported nomenclature does not know is reported (system check ``recherche.W021`` at start-up,
and the loading command) rather than silently matching nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .texte import sans_accents

FICHIER = Path(__file__).resolve().parent / "data" / "thesaurus.txt"
_ENTETE = re.compile(r"^\[([^\]]*)\]\s*(.+)$")
_MENTION = re.compile(r"\((demo|démo|eval|éval)\)", re.IGNORECASE)


def cle_libelle(libelle: str) -> str:
    """A specialite label as the thesaurus compares it: no case, accents, punctuation, nor a
    « (démo) » mention."""
    return " ".join(re.findall(r"[a-z0-9]+", sans_accents(_MENTION.sub(" ", libelle))))


@dataclass
class Entree:
    mot: str
    specialites: list[str]  # labels
    codes: list[str]


def lire(chemin: Path = FICHIER) -> list[Entree]:
    """The entries of the data file, one per word (a word under several blocks points to each)."""
    entrees: dict[str, Entree] = {}
    libelle, code = "", ""
    for brute in chemin.read_text(encoding="utf-8").splitlines():
        ligne = brute.split("#", 1)[0].strip()
        if not ligne:
            continue
        entete = _ENTETE.match(ligne)
        if entete:
            code, libelle = entete.group(1).strip().upper(), entete.group(2).strip()
            continue
        if not libelle:
            raise ValueError(f"thésaurus : « {ligne} » précède tout en-tête [code] libellé")
        for mot in (m.strip() for m in ligne.split(",")):
            if not mot:
                continue
            e = entrees.setdefault(mot.lower(), Entree(mot.lower(), [], []))
            if libelle not in e.specialites:
                e.specialites.append(libelle)
            if code and code not in e.codes:
                e.codes.append(code)
    return list(entrees.values())


def charger(entrees: list[Entree]) -> int:
    """Write the entries (create or replace by word); entries not in the list are kept (an
    administrator may have added some in the admin)."""
    from .models import EntreeThesaurus

    for e in entrees:
        EntreeThesaurus.objects.update_or_create(
            mot=e.mot[:100], defaults={"specialites": " | ".join(e.specialites), "codes": " ".join(e.codes)}
        )
    return len(entrees)


def references_inconnues() -> tuple[list[str], list[str]]:
    """(codes, labels) named by the thesaurus that no specialite of the imported nomenclature has."""
    from justexpert.annuaire.models import ElementNomenclature

    from .models import EntreeThesaurus, codes_du_thesaurus

    codes_connus: set[str] = set()
    libelles_connus: set[str] = set()
    for code, libelle in ElementNomenclature.objects.values_list("code", "libelle"):
        codes_connus.add(code.upper())
        libelles_connus.add(cle_libelle(libelle))
    codes: set[str] = set()
    libelles: set[str] = set()
    for codes_entree, specialites in EntreeThesaurus.objects.values_list("codes", "specialites"):
        codes.update(c for c in codes_du_thesaurus(codes_entree) if c not in codes_connus)
        libelles.update(s.strip() for s in specialites.split("|") if s.strip() and cle_libelle(s) not in libelles_connus)
    return sorted(codes), sorted(libelles)


def avertissement() -> str:
    """One French sentence about the codes unknown to the imported nomenclature, or ""."""
    codes, _ = references_inconnues()
    if not codes:
        return ""
    return (
        f"Thésaurus de la recherche : {len(codes)} code(s) inconnu(s) de la nomenclature importée "
        f"({', '.join(codes[:8])}) : ces entrées ne mènent à aucune spécialité par leur code."
    )


def information() -> str:
    """One French sentence about the labels no specialite has, or "" (only a fragment of the real
    nomenclature is available: information, not a warning)."""
    _, libelles = references_inconnues()
    if not libelles:
        return ""
    return (
        f"Thésaurus de la recherche : {len(libelles)} libellé(s) de spécialité inconnu(s) de la nomenclature importée "
        f"({', '.join(libelles[:5])}{'…' if len(libelles) > 5 else ''}) : ces entrées ne mènent à aucune spécialité par leur libellé."
    )
