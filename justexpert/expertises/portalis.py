"""The national Portalis number of a civil case (the civil chain of the courts).

Its format is not published. Public decisions show numbers such as ``DBVB-V-B7G-BJA4Z`` or
``35L7-V-B7I-CI5DT`` (known examples and sources in docs/expertises.md): groups of capital letters
and digits separated by hyphens, the first group identifying the court. We validate loosely, so a
real number never gets refused: after normalisation (upper case, spaces removed, any dash made a
hyphen, a leading « N° Portalis » dropped) 3 to 6 groups of 1 to 8 letters or digits, 40 characters
at most, with at least one digit and one letter.
"""

from __future__ import annotations

import re

FORMAT = re.compile(r"[A-Z0-9]{1,8}(?:-[A-Z0-9]{1,8}){2,5}")
_PREFIXE = re.compile(r"^(N[°O]?\.?\s*)?PORTALIS\s*:?\s*", re.IGNORECASE)
_TIRETS = re.compile(r"\s*[\u2010-\u2015\u2212-]\s*")

MESSAGE = (
    "Le numéro Portalis n'a pas la forme attendue : des groupes de lettres et de chiffres séparés par des "
    "tirets, par exemple DBVB-V-B7G-BJA4Z (40 caractères au plus)."
)


def normaliser(valeur: str) -> str:
    """What the greffe typed, as it is stored and compared (upper case, hyphens, no spaces)."""
    v = _PREFIXE.sub("", (valeur or "").strip())
    v = _TIRETS.sub("-", v.upper())
    return re.sub(r"\s+", "", v)


def valider(valeur: str) -> str:
    """The normalised number, or ValueError(MESSAGE). An empty value stays empty (optional field)."""
    v = normaliser(valeur)
    if not v:
        if (valeur or "").strip():
            raise ValueError(MESSAGE)  # « N° Portalis » alone
        return ""
    if len(v) > 40 or not FORMAT.fullmatch(v) or not re.search(r"\d", v) or not re.search(r"[A-Z]", v):
        raise ValueError(MESSAGE)
    return v
