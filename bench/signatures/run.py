"""Benchmark of the signature verification service (issue 5, goal 8).

Signs two PDFs as PAdES B-T with the demo PKI's valid expert (timestamped by the built-in
authority): a 1-page PDF and a ~50 MB PDF (one page plus a 50 MB attachment of random bytes, so
that hashing dominates). For each, measures the median time of
- the service: ``preuves.signatures.verifier_pdf`` (reads the trust list, revocation required,
  DSS, end-of-file and revision review, French verdict);
- bare pyHanko: ``async_validate_pdf_signature`` on the same file, with a validation context built
  from the same trust roots, intermediates and CRLs (already in memory), same key usage settings;
and prints their ratio. Goal: overhead_ratio (the worse of the two) ≤ 1.5. Last line: JSON.

Usage: python bench/signatures/run.py [--repetitions N] [--taille-mo 50]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--taille-mo", type=int, default=50)
    args = parser.parse_args()

    dossier = Path(tempfile.mkdtemp(prefix="bench-signatures-"))
    os.environ["JUSTEXPERT_DATA_DIR"] = str(dossier)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "justexpert.settings.test")
    sys.path.insert(0, str(RACINE))
    import django

    django.setup()

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from django.conf import settings
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from reportlab.pdfgen import canvas

    from justexpert.lib import pki, pki_demo
    from justexpert.preuves import sceau, signatures

    demo = pki_demo.generer(settings.PKI_DIR)
    expert = demo.experts["valide"]

    def asn1(cert) -> asn1_x509.Certificate:  # type: ignore[no-untyped-def]
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    cle = expert.cle.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    signeur = signers.SimpleSigner(
        signing_cert=asn1(expert.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(cle),
        cert_registry=SimpleCertificateStore.from_certs([asn1(demo.intermediaire.cert)]),
    )

    def page(piece_jointe: int) -> bytes:
        tampon = io.BytesIO()
        c = canvas.Canvas(tampon)
        c.drawString(72, 720, "Rapport d'expertise (banc de mesure)")
        c.save()
        if not piece_jointe:
            return tampon.getvalue()
        ecrivain = IncrementalPdfFileWriter(io.BytesIO(tampon.getvalue()))
        donnees = os.urandom(piece_jointe)
        embed.embed_file(
            ecrivain,
            embed.FileSpec(
                file_spec_string="annexe.bin",
                embedded_data=embed.EmbeddedFileObject.from_file_data(ecrivain, data=donnees, compress=False),
            ),
        )
        sortie = io.BytesIO()
        ecrivain.write(sortie)
        return sortie.getvalue()

    def signer(contenu: bytes) -> bytes:
        meta = signers.PdfSignatureMetadata(field_name="Signature", subfilter=fields.SigSeedSubFilter.PADES)
        sortie = io.BytesIO()
        pdf_signer = signers.PdfSigner(meta, signer=signeur, timestamper=sceau.HorodateurPlateforme())
        asyncio.run(pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(contenu)), output=sortie))
        return sortie.getvalue()

    fichiers = {"1_page": signer(page(0)), f"{args.taille_mo}_mo": signer(page(args.taille_mo * 1024 * 1024))}

    # Same trust settings as the service, loaded once in memory for the bare baseline.
    racines = [*pki.ancres(), *sceau.ancres_sceau()]
    autres = pki.intermediaires()
    crls = [*pki.crls_locales(), *sceau.crls_sceau()]
    racines_ts = [*sceau.ancres_horodatage(), *racines]
    autres_ts = [*sceau.certificats_horodatage(), *autres]

    def pyhanko_nu(contenu: bytes) -> bool:
        contexte = ValidationContext(
            trust_roots=racines, other_certs=autres, crls=crls, allow_fetching=False, revocation_mode="require"
        )
        contexte_ts = ValidationContext(
            trust_roots=racines_ts, other_certs=autres_ts, crls=crls, allow_fetching=False, revocation_mode="soft-fail"
        )
        lecteur = PdfFileReader(io.BytesIO(contenu), strict=False)
        statut = asyncio.run(
            async_validate_pdf_signature(
                lecteur.embedded_signatures[0],
                signer_validation_context=contexte,
                ts_validation_context=contexte_ts,
                key_usage_settings=signatures.USAGES,
            )
        )
        return statut.bottom_line

    def service(contenu: bytes) -> bool:
        return signatures.verifier_pdf(contenu).statut == signatures.Statut.VALIDE

    def chrono(fonction, contenu: bytes) -> float:  # type: ignore[no-untyped-def]
        debut = time.perf_counter()
        assert fonction(contenu), f"{fonction.__name__}: signature not valid"
        return time.perf_counter() - debut

    resultats: dict[str, dict[str, float]] = {}
    for nom, contenu in fichiers.items():
        service(contenu), pyhanko_nu(contenu)  # warm-up (imports, caches of the seal and TSA keys)
        # Interleaved, so that any drift of the machine's load hits both measures alike.
        nus, services = [], []
        for _ in range(args.repetitions):
            nus.append(chrono(pyhanko_nu, contenu))
            services.append(chrono(service, contenu))
        t_nu, t_service = statistics.median(nus), statistics.median(services)
        resultats[nom] = {
            "taille_octets": len(contenu),
            "pyhanko_ms": round(t_nu * 1000, 1),
            "service_ms": round(t_service * 1000, 1),
            "ratio": round(t_service / t_nu, 3),
        }
        print(f"{nom:>8}: {len(contenu):>10} octets  pyHanko {t_nu * 1000:7.1f} ms  service {t_service * 1000:7.1f} ms  "
              f"ratio {t_service / t_nu:.3f}")  # fmt: skip

    ratio = max(r["ratio"] for r in resultats.values())
    print(json.dumps({"overhead_ratio": ratio, "goal": 1.5, "fichiers": resultats}))
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
