"""Fixtures of the preuves tests: events recorded through the public service, with commit hooks run."""

from __future__ import annotations

import hashlib
import uuid

import pytest


@pytest.fixture
def consigner(db, django_capture_on_commit_callbacks):
    """Record events as a caller would, running the after-commit checkpoint cut."""
    from justexpert.preuves.services import enregistrer

    def _consigner(n: int = 1, *, type: str = "depot", document: bytes | None = b"contenu") -> list:  # noqa: A002
        evenements = []
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(n):
                evenements.append(
                    enregistrer(
                        type,
                        acteur_ref=uuid.uuid4(),
                        objet_ref=uuid.uuid4(),
                        dossier_ref=uuid.uuid4(),
                        document_sha256=hashlib.sha256(document).hexdigest() if document is not None else None,
                    )
                )
        return evenements

    return _consigner
