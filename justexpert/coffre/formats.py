"""Which files coffre accepts: an allow-list by extension *and* by content.

Protects against: executables or HTML renamed ``.pdf``; archives that expand to exhaust disk or
memory of whoever opens them (zip bombs: too many entries, excessive declared expansion ratio or
total size); OOXML/ODF files that are not what their extension says.
Does not protect against: malicious content inside an allowed format (a PDF exploit, a macro);
zip bombs nested inside inner archives (only the outer archive is inspected); archives whose
declared sizes lie (Python's zipfile refuses to extract more than declared, other tools may not).
Downloads are served as attachments with a sandboxing CSP for that reason.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

ENTREES_MAX = 10_000
RATIO_MAX = 100
DECOMPRESSE_MAX = 4 * 1024**3
OCTETS_SONDE = 8192


class FormatRefuse(Exception):
    """The file is not accepted; the message is French and shown to the user."""


@dataclass(frozen=True)
class Format:
    famille: str
    type_mime: str


OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
FORMATS: dict[str, Format] = {
    "pdf": Format("pdf", "application/pdf"),
    "png": Format("png", "image/png"),
    "jpg": Format("jpeg", "image/jpeg"),
    "jpeg": Format("jpeg", "image/jpeg"),
    "gif": Format("gif", "image/gif"),
    "tif": Format("tiff", "image/tiff"),
    "tiff": Format("tiff", "image/tiff"),
    "webp": Format("webp", "image/webp"),
    "doc": Format("ole", "application/msword"),
    "xls": Format("ole", "application/vnd.ms-excel"),
    "ppt": Format("ole", "application/vnd.ms-powerpoint"),
    "rtf": Format("rtf", "application/rtf"),
    "txt": Format("texte", "text/plain"),
    "csv": Format("texte", "text/csv"),
    "md": Format("texte", "text/markdown"),
    "xml": Format("texte", "application/xml"),
    "zip": Format("zip", "application/zip"),
    **{ext: Format("ooxml", mime) for ext, mime in OOXML.items()},
    **{ext: Format("odf", mime) for ext, mime in ODF.items()},
}

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "rtf": (b"{\\rtf",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "ooxml": (b"PK\x03\x04",),
    "odf": (b"PK\x03\x04",),
}

LISTE_LISIBLE = "PDF, images (PNG, JPEG, GIF, TIFF, WebP), documents bureautiques (Word, Excel, PowerPoint, OpenDocument, RTF), texte (TXT, CSV, MD, XML) et archives ZIP"


def extension(nom: str) -> str:
    _, point, ext = nom.rpartition(".")
    return ext.lower() if point else ""


def format_pour_nom(nom: str) -> Format:
    """The format the file name announces, or FormatRefuse (checked as soon as the name is known)."""
    ext = extension(nom)
    if ext not in FORMATS:
        raise FormatRefuse(f"Ce type de fichier n'est pas accepté. Formats acceptés : {LISTE_LISIBLE}.")
    return FORMATS[ext]


class Sonde:
    """Checks the content against the announced format while the bytes stream through."""

    def __init__(self, fmt: Format) -> None:
        self.format = fmt
        self._debut = bytearray()
        self._verifie = False
        self._texte = codecs.getincrementaldecoder("utf-8")() if fmt.famille == "texte" else None

    def _refuser(self) -> None:
        raise FormatRefuse("Le contenu du fichier ne correspond pas à son extension : il n'a pas été enregistré.")

    def _verifier_debut(self) -> None:
        self._verifie = True
        debut = bytes(self._debut)
        famille = self.format.famille
        if famille == "texte":
            return
        if famille == "webp":
            if not (debut[:4] == b"RIFF" and debut[8:12] == b"WEBP"):
                self._refuser()
            return
        if not any(debut.startswith(signature) for signature in SIGNATURES[famille]):
            self._refuser()

    def recevoir(self, donnees: bytes | memoryview) -> None:
        if self._texte is not None:
            try:
                texte = self._texte.decode(bytes(donnees))
            except UnicodeDecodeError:
                raise FormatRefuse("Ce fichier texte n'est pas encodé en UTF-8 : il n'a pas été enregistré.") from None
            if "\x00" in texte:
                self._refuser()
        if not self._verifie:
            self._debut += donnees[: OCTETS_SONDE - len(self._debut)]
            if len(self._debut) >= OCTETS_SONDE:
                self._verifier_debut()

    def terminer(self) -> None:
        if self._texte is not None:
            try:
                self._texte.decode(b"", final=True)
            except UnicodeDecodeError:
                raise FormatRefuse("Ce fichier texte n'est pas encodé en UTF-8 : il n'a pas été enregistré.") from None
        if not self._verifie:
            self._verifier_debut()

    @property
    def besoin_inspection(self) -> bool:
        return self.format.famille in {"zip", "ooxml", "odf"}


def inspecter_archive(lecteur: BinaryIO, fmt: Format, taille: int, ext: str) -> None:
    """Second look at zip-based files once stored (reads the central directory through a seekable
    decrypting reader): entry count, declared expansion, and the OOXML/ODF markers."""
    try:
        with zipfile.ZipFile(lecteur) as archive:
            entrees = archive.infolist()
            if len(entrees) > ENTREES_MAX:
                raise FormatRefuse(
                    f"Cette archive contient trop de fichiers (plus de {ENTREES_MAX}) : elle n'a pas été enregistrée."
                )
            decompresse = sum(e.file_size for e in entrees)
            if decompresse > DECOMPRESSE_MAX or decompresse > RATIO_MAX * max(taille, 1):
                raise FormatRefuse("Cette archive se décompresse en un volume anormalement grand : elle n'a pas été enregistrée.")
            for entree in entrees:
                if entree.file_size > RATIO_MAX * max(entree.compress_size, 1) and entree.file_size > 1024 * 1024:
                    raise FormatRefuse(
                        "Cette archive se décompresse en un volume anormalement grand : elle n'a pas été enregistrée."
                    )
            noms = {e.filename for e in entrees}
            if fmt.famille == "ooxml" and "[Content_Types].xml" not in noms:
                raise FormatRefuse("Ce document n'est pas un document Office valide : il n'a pas été enregistré.")
            if fmt.famille == "odf":
                if "mimetype" not in noms or archive.read("mimetype")[:200].decode("ascii", "replace").strip() != ODF[ext]:
                    raise FormatRefuse("Ce document n'est pas un document OpenDocument valide : il n'a pas été enregistré.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise FormatRefuse("Cette archive est illisible ou corrompue : elle n'a pas été enregistrée.") from None
