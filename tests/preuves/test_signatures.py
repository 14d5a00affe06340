"""Verdicts of the signature verification service: one test per path (issue 5, item 7)."""

from __future__ import annotations

import io
import json

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.template import Context, Template
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from justexpert.lib import pki_demo
from justexpert.preuves import signatures
from justexpert.preuves.signatures import Statut, Verdict

from .outils_signature import pdf, signer, signer_cades


@pytest.fixture(scope="module")
def pki():
    return pki_demo.generer(settings.PKI_DIR)


@pytest.fixture(scope="module")
def document():
    return pdf()


@pytest.fixture(scope="module")
def signe(pki, document):
    return signer(document, pki.experts["valide"], pki.intermediaire)


def der(identite) -> bytes:
    return identite.cert.public_bytes(serialization.Encoding.DER)


def test_valid_b_t_signature_is_valide_with_signer_and_certain_time(pki, signe):
    verdict = signatures.verifier_pdf(signe)
    assert verdict.statut == Statut.VALIDE, verdict
    [sig] = verdict.signatures
    assert sig.signataire == "Alix Durand (démo)"
    assert sig.niveau == "PAdES B-T"
    assert sig.date_certaine and sig.date.endswith("Z")
    assert sig.couvre_document and sig.motifs == []


def test_one_changed_byte_makes_the_signature_invalide(signe):
    position = signe.index(b"/Producer")  # inside the first byte range, before the signature value
    altere = signe[:position] + b"/Pxoducer" + signe[position + 9 :]
    verdict = signatures.verifier_pdf(altere)
    assert verdict.statut == Statut.INVALIDE
    assert any("modifié" in m for m in verdict.signatures[0].motifs)


def test_bytes_appended_after_the_signature_are_not_covered(signe):
    verdict = signatures.verifier_pdf(signe + b"\n% ajout discret\n1 0 obj (x) endobj\n")
    assert verdict.statut == Statut.INVALIDE
    [sig] = verdict.signatures
    assert not sig.couvre_document
    assert any("octets ont été ajoutés" in m for m in sig.motifs)


def test_content_changed_in_a_later_revision_is_not_covered(signe):
    ecrivain = IncrementalPdfFileWriter(io.BytesIO(signe), strict=False)
    page = ecrivain.root["/Pages"]["/Kids"][0].get_object()
    flux = ecrivain.add_object(_flux(b"BT /F1 24 Tf 72 600 Td (Ajout) Tj ET"))
    page["/Contents"] = flux
    ecrivain.update_container(page)
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    verdict = signatures.verifier_pdf(sortie.getvalue())
    assert verdict.statut == Statut.INVALIDE
    assert any("révision ultérieure" in m for m in verdict.signatures[0].motifs)


def _flux(donnees: bytes):
    from pyhanko.pdf_utils.generic import StreamObject

    return StreamObject(stream_data=donnees)


def test_b_lta_with_validation_data_added_later_is_valide(pki, document):
    from justexpert.preuves.sceau import HorodateurPlateforme

    # The signing side only gathers validation data: trust list + timestamp authority, soft-fail.
    contexte = signatures.contextes().horodatage
    lta = signer(
        document,
        pki.experts["valide"],
        pki.intermediaire,
        embed_validation_info=True,
        use_pades_lta=True,
        validation_context=contexte,
    )
    from pyhanko.sign import signers as pyhanko_signers

    sortie = io.BytesIO()
    pyhanko_signers.PdfTimeStamper(HorodateurPlateforme()).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(lta), strict=False),
        "sha256",
        validation_context=signatures.contextes().horodatage,
        output=sortie,
    )
    lta = sortie.getvalue()
    assert PdfFileReader(io.BytesIO(lta)).xrefs.total_revisions >= 3
    verdict = signatures.verifier_pdf(lta)
    assert verdict.statut == Statut.VALIDE, verdict
    signature, *horodatages = verdict.signatures
    assert signature.niveau == "PAdES B-LTA" and signature.couvre_document
    assert horodatages and all(h.nature == "horodatage" and h.statut == Statut.VALIDE for h in horodatages)


