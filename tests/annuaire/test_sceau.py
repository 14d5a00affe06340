"""The exported annual list carries the platform seal, valid for poppler's pdfsig."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization

from justexpert.annuaire import exports
from justexpert.preuves import sceau, signatures
from tests.preuves.pdfsig import pdfsig

from .test_import_export import liste_publiee  # noqa: F401 (fixture)


def test_exported_list_is_sealed_and_valid_for_pdfsig(liste_publiee, orgs):  # noqa: F811
    contenu = exports.liste_pdf(orgs["PARIS"], 2026)
    racine = sceau.sceau().ancres[0].public_bytes(serialization.Encoding.PEM)
    sortie = pdfsig(contenu, racines=[racine])
    assert "Signature Validation: Signature is Valid." in sortie
    assert "Certificate Validation: Certificate is Trusted." in sortie
    verdict = signatures.verifier_pdf(contenu)
    assert verdict.statut == signatures.Statut.VALIDE, verdict
    assert verdict.signatures[0].niveau == "PAdES B-LTA"
