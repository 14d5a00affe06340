"""tools/signer.py: PAdES B-T with a PKCS#12 file, and with SoftHSM2 standing in for the card."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.urls import reverse

from justexpert.lib import pki_demo
from justexpert.preuves import signatures
from justexpert.preuves.signatures import Statut

from .outils_signature import pdf

OUTIL = Path(__file__).resolve().parents[2] / "tools" / "signer.py"
SOFTHSM = next(
    (p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so") if Path(p).exists()), None
)


def lancer(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, str(OUTIL), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=60
    )


@pytest.fixture
def tsa(live_server) -> str:
    return live_server.url + reverse("preuves:horodatage")


@pytest.fixture
def pki():
    return pki_demo.generer(settings.PKI_DIR)


def test_signing_with_a_pkcs12_file_gives_a_valid_b_t_signature(tmp_path, tsa, pki):
    entree = tmp_path / "rapport.pdf"
    entree.write_bytes(pdf("Rapport définitif"))
    sortie = tmp_path / "rapport-signe.pdf"
    p12 = pki.dossier / "experts" / "valide.p12"
    resultat = lancer(
        str(entree), str(sortie), "--p12", str(p12), "--tsa", tsa, "--motif", "Rapport définitif",
        "--mot-de-passe-env", "MDP", env={"MDP": pki_demo.MOT_DE_PASSE_P12.decode()},
    )  # fmt: skip
    assert resultat.returncode == 0, resultat.stderr
    der = pki.experts["valide"].cert.public_bytes(serialization.Encoding.DER)
    verdict = signatures.verifier_signature_requise(sortie.read_bytes(), certificat_der=der)
    assert verdict.statut == Statut.VALIDE, verdict
    assert verdict.signatures[0].niveau == "PAdES B-T" and verdict.signatures[0].date_certaine


def test_wrong_password_fails_cleanly(tmp_path, tsa, pki):
    entree = tmp_path / "rapport.pdf"
    entree.write_bytes(pdf())
    resultat = lancer(
        str(entree), str(tmp_path / "x.pdf"), "--p12", str(pki.dossier / "experts" / "valide.p12"), "--tsa", tsa,
        "--mot-de-passe-env", "MDP", env={"MDP": "faux"},
    )  # fmt: skip
    assert resultat.returncode != 0 and "Traceback" not in resultat.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.skipif(SOFTHSM is None or shutil.which("pkcs11-tool") is None, reason="softhsm2 / opensc absent (make chromium)")
def test_signing_with_a_pkcs11_token_softhsm2(tmp_path, tsa, pki):
    jetons = tmp_path / "jetons"
    jetons.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {jetons}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {"SOFTHSM2_CONF": str(conf), "PIN": "123456"}
    lancement = {"env": {**os.environ, **env}, "check": True, "capture_output": True, "timeout": 60}
    subprocess.run(  # noqa: S603
        ["softhsm2-util", "--init-token", "--free", "--label", "Carte expert", "--pin", "123456", "--so-pin", "12345678"],  # noqa: S607
        **lancement,
    )
    identite = pki.experts["valide"]
    (tmp_path / "cle.pem").write_bytes(
        identite.cle.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (tmp_path / "cert.der").write_bytes(identite.cert.public_bytes(serialization.Encoding.DER))
    subprocess.run(  # noqa: S603
        ["softhsm2-util", "--import", str(tmp_path / "cle.pem"), "--token", "Carte expert", "--label", "Signature",  # noqa: S607
         "--id", "01", "--pin", "123456"],
        **lancement,
    )  # fmt: skip
    subprocess.run(  # noqa: S603
        ["pkcs11-tool", "--module", SOFTHSM, "--token-label", "Carte expert", "--login", "--pin", "123456",  # noqa: S607
         "--write-object", str(tmp_path / "cert.der"), "--type", "cert", "--label", "Signature", "--id", "01"],
        **lancement,
    )  # fmt: skip
    entree = tmp_path / "rapport.pdf"
    entree.write_bytes(pdf("Rapport définitif"))
    sortie = tmp_path / "rapport-signe.pdf"
    resultat = lancer(
        str(entree), str(sortie), "--pkcs11", SOFTHSM, "--jeton", "Carte expert", "--cle", "Signature", "--tsa", tsa,
        "--pin-env", "PIN", env=env,
    )  # fmt: skip
    assert resultat.returncode == 0, resultat.stderr
    der = identite.cert.public_bytes(serialization.Encoding.DER)
    verdict = signatures.verifier_signature_requise(sortie.read_bytes(), certificat_der=der)
    assert verdict.statut == Statut.VALIDE, verdict
    assert verdict.signatures[0].date_certaine
