"""Helpers of the signature tests: small PDFs, and signing them as an expert's card would."""

from __future__ import annotations

import asyncio
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen import canvas

from justexpert.lib.pki_demo import Identite
from justexpert.preuves.sceau import HorodateurPlateforme


def pdf(texte: str = "Rapport d'expertise", pages: int = 1) -> bytes:
    tampon = io.BytesIO()
    c = canvas.Canvas(tampon)
    for n in range(pages):
        c.drawString(72, 720, f"{texte} — page {n + 1}")
        c.showPage()
    c.save()
    return tampon.getvalue()


def asn1(identite: Identite) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(identite.cert.public_bytes(serialization.Encoding.DER))


def signataire(identite: Identite, *chaine: Identite) -> signers.SimpleSigner:
    cle = identite.cle.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return signers.SimpleSigner(
        signing_cert=asn1(identite),
        signing_key=asn1_keys.PrivateKeyInfo.load(cle),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in chaine]),
    )


def signer(
    contenu: bytes, identite: Identite, *chaine: Identite, champ: str = "Signature1", horodater: bool = True, **meta
) -> bytes:
    """PAdES B-T (B-B without ``horodater``); extra ``meta`` go to PdfSignatureMetadata."""
    metadonnees = signers.PdfSignatureMetadata(field_name=champ, subfilter=fields.SigSeedSubFilter.PADES, **meta)
    signeur = signers.PdfSigner(
        metadonnees, signer=signataire(identite, *chaine), timestamper=HorodateurPlateforme() if horodater else None
    )
    sortie = io.BytesIO()
    asyncio.run(signeur.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(contenu), strict=False), output=sortie))
    return sortie.getvalue()


def signer_cades(contenu: bytes, identite: Identite, *chaine: Identite) -> bytes:
    """A detached CAdES B-T signature (.p7s, DER) of ``contenu``."""

    async def _signer() -> bytes:
        signe = await signataire(identite, *chaine).async_sign_general_data(
            contenu, "sha256", detached=True, use_cades=True, timestamper=HorodateurPlateforme()
        )
        return signe.dump()

    return asyncio.run(_signer())
