"""The platform seal and the sealed human receipts: valid for pyHanko and for poppler's pdfsig."""

from __future__ import annotations

import io
import json

from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader

from justexpert.preuves import accuses, conf, sceau, signatures
from justexpert.preuves.signatures import Statut

from .outils_signature import pdf
from .pdfsig import pdfsig


def racine_du_sceau() -> bytes:
    return sceau.sceau().ancres[0].public_bytes(serialization.Encoding.PEM)


def test_sealed_pdf_is_valid_and_trusted_for_pdfsig():
    scelle = sceau.sceller_pdf(pdf("Convocation"))
    sortie = pdfsig(scelle, racines=[racine_du_sceau()])
    # The seal (signature #1) is valid and trusted; #2 is the archival document timestamp (PAdES
    # B-LTA), which poppler lists without validating it ("Unable to validate this type").
    sceau_pdfsig = sortie.split("Signature #2")[0]
    assert "Signature Validation: Signature is Valid." in sceau_pdfsig
    assert "Certificate Validation: Certificate is Trusted." in sceau_pdfsig
    assert "Signature #2" in sortie and "Signature Type: unknown" in sortie.split("Signature #2")[1]
    assert "Invalid" not in sortie and "Mismatch" not in sortie


def test_sealed_pdf_altered_is_rejected_by_pdfsig_and_the_service():
    scelle = bytearray(sceau.sceller_pdf(pdf("Convocation")))
    position = scelle.index(b"/Producer")  # in the signed range, before the seal's value
    scelle[position + 2] = ord("x")
    assert "Signature Validation: Signature is Valid." not in pdfsig(bytes(scelle), racines=[racine_du_sceau()])
    assert signatures.verifier_pdf(bytes(scelle)).statut == Statut.INVALIDE


def test_seal_is_b_lta_timestamped_by_the_platform_authority():
    verdict = signatures.verifier_pdf(sceau.sceller_pdf(pdf()))
    sig, horodatage_document = verdict.signatures
    assert verdict.statut == Statut.VALIDE
    assert sig.niveau == "PAdES B-LTA" and sig.date_certaine
    assert horodatage_document.champ.startswith("Timestamp-") and horodatage_document.couvre_document


def test_sealing_twice_keeps_both_seals_valid():
    deux = sceau.sceller_pdf(sceau.sceller_pdf(pdf()))
    verdict = signatures.verifier_pdf(deux)
    sceaux = [s for s in verdict.signatures if s.champ.startswith(sceau.NOM_CHAMP)]
    assert verdict.statut == Statut.VALIDE and len(sceaux) == 2


def test_unreachable_authority_still_seals_without_certain_time(settings):
    settings.TSA_URL = "http://127.0.0.1:9/"  # discard port: connection refused
    verdict = signatures.verifier_pdf(sceau.sceller_pdf(pdf()))
    [sig] = verdict.signatures
    assert sig.niveau == "PAdES B-B" and not sig.date_certaine
    assert "heure déclarée" in " ".join(sig.motifs)


def test_receipt_pdf_is_sealed_carries_the_json_receipt_and_the_human_lines(consigner):
    [evenement] = consigner(1)
    contenu = accuses.accuse_pdf(
        evenement, titre="Accusé de dépôt", lignes=[("Dossier", "RG 24/01234"), ("Pièce", "Pré-rapport")], fuseau="Pacific/Noumea"
    )
    verdict = signatures.verifier_pdf(contenu)
    assert verdict.statut == Statut.VALIDE, verdict
    assert "Signature is Valid." in pdfsig(contenu, racines=[racine_du_sceau()])
    lecteur = PdfFileReader(io.BytesIO(contenu))
    fichiers = lecteur.root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert fichiers[0] == "accuse.json"
    joint = json.loads(fichiers[1].get_object()["/EF"]["/F"].get_object().data)
    assert joint["index"] == evenement.index and joint["format"] == "justexpert-accuse/1"
    texte = _texte(contenu)
    assert "Accusé de dépôt" in texte and "RG 24/01234" in texte and "Date certaine" in texte
    assert "non qualifiée" in texte  # read from the token: the built-in authority's policy
    # In words and in the court's time: where to verify it, no provisional notice once timestamped.
    assert "heure de Nouméa" in texte and "UTC" not in texte
    assert "/preuves/verifier/" in texte and "provisoire" not in texte


