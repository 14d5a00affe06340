"""French text normalisation for the search: accents, case, plurals and word forms do not matter.

The same function builds the indexed stems of a fiche (``DocumentExpert.texte_normalise``), the
stems of the nomenclature labels and of the thesaurus, and the stems of a mission; the database
only compares those stems (FTS5 on SQLite, a ``simple`` tsvector on PostgreSQL), so both backends
match the same words the same way (issue 21: PostgreSQL's own French configuration stemmed
differently from the Python side).

Steps, in this order: ligatures, accents removed and lower case (« Dégâts » → « degats »),
grammatical stop words removed, Snowball French stem of the unaccented word (the algorithm of
PostgreSQL's ``french_stem``), then derived forms brought together: a small table of families
(``data/derivations.txt``: « travaux » and « travail »), else a stem longer than ``PREFIXE``
characters cut to it (« psychiatr » and « psychiatric… » meet as « psychi »).

A mission is further stripped of the words of the judge's trade (``data/mots_du_metier.txt``:
« évaluer », « préjudice », « état », « compte tenu »…), which say nothing of a competence; they
still count inside a thesaurus expression (« dommage corporel »).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

# A mission keeps at most this many distinct informative stems (the rarest ones; a pasted order
# costs no more, and the page says that it was cut).
MAX_RACINES = 32
# And the input is cut at this many characters before anything else.
MAX_CARACTERES = 4000
# Stems longer than this are cut to it (prefix matching of long stems).
PREFIXE = 6

_DONNEES = Path(__file__).resolve().parent / "data"
_MOT = re.compile(r"[^\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'"})

# French grammatical stop words (PostgreSQL's french list, unaccented, plus elisions).
MOTS_VIDES = frozenset(
    """
    a ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aux avaient
    avais avait avec avez aviez avions avoir avons ayant ayez ayons c ce ceci cela celle celles celui ces cet cette d
    dans de des du elle elles en es est et etaient etais etait etant ete etee etees etes etiez etions eu eue eues eux
    furent fus fut j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas
    pour qu que quel quelle quelles quels qui s sa sans se sera serai seraient serais serait seras serez seriez serions
    serons seront ses si son sont sur t ta te tes toi ton tu un une vos votre vous y tres plus tout tous toute toutes
    chez entre dont ni car donc or puis ici la sous vers apres avant depuis lors leurs selon comme contre
    """.split()
)

# A Snowball stemmer keeps its cursor in the object: one per thread (the application server runs
# threaded workers; a shared one gave IndexError under concurrent searches, issue 32).
_par_fil = threading.local()


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.translate(_LIGATURES))
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower()


def _lignes(nom: str) -> list[str]:
    lignes = []
    for ligne in (_DONNEES / nom).read_text(encoding="utf-8").splitlines():
        ligne = ligne.split("#", 1)[0].strip()
        if ligne:
            lignes.append(ligne)
    return lignes


def _mots_plies(texte: str) -> list[str]:
    return _MOT.findall(sans_accents(texte))


@lru_cache(maxsize=50_000)
def _racine_snowball(mot: str) -> str:
    stemmer = getattr(_par_fil, "stemmer", None)
    if stemmer is None:
        stemmer = _par_fil.stemmer = snowballstemmer.stemmer("french")
    return str(stemmer.stemWord(mot))


def _charger_derivations() -> tuple[dict[str, str], dict[str, str]]:
    """(stem -> family stem, word -> its own stem): a line « mot: a b c » gives the words a, b, c
    the stem « mot » whatever the stemmer says (« audition » is not « audit »)."""
    table: dict[str, str] = {}
    mots_propres: dict[str, str] = {}
    for ligne in _lignes("derivations.txt"):
        if ":" in ligne:
            tete, reste = ligne.split(":", 1)
            for mot in _mots_plies(reste):
                mots_propres[mot] = sans_accents(tete.strip())
            continue
        famille = _mots_plies(ligne)
        tete = _racine_snowball(famille[0])
        for mot in famille:
            table[_racine_snowball(mot)] = tete
    return table, mots_propres


DERIVATIONS, MOTS_PROPRES = _charger_derivations()


@lru_cache(maxsize=50_000)
def racine(mot: str) -> str:
    """Stem of one word: unaccented, Snowball French, then the family's stem (derivation table) or
    the first ``PREFIXE`` characters (« Fissurées » → « fissur », « dégâts » → « degat »)."""
    plie = sans_accents(mot)
    if plie in MOTS_PROPRES:
        return MOTS_PROPRES[plie]
    brute = _racine_snowball(plie)
    if brute in DERIVATIONS:
        return DERIVATIONS[brute]
    return brute[:PREFIXE]


def _charger_metier() -> tuple[frozenset[str], tuple[str, ...]]:
    mots_seuls: set[str] = set()
    expressions: list[str] = []
    for ligne in _lignes("mots_du_metier.txt"):
        mots_ligne = _mots_plies(ligne)
        if len(mots_ligne) == 1:
            mots_seuls.add(mots_ligne[0])
        elif mots_ligne:
            expressions.append(" ".join(mots_ligne))
    return frozenset(mots_seuls), tuple(expressions)


MOTS_DU_METIER, EXPRESSIONS_DU_METIER = _charger_metier()
RACINES_DU_METIER = frozenset(racine(m) for m in MOTS_DU_METIER)


def mots(texte: str) -> list[str]:
    """Words of ``texte``, unaccented and in lower case, grammatical stop words removed."""
    return [m for m in _mots_plies(texte[:MAX_CARACTERES]) if len(m) > 1 and m not in MOTS_VIDES]


def racines(texte: str, limite: int | None = None) -> list[str]:
    """Distinct stems of ``texte`` in order of first appearance (at most ``limite``)."""
    vues: dict[str, None] = {}
    for m in mots(texte):
        r = racine(m)
        if r.isascii() and r.isalnum():
            vues.setdefault(r, None)
        if limite is not None and len(vues) >= limite:
            break
    return list(vues)


def normaliser(texte: str) -> str:
    """The indexed form: stems separated and surrounded by spaces, so ``' stem '`` is a whole word."""
    if not texte:
        return " "
    return " " + " ".join(racines(texte)) + " "


@dataclass
class Mission:
    """A mission as the search reads it."""

    informatives: dict[str, str]  # stem -> the user's first word for it (trade words removed)
    toutes: frozenset[str]  # every stem, trade words included (thesaurus expressions)
    ecartes: list[str]  # the trade words removed, as typed (explained on the page)


def analyser(texte: str) -> Mission:
    """The stems of a mission: the informative ones (words of the judge's trade removed, in
    phrases and alone) with the user's word for each, and all of them (for the thesaurus)."""
    originaux = [m for m in _MOT.findall(unicodedata.normalize("NFC", texte[:MAX_CARACTERES].translate(_LIGATURES)).lower())]
    plies = [sans_accents(m) for m in originaux]
    garder = [len(p) > 1 and p not in MOTS_VIDES for p in plies]
    # Phrases of the trade (« compte tenu ») removed wherever they occur.
    a_ecarter = [False] * len(plies)
    for expression in EXPRESSIONS_DU_METIER:
        e = expression.split()
        for i in range(len(plies) - len(e) + 1):
            if plies[i : i + len(e)] == e:
                for j in range(i, i + len(e)):
                    a_ecarter[j] = True
    informatives: dict[str, str] = {}
    toutes: set[str] = set()
    ecartes: dict[str, None] = {}
    for original, plie, garde, ecarte in zip(originaux, plies, garder, a_ecarter, strict=True):
        if not garde:
            continue
        r = racine(plie)
        if not (r.isascii() and r.isalnum()):
            continue
        toutes.add(r)
        if ecarte or plie in MOTS_DU_METIER or r in RACINES_DU_METIER:
            ecartes.setdefault(original, None)
            continue
        informatives.setdefault(r, original)
    return Mission(informatives, frozenset(toutes), list(ecartes))


# Words that say which matter a mission belongs to (the search then follows it, issue 21).
_MATIERES = {
    "penale": (
        "penal",
        "penale",
        "penalement",
        "mis en examen",
        "mise en examen",
        "juge d instruction",
        "garde a vue",
        "prevenu",
        "prevenue",
        "procureur",
        "information judiciaire",
        "chambre de l instruction",
        "cour d assises",
        "tribunal correctionnel",
        "responsabilite penale",
    ),
    "civile": ("civil", "civile", "refere", "juge des referes", "tribunal judiciaire statuant en matiere civile"),
}


def matiere_du_texte(texte: str) -> str:
    """« penale » or « civile » when the mission names only one of the two matters, else ""."""
    plie = " " + " ".join(_mots_plies(texte[:MAX_CARACTERES])) + " "
    trouvees = [m for m, marques in _MATIERES.items() if any(f" {x} " in plie for x in marques)]
    return trouvees[0] if len(trouvees) == 1 else ""
