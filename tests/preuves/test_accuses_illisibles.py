"""Unreadable receipts (issue 18, item 4): whatever bytes are posted to "Vérifier un accusé" or given
to the standalone tool, the answer is a clear French refusal, never a 500 nor a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justexpert.preuves.verificateur import FORMAT_ACCUSE, PreuveInvalide, lire_accuse, verifier_accuse
from tests.conftest import texte

OUTIL = Path(settings.BASE_DIR) / "tools" / "verifier_accuse.py"
IMBRIQUE = "[" * 100_000 + "]" * 100_000
ILLISIBLES = [
    "[" * 1000 + "]" * 1000,
    '{"a":' * 1000 + "1" + "}" * 1000,
    IMBRIQUE,
    "\ud800",
    "",
    "1e999999",
]


@pytest.mark.parametrize("contenu", ILLISIBLES, ids=range(len(ILLISIBLES)))
def test_an_unreadable_receipt_is_refused_in_french(contenu):
    with pytest.raises(PreuveInvalide):
        lire_accuse(contenu.encode("utf-8", "surrogatepass"))


@pytest.mark.django_db
@pytest.mark.parametrize("contenu", ILLISIBLES[:3], ids=range(3))
def test_the_public_page_answers_a_deeply_nested_json_with_a_french_message(client, contenu):
    fichier = SimpleUploadedFile("accuse.json", contenu.encode(), content_type="application/json")
    r = client.post(reverse("preuves:verifier"), {"accuse": fichier})
    assert r.status_code == 200
    assert "Accusé illisible : le fichier n'est pas un JSON lisible" in texte(r)


def test_deep_nesting_inside_a_receipt_is_a_refusal_not_a_crash():
    profond = f'{{"format": "{FORMAT_ACCUSE}", "evenement": {"[" * 900}{"]" * 900}}}'
    rapport = verifier_accuse(lire_accuse(profond))
    assert not rapport.valide


def test_the_tool_refuses_a_deeply_nested_file_with_exit_status_2(tmp_path):
    (tmp_path / "accuse.json").write_text("[" * 1000 + "]" * 1000)
    resultat = subprocess.run(
        [sys.executable, "-I", str(OUTIL), str(tmp_path / "accuse.json")], capture_output=True, text=True, check=False
    )
    assert resultat.returncode == 2, resultat.stderr
    assert "JSON" in resultat.stderr and "Traceback" not in resultat.stderr
