"""Fixtures of the security harness: an isolated coffre folder, and the world of monde.py."""

from __future__ import annotations

import pytest

from justexpert.coffre.stockage import _stockage

from . import monde as _monde


@pytest.fixture(autouse=True)
def coffre_isole(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "donnees"
    settings.STOCKAGE_BACKEND = "local"
    settings.RECHERCHE_FRAICHEUR_S = 0
    _stockage.cache_clear()
    yield settings.DATA_DIR
    _stockage.cache_clear()


@pytest.fixture
def monde(db, django_capture_on_commit_callbacks) -> _monde.Monde:
    with django_capture_on_commit_callbacks(execute=True):
        m = _monde.construire()
    return _monde.apres_commit(m)
