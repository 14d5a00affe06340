"""The case folder as a ZIP, streamed: each document is decrypted segment by segment from the
coffre and written as a *stored* entry (no compression, no whole-file buffer) into a write-only
stream whose bytes the response generator hands out as they come. Memory stays at about one coffre
segment whatever the folder's size.

The caller passes only the documents the person may see (permissions.depots_visibles); the ZIP
adds, under ``accuses/``, the list of receipts (CSV) and the sealed PDF accusé de dépôt of each one
(expertises.recus; its JSON receipt is attached inside). Sealing costs about 0.3 s per document,
paid while the ZIP streams. Documents whose content was purged appear in the list and keep their
accusé.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from django.utils import timezone

from justexpert.coffre import services as coffre
from justexpert.lib.tableur import csv_texte
from justexpert.lib.temps import zone

from . import recus
from .models import Depot


class _Flux(io.RawIOBase):
    """Write-only, unseekable sink: zipfile writes into it, the generator drains it."""

    def __init__(self) -> None:
        self._morceaux: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, donnees) -> int:  # type: ignore[no-untyped-def,override]
        octets = bytes(donnees)
        self._morceaux.append(octets)
        self._position += len(octets)
        return len(octets)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def vider(self) -> bytes:
        donnees = b"".join(self._morceaux)
        self._morceaux.clear()
        return donnees


def _nom_sur(nom: str) -> str:
    return re.sub(r"[\\/:\x00-\x1f]", "_", nom).strip(". ") or "document"


def nom_entree(n: int, depot: Depot) -> str:
    dossier = _nom_sur(depot.get_type_display())
    return f"{dossier}/{n:03d}-{_nom_sur(depot.document.nom)}"


def liste_accuses(depots: list[Depot], fuseau: str) -> bytes:
    """The list of receipts in the ZIP; file names come from depositors, so cells are neutralised
    against formulas (lib.tableur)."""
    entetes = [
        "n",
        "type",
        "fichier",
        "déposé le",
        "qualité du déposant",
        "sha256",
        "événement",
        "index du journal",
        "accusé",
        "état",
    ]
    lignes = (
        [
            n,
            d.libelle,
            nom_entree(n, d) if d.document.detruit_le is None else d.document.nom,
            timezone.localtime(d.depose_le, zone(fuseau)).strftime("%d/%m/%Y %H:%M:%S"),
            d.get_qualite_display(),
            d.document.sha256,
            d.evenement.uuid,
            d.evenement.index,
            nom_accuse(n),
            _etat(d),
        ]
        for n, d in enumerate(depots, 1)
    )
    return ("\ufeff" + csv_texte(entetes, lignes, separateur=";")).encode()


def _etat(d: Depot) -> str:
    if d.document.detruit_le:
        return "contenu détruit (conservation échue)"
    if coffre.version_courante(d.document).pk != d.document.pk:
        return "copie prolongée (horodatage ajouté) : ses premiers octets sont le document déposé, de cette empreinte"
    return "tardif" if d.en_retard else ""


def nom_accuse(n: int) -> str:
    return f"accuses/{n:03d}-accuse-de-depot.pdf"


def flux_zip(depots: list[Depot], fuseau: str, autres: list[tuple[str, bytes]] | None = None) -> Iterator[bytes]:
    """``autres``: files the modules above expertises add (extensions.documents), already limited
    to what the person may see; they go under their module's folder."""
    flux = _Flux()
    with zipfile.ZipFile(flux, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for n, d in enumerate(depots, 1):
            if d.document.detruit_le is not None:
                continue
            info = zipfile.ZipInfo(nom_entree(n, d), date_time=timezone.localtime(d.depose_le, zone(fuseau)).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            servi = coffre.version_courante(d.document)  # an extended sealed PDF: its newest copy
            with archive.open(info, mode="w", force_zip64=servi.taille >= 2**31) as entree:
                for morceau in coffre.ouvrir(servi):
                    entree.write(morceau)
                    yield flux.vider()
            yield flux.vider()
        archive.writestr("accuses/liste.csv", liste_accuses(depots, fuseau))
        for n, d in enumerate(depots, 1):
            archive.writestr(nom_accuse(n), recus.pdf(d.expertise, d))
            yield flux.vider()
        for nom, contenu in autres or []:
            archive.writestr("/".join(_nom_sur(partie) for partie in nom.split("/")), contenu)
            yield flux.vider()
    yield flux.vider()
