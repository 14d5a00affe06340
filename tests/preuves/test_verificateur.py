"""The standalone offline verifier (tools/verifier_accuse.py) on good and bad receipts."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings

from justexpert.preuves import conf, services

OUTIL = Path(settings.BASE_DIR) / "tools" / "verifier_accuse.py"
SOURCE = Path(settings.BASE_DIR) / "justexpert" / "preuves" / "verificateur.py"


def test_tool_is_the_same_file_as_the_module_the_platform_uses():
    assert OUTIL.read_bytes() == SOURCE.read_bytes(), "copier justexpert/preuves/verificateur.py vers tools/verifier_accuse.py"


def test_tool_imports_only_the_standard_library_cryptography_and_asn1crypto_and_pypdf_for_pdf_input():
    modules = set()
    for noeud in ast.walk(ast.parse(OUTIL.read_text())):
        if isinstance(noeud, ast.Import):
            modules |= {a.name.split(".")[0] for a in noeud.names}
        elif isinstance(noeud, ast.ImportFrom) and noeud.module:
            modules.add(noeud.module.split(".")[0])
    # pypdf only inside the function that reads a PDF accusé (a JSON needs nothing more).
    assert modules - set(sys.stdlib_module_names) == {"cryptography", "asn1crypto", "pypdf"}


def _outil(tmp_path, accuse: dict, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "accuse.json").write_text(json.dumps(accuse))
    return subprocess.run(
        [sys.executable, "-I", str(OUTIL), str(tmp_path / "accuse.json"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_tool_proves_a_good_receipt_with_its_document(tmp_path, consigner):
    (evenement,) = consigner(document=b"le rapport")
    (tmp_path / "rapport.pdf").write_bytes(b"le rapport")
    (tmp_path / "ac.pem").write_bytes(conf.tsa_integree().ac.public_bytes(serialization.Encoding.PEM))
    cle = services.b64(conf.cle_publique_journal())
    resultat = _outil(
        tmp_path,
        services.accuse(evenement),
        "--document",
        str(tmp_path / "rapport.pdf"),
        "--cle",
        cle,
        "--ac",
        str(tmp_path / "ac.pem"),
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "tout est prouvé" in resultat.stdout
    assert "Le document fourni est bien celui de l'événement" in resultat.stdout


def test_tool_rejects_another_document_or_an_altered_receipt(tmp_path, consigner):
    (evenement,) = consigner(document=b"le rapport")
    accuse = services.accuse(evenement)
    (tmp_path / "autre.pdf").write_bytes(b"un autre rapport")
    resultat = _outil(tmp_path, accuse, "--document", str(tmp_path / "autre.pdf"))
    assert resultat.returncode == 1
    assert "n'est PAS celui de l'événement" in resultat.stdout
    altere = {**accuse, "index": 3}
    assert _outil(tmp_path, altere).returncode == 1
    autre_cle = services.b64(b"\x00" * 32)
    assert _outil(tmp_path, accuse, "--cle", autre_cle).returncode == 1


def test_tool_says_when_the_timestamp_is_pending(tmp_path, settings, consigner):
    settings.TSA_URL = "http://127.0.0.1:9/tsa"
    (evenement,) = consigner()
    resultat = _outil(tmp_path, services.accuse(evenement))
    assert resultat.returncode == 3
    assert "Horodatage en attente" in resultat.stdout


def test_tool_refuses_a_file_that_is_not_a_receipt(tmp_path):
    (tmp_path / "accuse.json").write_text("pas un accusé")
    resultat = subprocess.run(
        [sys.executable, "-I", str(OUTIL), str(tmp_path / "accuse.json")], capture_output=True, text=True, check=False
    )
    assert resultat.returncode == 2
    assert "JSON" in resultat.stderr


def test_unsigned_receipt_fields_are_not_shown_as_proven(tmp_path, consigner):
    """Issue 17 item 6: "qualifie", "autorite" and "date" are covered by no signature; the tool
    speaks from the token only (its signer's certificate, its policy, its time)."""
    (evenement,) = consigner()
    accuse = services.accuse(evenement)
    (tmp_path / "ac.pem").write_bytes(conf.tsa_integree().ac.public_bytes(serialization.Encoding.PEM))
    vrai = _outil(tmp_path, accuse, "--ac", str(tmp_path / "ac.pem"))
    faux = {
        **accuse,
        "horodatage": {
            **accuse["horodatage"],
            "qualifie": True,
            "autorite": "Prestataire qualifié eIDAS",
            "date": "2020-01-01T00:00:00Z",
        },
    }
    resultat = _outil(tmp_path, faux, "--ac", str(tmp_path / "ac.pem"))
    assert resultat.returncode == vrai.returncode == 0
    assert "autorité qualifiée" not in resultat.stdout
    assert "Prestataire qualifié eIDAS" not in resultat.stdout and "2020" not in resultat.stdout
    assert "signé par « CN=Autorité d'horodatage intégrée (non qualifiée)" in resultat.stdout
    assert "Autorité intégrée de développement : cet horodatage n'est PAS qualifié" in resultat.stdout
    assert "Chronologie cohérente" in resultat.stdout
