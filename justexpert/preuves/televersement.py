"""How the public verify page receives its two files, without keeping either.

The platform's default upload handler keeps small files in memory and silently drops anything
bigger (settings.FILE_UPLOAD_HANDLERS): a 30 Mo report given to check against its accusé would
vanish, and the page would answer "no document given". This handler reads every file of the
request as it streams: the document is only hashed (SHA-256, nothing stored, whatever its size);
the accusé is kept in memory up to ``TAILLE_MAX_ACCUSE`` + 1 byte, so the form can say it is too
big without buffering the rest.

A sealed PDF the platform extended (``sceau.prolonger``: a new document timestamp appended as an
incremental update) is no longer byte for byte the document deposited, but starts with it: its
first revision is the deposited file. So the document's SHA-256 is also taken at the end of each
revision (after each ``%%EOF`` marker and its end of line) while it streams
(``verificateur.EmpreintesRevisions``, shared with the offline tool), and the page can recognise
such a copy without ever holding the whole file.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from .verificateur import EmpreintesRevisions

TAILLE_MAX_ACCUSE = 5 * 1024 * 1024  # a PDF accusé weighs ~30 Kio; a JSON one ~10 Kio
CHAMP_DOCUMENT = "document"


class FichierLu(InMemoryUploadedFile):
    """A received file: its first bytes (the accusé) or none (the document), its whole size and,
    for the document, its SHA-256 computed while it streamed, and those of its PDF revisions."""

    sha256: str | None = None
    revisions: dict[str, int] | None = None


class LectureVerification(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().new_file(*args, **kwargs)
        self.tampon = io.BytesIO()
        self.empreinte = EmpreintesRevisions()
        self.recu = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.recu += len(raw_data)
        if self.field_name == CHAMP_DOCUMENT:
            self.empreinte.update(raw_data)
        elif self.tampon.tell() <= TAILLE_MAX_ACCUSE:
            self.tampon.write(raw_data[: TAILLE_MAX_ACCUSE + 1 - self.tampon.tell()])
        return None  # nothing for any other handler: no file of this page is ever written

    def file_complete(self, file_size: int) -> FichierLu:
        self.tampon.seek(0)
        fichier = FichierLu(
            file=self.tampon,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.recu,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        if self.field_name == CHAMP_DOCUMENT:
            fichier.sha256 = self.empreinte.hexdigest()
            fichier.revisions = self.empreinte.revisions
        return fichier
