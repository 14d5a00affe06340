"""Run poppler's pdfsig on a PDF, with an NSS database trusting the given roots (PEM)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def pdfsig(pdf: bytes, *, racines: list[bytes] = ()) -> str:  # type: ignore[assignment]
    outil, certutil = shutil.which("pdfsig"), shutil.which("certutil")
    if outil is None or certutil is None:
        pytest.skip("pdfsig (poppler-utils) or certutil (libnss3-tools) absent: make chromium installs them")
    with tempfile.TemporaryDirectory() as dossier:
        base = Path(dossier)
        nss = f"sql:{base / 'nss'}"
        (base / "nss").mkdir()
        subprocess.run([certutil, "-N", "-d", nss, "--empty-password"], check=True, capture_output=True)  # noqa: S603
        for n, pem in enumerate(racines):
            (base / f"racine{n}.pem").write_bytes(pem)
            subprocess.run(  # noqa: S603
                [certutil, "-A", "-d", nss, "-n", f"racine{n}", "-t", "CT,C,C", "-i", str(base / f"racine{n}.pem")],
                check=True,
                capture_output=True,
            )
        (base / "document.pdf").write_bytes(pdf)
        resultat = subprocess.run([outil, "-nssdir", nss, str(base / "document.pdf")], capture_output=True, text=True)  # noqa: S603
        return resultat.stdout + resultat.stderr
