"""Demonstration only: sign a PDF as the demo expert's card would, so that a newcomer can walk a
whole expertise through (the rapport définitif must be signed with the certificate registered on
the account) without a card reader.

The key is the demo PKI's "valide" expert identity (lib/pki_demo.py, generated under PKI_DIR and
registered on expert@demo.justexpert.fr by ``charger_demo``); the signature is PAdES B-T with the
platform's timestamp authority, as ``tools/signer.py`` makes with a real card.
Protects against: use outside a demonstration — callers check ``settings.DEMO`` (404 otherwise),
and the deploy system check ``portail.E001`` fails when DEMO is on with production settings.
Does not: this is not a signature of anybody; never enable it where real cases are handled.
"""

from __future__ import annotations

import asyncio
import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from justexpert.lib import pki_demo

from .sceau import HorodateurPlateforme

TAILLE_MAX = 20 * 1024 * 1024


class RefusCarteDemo(Exception):
    """The file cannot be signed; the message is French."""


def _asn1(cert: object) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))  # type: ignore[attr-defined]


def signer_pdf(contenu: bytes) -> bytes:
    if not settings.DEMO:
        raise RefusCarteDemo("La carte de démonstration n'existe qu'en démonstration.")
    if not contenu.startswith(b"%PDF"):
        raise RefusCarteDemo("Ce fichier n'est pas un PDF : choisissez le PDF de votre rapport.")
    if len(contenu) > TAILLE_MAX:
        raise RefusCarteDemo("Ce PDF dépasse 20 Mo : la carte de démonstration ne signe que des PDF plus petits.")
    pki = pki_demo.generer(settings.PKI_DIR)
    carte = pki.experts["valide"]
    cle = carte.cle.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    signataire = signers.SimpleSigner(
        signing_cert=_asn1(carte.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(cle),
        cert_registry=SimpleCertificateStore.from_certs([_asn1(pki.intermediaire.cert)]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="SignatureExpert", reason="Rapport définitif", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    try:
        ecrivain = IncrementalPdfFileWriter(io.BytesIO(contenu), strict=False)
    except Exception as exc:  # noqa: BLE001 (any parse error of an uploaded PDF)
        raise RefusCarteDemo("Ce PDF est illisible : exportez-le de nouveau depuis votre traitement de texte.") from exc
    sortie = io.BytesIO()
    signeur = signers.PdfSigner(meta, signer=signataire, timestamper=HorodateurPlateforme())
    asyncio.run(signeur.async_sign_pdf(ecrivain, output=sortie))
    return sortie.getvalue()
