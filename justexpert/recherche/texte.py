"""French text normalisation for the search: accents, case, plurals and word forms do not matter.

The same function builds the SQLite index (``DocumentExpert.texte_normalise``), matches the
nomenclature labels and the thesaurus, and explains matches on screen. It applies, in the same
order, what the PostgreSQL text search configuration ``recherche_fr`` does (migration 0001):
unaccent, lower case, drop stop words, then the Snowball French stemmer (``snowballstemmer``, the
same algorithm as PostgreSQL's ``french_stem``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# A query keeps at most this many distinct stems (a pasted 5,000-word mission costs no more).
MAX_RACINES = 32
# And the input is cut at this many characters before anything else.
MAX_CARACTERES = 4000

_MOT = re.compile(r"[^\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'"})

# French stop words (PostgreSQL's french list, unaccented, plus elisions and a few mission words
# that carry no competence: "expert", "mission", "expertise").
MOTS_VIDES = frozenset(
    """
    a ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aux avaient
    avais avait avec avez aviez avions avoir avons ayant ayez ayons c ce ceci cela celle celles celui ces cet cette d
    dans de des du elle elles en es est et etaient etais etait etant ete etee etees etes etiez etions eu eue eues eux
    furent fus fut j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas
    pour qu que quel quelle quelles quels qui s sa sans se sera serai seraient serais serait seras serez seriez serions
    serons seront ses si son sont sur t ta te tes toi ton tu un une vos votre vous y tres plus tout tous toute toutes
    chez entre dont ni car donc or puis ici la sous vers
    expert experts expertise expertises mission missions
    """.split()
)

_stemmer = snowballstemmer.stemmer("french")


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.translate(_LIGATURES))
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower()


def mots(texte: str) -> list[str]:
    """Words of ``texte`` in lower case (accents kept: the stemmer needs them), stop words removed."""
    propre = unicodedata.normalize("NFC", texte[:MAX_CARACTERES].translate(_LIGATURES)).lower()
    return [m for m in _MOT.findall(propre) if len(m) > 1 and sans_accents(m) not in MOTS_VIDES]


@lru_cache(maxsize=20_000)
def racine(mot: str) -> str:
    """Snowball French stem of the accented word, then unaccented (« fissurées » → « fissur »)."""
    return sans_accents(str(_stemmer.stemWord(mot)))


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


def racines_et_mots(texte: str, limite: int = MAX_RACINES) -> dict[str, str]:
    """stem -> first word of the user's text that gave it (to explain a match in their words)."""
    resultat: dict[str, str] = {}
    for m in mots(texte):
        r = racine(m)
        if r.isascii() and r.isalnum():  # only [a-z0-9] stems reach a tsquery
            resultat.setdefault(r, m)
        if len(resultat) >= limite:
            break
    return resultat


def normaliser(texte: str) -> str:
    """The indexed form: stems separated and surrounded by spaces, so ``' stem '`` is a whole word."""
    if not texte:
        return " "
    return " " + " ".join(racines(texte)) + " "
