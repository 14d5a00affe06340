"""Bounded crawl of what one actor can reach: same-site GET links from the tableau de bord, plus
every GET URL of the policy resolved against the world (pages, API, exports, ZIPs)."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import deque
from html.parser import HTMLParser

from . import acces
from .politique import POLITIQUE

LIEN = re.compile(r"""(?:href|action|src)=["'](/[^"'#]*)""")
EXCLUS = ("/static/", "/admin-technique/", "/deconnexion/")
FLUX = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def octets_lisibles(contenu: bytes) -> bytes:
    """The bytes plus what ZIP members and Flate streams of a PDF hold once expanded."""
    morceaux = [contenu]
    if contenu[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(contenu)) as z:
            for nom in z.namelist():
                morceaux += [nom.encode(), octets_lisibles(z.read(nom))]
    if contenu[:5] == b"%PDF-":
        for flux in FLUX.findall(contenu):
            try:
                morceaux.append(zlib.decompress(flux))
            except zlib.error:
                pass
    return b"\n".join(morceaux)


def explorer(session: acces.Session, monde, *, depart: str = "/tableau-de-bord/", limite: int = 80):
    """Yield (path, response) for every page reached by links (BFS, at most ``limite`` pages),
    then for every GET entry of the policy."""
    vus: set[str] = set()
    file = deque([depart, "/"])
    while file and len(vus) < limite:
        chemin = file.popleft()
        if chemin in vus or chemin.startswith(EXCLUS):
            continue
        vus.add(chemin)
        reponse = session.requete("get", chemin)
        yield chemin, reponse
        if "html" in reponse.get("Content-Type", ""):
            for lien in LIEN.findall(reponse.corps.decode(errors="replace")):
                lien = lien.replace("&amp;", "&")
                if lien not in vus:
                    file.append(lien)
    for cle, regle in POLITIQUE.items():
        methode, chemin = acces.url_de(cle, monde.objets[regle.objet])
        if methode == "get" and chemin not in vus:
            vus.add(chemin)
            yield chemin, session.requete("get", chemin)


class Balises(HTMLParser):
    """Collects <script> tags and inline event-handler attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.gestionnaires: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        for nom, valeur in attrs:
            if nom.startswith("on") or (valeur or "").strip().lower().startswith("javascript:"):
                self.gestionnaires.append(f"<{tag} {nom}={valeur!r}>")
