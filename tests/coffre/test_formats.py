"""Allow-list by extension and by content; zip bombs refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from justexpert.coffre import formats, services
from justexpert.coffre.models import Document
from justexpert.coffre.services import RefusDepot

from .conftest import archive, fichiers_sous, pdf

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
DOCX = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = archive(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}, compression=zipfile.ZIP_STORED
)


def deposer(contenu: bytes, nom: str) -> Document:
    return services.deposer(io.BytesIO(contenu), nom=nom, proprietaire="test:1")


@pytest.mark.parametrize(
    ("nom", "contenu"),
    [
        ("a.pdf", pdf(b"x")),
        ("photo.PNG", PNG),
        ("photo.jpg", JPEG),
        ("ancien.doc", OLE),
        ("note.txt", "Compte rendu de réunion\n".encode()),
        ("liste.csv", b"a;b\n1;2\n"),
        ("rapport.docx", DOCX),
        ("rapport.odt", ODT),
        ("pieces.zip", archive({"a.txt": b"a" * 1000, "b.pdf": pdf()})),
        ("vide.txt", b""),
    ],
)
def test_allowed_formats_are_accepted(nom, contenu):
    document = deposer(contenu, nom)
    assert b"".join(services.ouvrir(document)) == contenu


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("programme.exe", b"MZ\x90\x00", "type de fichier"),
        ("sans-extension", pdf(), "type de fichier"),
        ("page.html", b"<html>", "type de fichier"),
        ("faux.pdf", b"MZ\x90\x00" + b"\x00" * 9000, "ne correspond pas"),
        ("faux.png", pdf(), "ne correspond pas"),
        ("petit-faux.pdf", b"MZ", "ne correspond pas"),
        ("binaire.txt", b"abc\x00def", "ne correspond pas"),
        ("latin1.txt", "café".encode("latin-1"), "UTF-8"),
        ("faux.docx", archive({"a.txt": b"a"}), "Office"),
        ("faux.odt", archive({"mimetype": b"application/zip"}), "OpenDocument"),
        ("casse.zip", b"PK\x03\x04" + b"\x00" * 100, "illisible"),
    ],
)
def test_refused_formats_leave_nothing(nom, contenu, message, coffre_isole):
    with pytest.raises(RefusDepot) as exc:
        deposer(contenu, nom)
    assert exc.value.statut == 400
    assert message in exc.value.message
    assert Document.objects.count() == 0
    assert fichiers_sous(coffre_isole / "coffre") == []


def test_zip_with_excessive_expansion_ratio_is_refused(coffre_isole):
    bombe = archive({"zeros.bin": b"\x00" * (50 * 1024 * 1024)})
    assert len(bombe) < 100_000
    with pytest.raises(RefusDepot) as exc:
        deposer(bombe, "bombe.zip")
    assert "anormalement grand" in exc.value.message
    assert fichiers_sous(coffre_isole / "coffre") == []


def test_zip_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(formats, "ENTREES_MAX", 50)
    with pytest.raises(RefusDepot) as exc:
        deposer(archive({f"f{i}.txt": b"" for i in range(51)}), "nombreux.zip")
    assert "trop de fichiers" in exc.value.message
    deposer(archive({f"f{i}.txt": b"" for i in range(50)}), "juste.zip")
