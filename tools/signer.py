#!/usr/bin/env python3
"""Sign a PDF as PAdES B-T with an expert's certificate: a PKCS#12 file or a PKCS#11 token (card).

Standalone: needs pyHanko (pip install 'pyHanko[pkcs11]'), not Django. The timestamp comes from
the platform's authority (--tsa URL, RFC 3161 over HTTP). Guide: docs/guide-signature-expert.md.

    python tools/signer.py rapport.pdf rapport-signe.pdf --p12 carte.p12 --tsa URL
    python tools/signer.py rapport.pdf rapport-signe.pdf --pkcs11 /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so \
        --jeton "Carte expert" --cle "Signature" --tsa URL

The PIN / password is asked for on the terminal (or read from the environment variable named by
--pin-env / --mot-de-passe-env, for scripted use). Exit codes: 0 signed, 1 signing failed,
2 bad arguments or unreadable file.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import io
import logging
import os
import sys
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper


def _secret(invite: str, variable: str | None) -> str:
    if variable:
        valeur = os.environ.get(variable)
        if valeur is None:
            raise SystemExit(f"La variable d'environnement {variable} n'est pas définie.")
        return valeur
    return getpass.getpass(invite)


def signataire_p12(chemin: Path, mot_de_passe: str) -> signers.Signer:
    signeur = signers.SimpleSigner.load_pkcs12(str(chemin), passphrase=mot_de_passe.encode() or None)
    if signeur is None:
        raise SystemExit(f"Impossible d'ouvrir {chemin} : fichier illisible ou mot de passe incorrect.")
    return signeur


async def signer(
    entree: bytes,
    signeur: signers.Signer,
    *,
    tsa: str,
    champ: str = "Signature",
    motif: str | None = None,
    lieu: str | None = None,
) -> bytes:
    """The signed PDF (PAdES B-T: CAdES signature + RFC 3161 timestamp of ``tsa``)."""
    ecrivain = IncrementalPdfFileWriter(io.BytesIO(entree), strict=False)
    existants = {nom for nom, _, _ in fields.enumerate_sig_fields(ecrivain)}
    nom, n = champ, 1
    while nom in existants:  # documents already signed by others keep their signatures
        n += 1
        nom = f"{champ}{n}"
    meta = signers.PdfSignatureMetadata(
        field_name=nom, reason=motif, location=lieu, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    horodateur = HTTPTimeStamper(tsa, timeout=20)
    sortie = io.BytesIO()
    await signers.PdfSigner(meta, signer=signeur, timestamper=horodateur).async_sign_pdf(ecrivain, output=sortie)
    return sortie.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Signer un PDF (PAdES B-T) avec sa carte d'expert ou un fichier PKCS#12.")
    parser.add_argument("entree", type=Path, help="PDF à signer")
    parser.add_argument("sortie", type=Path, help="PDF signé à écrire")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--p12", type=Path, help="fichier PKCS#12 (.p12/.pfx) contenant la clé et le certificat")
    source.add_argument("--pkcs11", metavar="MODULE", help="bibliothèque PKCS#11 du lecteur de carte (.so/.dll)")
    parser.add_argument("--jeton", help="nom (label) de la carte PKCS#11")
    parser.add_argument("--cle", help="nom (label) de la clé et du certificat sur la carte")
    parser.add_argument("--tsa", required=True, help="adresse de l'autorité d'horodatage de la plateforme (RFC 3161)")
    parser.add_argument("--motif", help="motif de la signature (ex. « Rapport définitif »)")
    parser.add_argument("--lieu", help="lieu de la signature")
    parser.add_argument("--champ", default="Signature", help="nom du champ de signature (défaut : Signature)")
    parser.add_argument("--mot-de-passe-env", help="lire le mot de passe du .p12 dans cette variable d'environnement")
    parser.add_argument("--pin-env", help="lire le code PIN de la carte dans cette variable d'environnement")
    parser.add_argument("--details", action="store_true", help="afficher les messages techniques de pyHanko")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.details else logging.CRITICAL, format="%(name)s: %(message)s")

    if not args.tsa.startswith(("https://", "http://")):
        parser.error("--tsa doit être une adresse http(s)")
    try:
        entree = args.entree.read_bytes()
    except OSError as exc:
        print(f"Impossible de lire {args.entree} : {exc.strerror}", file=sys.stderr)
        return 2
    if not entree.lstrip()[:5] == b"%PDF-":
        print(f"{args.entree} n'est pas un PDF.", file=sys.stderr)
        return 2

    try:
        if args.p12:
            signeur = signataire_p12(args.p12, _secret("Mot de passe du fichier PKCS#12 : ", args.mot_de_passe_env))
            signe = asyncio.run(signer(entree, signeur, tsa=args.tsa, champ=args.champ, motif=args.motif, lieu=args.lieu))
        else:
            if not (args.jeton and args.cle):
                parser.error("--pkcs11 demande --jeton et --cle")
            from pyhanko.config.pkcs11 import PKCS11SignatureConfig, TokenCriteria
            from pyhanko.sign.pkcs11 import PKCS11SigningContext

            pin = _secret("Code PIN de la carte : ", args.pin_env)
            with PKCS11SigningContext(
                PKCS11SignatureConfig(
                    module_path=args.pkcs11,
                    token_criteria=TokenCriteria(label=args.jeton),
                    cert_label=args.cle,
                    key_label=args.cle,
                    user_pin=pin,
                    # Hash on the computer, sign the digest on the card (CKM_ECDSA / CKM_RSA_PKCS):
                    # what every card and SoftHSM2 support, unlike CKM_ECDSA_SHA256.
                    raw_mechanism=True,
                )
            ) as signeur:
                signe = asyncio.run(signer(entree, signeur, tsa=args.tsa, champ=args.champ, motif=args.motif, lieu=args.lieu))
    except SystemExit:
        raise
    except Exception as exc:  # report any library failure in one French line, no traceback
        print(f"Échec de la signature : {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    args.sortie.write_bytes(signe)
    print(f"Signé : {args.sortie} (PAdES B-T, horodaté par {args.tsa})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
