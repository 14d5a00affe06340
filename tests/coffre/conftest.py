"""Fixtures of the coffre tests: a private data folder per test, small segments, a fake evidence log."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from justexpert.coffre.stockage import _stockage

SEGMENT = 4096


@pytest.fixture(autouse=True)
def coffre_isole(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path / "donnees"
    settings.COFFRE_TAILLE_SEGMENT = SEGMENT
    settings.STOCKAGE_BACKEND = "local"
    _stockage.cache_clear()
    yield settings.DATA_DIR
    _stockage.cache_clear()


class JournalFactice:
    """Stands in for preuves.services.enregistrer (coffre may not import preuves)."""

    def __init__(self) -> None:
        self.evenements: list[tuple[str, dict]] = []

    def __call__(self, type_evenement: str, **champs) -> None:
        self.evenements.append((type_evenement, champs))


@pytest.fixture
def journal() -> JournalFactice:
    return JournalFactice()


def fichiers_sous(dossier: Path) -> list[Path]:
    return sorted(p for p in dossier.rglob("*") if p.is_file()) if dossier.exists() else []


def pdf(contenu: bytes = b"") -> bytes:
    return b"%PDF-1.7\n" + contenu + b"\n%%EOF\n"


def archive(entrees: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=compression) as z:
        for nom, contenu in entrees.items():
            z.writestr(nom, contenu)
    return tampon.getvalue()