def test_receipt_pdf_while_the_timestamp_is_pending_says_so_and_names_the_event(db, settings):
    from justexpert.preuves import services as preuves

    settings.SITE_URL = "https://justexpert.example"
    evenement = preuves.enregistrer("test.depot", acteur_ref="a", objet_ref="o", document_sha256="ab" * 32)
    accuses.nommer_evenements({"test.depot": "dépôt d'un document de test"})
    texte = _texte(accuses.accuse_pdf(evenement, titre="Accusé de dépôt", lignes=[("Déposé par", "Alix Durand")]))
    assert "Accusé provisoire : horodatage en attente" in texte and "EN ATTENTE" in texte
    assert "Dépôt d'un document de test" in texte and "Alix Durand" in texte
    assert "https://justexpert.example/preuves/verifier/" in texte
    assert accuses.complets([evenement]) == set()


def _texte(contenu: bytes) -> str:
    import shutil
    import subprocess

    return subprocess.run([shutil.which("pdftotext"), "-", "-"], input=contenu, capture_output=True, check=True).stdout.decode()  # noqa: S603


def test_built_in_authority_answers_rfc3161_over_http_only_without_external_authority(client, settings, db):
    from asn1crypto import tsp
    from django.urls import reverse

    from justexpert.preuves.horodatage import demande

    url = reverse("preuves:horodatage")
    corps = demande(b"document", 42).dump()
    reponse = client.post(url, corps, content_type="application/timestamp-query")
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/timestamp-reply"
    resultat = tsp.TimeStampResp.load(reponse.content)
    assert resultat["status"]["status"].native == "granted"
    assert resultat["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed["nonce"].native == 42
    assert client.post(url, b"x" * 5000, content_type="application/timestamp-query").status_code == 413
    rejet = client.post(url, b"junk", content_type="application/timestamp-query")
    # asn1crypto's TimeStampResp requires a token: read the status-only answer field by field.
    assert tsp.PKIStatusInfo.load(rejet.content[2:])["status"].native == "rejection"
    assert client.post(url, corps, content_type="text/plain").status_code == 415
    assert client.get(url).status_code == 405
    settings.TSA_URL = "https://tsa.example/"
    assert client.post(url, corps, content_type="application/timestamp-query").status_code == 404


def test_seal_keys_are_private_from_creation_even_if_interrupted_before_any_chmod(tmp_path, monkeypatch):
    """Issue 17 item 9: the keys are created 0600, not written with the umask then chmod-ed (a
    crash, or a reader, between the two would find them world-readable)."""
    import os
    from pathlib import Path

    from cryptography import x509

    monkeypatch.setattr(Path, "chmod", lambda *a, **k: None)
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    ancien = os.umask(0o022)
    try:
        sceau._generer_sceau(tmp_path)
        ac = x509.load_pem_x509_certificates((tmp_path / "sceau-ac.pem").read_bytes())[0]
        conf.crl_vide(tmp_path, "sceau-ac.crl", ac, sceau._cle_ac(tmp_path))
    finally:
        os.umask(ancien)
    ecrits = sorted(p.name for p in tmp_path.iterdir())
    assert {"sceau-cle.pem", "sceau-ac-cle.pem", "sceau-certificats.pem", "sceau-ac.crl"} <= set(ecrits)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    for chemin in tmp_path.iterdir():
        assert chemin.stat().st_mode & 0o077 == 0, f"{chemin.name} is readable by others"
