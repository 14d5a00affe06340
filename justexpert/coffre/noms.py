"""Display names of documents: cleaned on the way in, sent back in a correct Content-Disposition.

The stored object is named by the document id only; the display name is shown to people and
offered as the download name. Protects against: path traversal in the suggested name (``/``,
``\\``, leading dots), control characters and header injection (CR/LF), bidi overrides that make
``fdp.exe`` look like ``exe.pdf``, invisible characters, reserved Windows device names, names too
long for file systems. Does not protect against: look-alike characters from other scripts.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

LONGUEUR_MAX = 200  # characters; well under the usual 255-byte limit once UTF-8 encoded... mostly
OCTETS_MAX = 240
NOM_PAR_DEFAUT = "document"
RESERVES_WINDOWS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_ESPACES = re.compile(r"\s+")
_NON_TOKEN = re.compile(r"[^A-Za-z0-9!#$&+\-.^_`|~ ()\[\]{},;=@]")


def _caractere_admis(c: str) -> bool:
    categorie = unicodedata.category(c)
    # Cc control, Cf format (bidi overrides and isolates, zero-width), Cs surrogates, Co private
    # use, Cn unassigned, Zl/Zp line and paragraph separators.
    return categorie not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _tronquer(texte: str, octets: int) -> str:
    encode = texte.encode("utf-8")[:octets]
    return encode.decode("utf-8", "ignore")


def nettoyer_nom(nom: str) -> str:
    """A safe display name: never empty, no separators or invisible characters, bounded length."""
    nom = unicodedata.normalize("NFC", nom or "")
    nom = nom.replace("/", "_").replace("\\", "_")
    nom = "".join(c if _caractere_admis(c) else "" for c in nom)
    nom = _ESPACES.sub(" ", nom).strip(" .")
    base, point, ext = nom.rpartition(".")
    if not point:
        base, ext = nom, ""
    ext = ext[:16].strip(" .")
    base = base.strip(" .")
    if base.lower().split(".")[0] in RESERVES_WINDOWS:
        base = "_" + base
    if not base:
        base = NOM_PAR_DEFAUT
    suffixe = f".{ext}" if ext else ""
    base = (
        _tronquer(base[: LONGUEUR_MAX - len(suffixe)], OCTETS_MAX - len(suffixe.encode("utf-8"))).rstrip(" .") or NOM_PAR_DEFAUT
    )
    return base + suffixe


def content_disposition(nom: str, *, type_: str = "attachment") -> str:
    """RFC 6266 header value: an ASCII fallback ``filename`` and the exact ``filename*`` (RFC 8187)."""
    nom = nettoyer_nom(nom)
    ascii_ = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode("ascii")
    ascii_ = _NON_TOKEN.sub("_", ascii_).strip() or NOM_PAR_DEFAUT
    return f"{type_}; filename=\"{ascii_}\"; filename*=UTF-8''{quote(nom, safe='')}"