def test_second_signature_added_later_leaves_both_valide(pki, signe):
    double = signer(signe, pki.experts["autre"], pki.intermediaire, champ="Signature2")
    verdict = signatures.verifier_pdf(double)
    assert verdict.statut == Statut.VALIDE, verdict
    assert [s.signataire for s in verdict.signatures] == ["Alix Durand (démo)", "Autre expert (démo)"]
    assert all(s.couvre_document for s in verdict.signatures)


def test_required_signature_by_another_certificate_is_refused(pki, signe):
    verdict = signatures.verifier_signature_requise(signe, certificat_der=der(pki.experts["autre"]))
    assert verdict.statut == Statut.INVALIDE
    assert "n'est pas signé par le certificat enregistré" in " ".join(verdict.motifs)
    assert signatures.verifier_signature_requise(signe, certificat_der=der(pki.experts["valide"])).statut == Statut.VALIDE
    assert signatures.verifier_signature_requise(signe, certificat_der=None).statut == Statut.INVALIDE


def test_signer_from_an_untrusted_root_is_invalide(document):
    etrangere = pki_demo.creer_ac("Autorité inconnue")
    intrus = pki_demo.creer_certificat(etrangere, "Intrus")
    verdict = signatures.verifier_pdf(signer(document, intrus, etrangere))
    assert verdict.statut == Statut.INVALIDE
    assert "autorité de confiance" in " ".join(verdict.signatures[0].motifs)


def test_certificate_expired_before_signing_is_invalide(pki, document):
    verdict = signatures.verifier_pdf(signer(document, pki.experts["expire"], pki.intermediaire))
    assert verdict.statut == Statut.INVALIDE
    assert "pas en cours de validité" in " ".join(verdict.signatures[0].motifs)


def test_revoked_certificate_is_invalide(pki, document):
    verdict = signatures.verifier_pdf(signer(document, pki.experts["revoque"], pki.intermediaire))
    assert verdict.statut == Statut.INVALIDE
    assert "révoqué" in " ".join(verdict.signatures[0].motifs)


def test_unreachable_revocation_information_is_indetermine_never_valide(signe, settings, tmp_path):
    settings.PKI_CRL_DIR = tmp_path  # no CRL on file, and fetching is off: nothing can be obtained
    settings.PKI_RECUPERATION = False
    verdict = signatures.verifier_pdf(signe)
    assert verdict.statut == Statut.INDETERMINE
    assert "révocation" in " ".join(verdict.signatures[0].motifs)


def test_cades_detached_signature_valid_and_mismatched(pki):
    contenu = b"annexe 3 : tableau de mesures\n" * 100
    p7s = signer_cades(contenu, pki.experts["valide"], pki.intermediaire)
    verdict = signatures.verifier_document(contenu, p7s=p7s)
    assert verdict.statut == Statut.VALIDE, verdict
    assert verdict.format == "cades" and verdict.signatures[0].signataire == "Alix Durand (démo)"
    assert verdict.signatures[0].date_certaine
    autre = signatures.verifier_document(contenu + b"!", p7s=p7s)
    assert autre.statut == Statut.INVALIDE
    assert "ne correspond pas à ce document" in " ".join(autre.signatures[0].motifs)


def test_unsigned_documents_are_accepted_as_non_signe(document):
    assert signatures.verifier_document(document).statut == Statut.NON_SIGNE
    assert signatures.verifier_document(b"notes en texte brut").statut == Statut.NON_SIGNE


def test_verdict_round_trips_through_json_and_renders_in_french(signe):
    verdict = signatures.verifier_pdf(signe)
    relu = Verdict.depuis_dict(json.loads(json.dumps(verdict.en_dict())))
    assert relu == verdict
    html = Template("{% load signatures %}{% verdict_signatures verdict %}").render(Context({"verdict": relu.en_dict()}))
    assert "valide" in html and "Alix Durand (démo)" in html and "horodatage" in html


def test_platform_seal_is_trusted_by_the_service():
    from justexpert.preuves.sceau import sceau, sceller_pdf

    verdict = signatures.verifier_pdf(sceller_pdf(pdf("Liste")))
    assert verdict.statut == Statut.VALIDE, verdict
    cert = asn1_x509.Certificate.load(sceau().der())
    assert verdict.signatures[0].signataire == cert.subject.native["common_name"]
