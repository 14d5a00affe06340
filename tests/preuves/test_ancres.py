"""Issue 28: trust anchors published at a fixed path, named by receipts, accepted by the verify
page and by the standalone tool (file or URL); sealed PDFs PAdES B-LTA that stay valid after their
certificates expire (pyHanko's future validation), CRLs served where the certificates say.
Checked against second implementations where there is one (openssl, pdfsig, a real HTTP server)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import functools
import hashlib
import html
import http.server
import io
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.report import AdESPassed, AdESStatus
from pyhanko.sign.validation import ades
from pyhanko.sign.validation.policy_decl import PdfSignatureValidationSpec, SignatureValidationSpec
from pyhanko_certvalidator import policy_decl
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.registry import SimpleTrustManager
from pypdf import PdfReader

from justexpert.preuves import accuses, conf, sceau, services
from justexpert.preuves.verificateur import PreuveInvalide, lire_ancres

from .outils_signature import pdf

OUTIL = Path(__file__).resolve().parents[2] / "tools" / "verifier_accuse.py"
DANS_VINGT_ANS = dt.datetime(2046, 12, 1, tzinfo=dt.UTC)  # after the seal (5 years) and the TSA (10 years)


def test_anchors_document_lists_keys_roots_and_seal_with_fingerprints(client, consigner, monkeypatch):
    retiree = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    monkeypatch.setenv("JUSTEXPERT_PREUVES_CLES_RETIREES", base64.b64encode(retiree).decode())
    consigner(1)  # the first checkpoint records the name the current key signs under
    reponse = client.get("/preuves/ancres.json")
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/json"
    doc = json.loads(reponse.content)
    assert doc["format"] == "justexpert-ancres/1" and doc["adresse"].endswith("/preuves/ancres.json")
    cles = {c["etat"]: c for c in doc["journal"]["cles"]}
    assert base64.b64decode(cles["actuelle"]["cle_publique"]) == conf.cle_publique_journal()
    assert base64.b64decode(cles["retiree"]["cle_publique"]) == retiree
    assert cles["actuelle"]["noms"][0]["origine"] == services.origine_journal()
    racines = [hashlib.sha256(der).hexdigest() for der in conf.tsa_racines()]
    assert [r["empreinte_sha256"] for r in doc["horodatage"]["racines"]] == racines
    assert doc["sceau"]["certificat"]["empreinte_sha256"] == hashlib.sha256(sceau.sceau().der()).hexdigest()
    # Each PEM matches its published fingerprint (read back by the verifier's own parser too).
    for c in [*doc["horodatage"]["racines"], *doc["sceau"]["racines"], doc["sceau"]["certificat"]]:
        der = x509.load_pem_x509_certificate(c["pem"].encode()).public_bytes(Encoding.DER)
        assert hashlib.sha256(der).hexdigest() == c["empreinte_sha256"]
    lues = lire_ancres(reponse.content)
    assert lues.cles == {conf.cle_publique_journal(): "actuelle", retiree: "retiree"}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")
def test_openssl_reads_the_published_roots_and_crls_as_published(client, tmp_path, db):
    doc = json.loads(client.get("/preuves/ancres.json").content)
    racine = doc["horodatage"]["racines"][0]
    (tmp_path / "racine.pem").write_text(racine["pem"])
    sortie = subprocess.run(
        ["openssl", "x509", "-in", str(tmp_path / "racine.pem"), "-noout", "-fingerprint", "-sha256"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sortie.split("=", 1)[1].strip().replace(":", "").lower() == racine["empreinte_sha256"]
    for nom, url in (("sceau", "/preuves/ancres/sceau-ac.crl"), ("horodatage", "/preuves/ancres/horodatage-ac.crl")):
        reponse = client.get(url)
        assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pkix-crl"
        (tmp_path / f"{nom}.crl").write_bytes(reponse.content)
        texte = subprocess.run(
            ["openssl", "crl", "-inform", "DER", "-in", str(tmp_path / f"{nom}.crl"), "-noout", "-text"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "No Revoked Certificates" in texte


def test_the_seal_certificate_names_the_crl_the_platform_serves(client, settings):
    point = sceau.sceau().certificat.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    [url] = [n.value for n in point[0].full_name]
    assert url.endswith("/preuves/ancres/sceau-ac.crl")
    crl = x509.load_der_x509_crl(client.get(url.removeprefix(settings.SITE_URL)).content)
    assert crl.is_signature_valid(sceau.sceau().ancres[0].public_key())


def test_anchors_page_speaks_words(client, db):
    texte = html.unescape(client.get("/preuves/ancres/").content.decode())
    assert "Ancres de confiance" in texte and "en usage" in texte and "cette adresse ne changera pas" in texte
    assert "T00:00" not in texte and "Z</td>" not in texte  # dates for people, not ISO 8601


def test_receipts_name_the_anchors_they_rely_on(consigner):
    [evenement] = consigner(1)
    recu = services.accuse(evenement)
    assert recu["ancres"]["adresse"].endswith("/preuves/ancres.json")
    assert recu["ancres"]["cle_journal"] == recu["point_de_controle"]["empreinte_cle"]
    assert recu["ancres"]["racines_horodatage"] == [hashlib.sha256(d).hexdigest() for d in conf.tsa_racines()]
    document = accuses.accuse_pdf(evenement, titre="Accusé", lignes=[], fuseau="Europe/Paris")
    attache = json.loads(PdfReader(io.BytesIO(document)).attachments["accuse.json"][0])
    assert attache["ancres"] == recu["ancres"]


def _outil(tmp_path: Path, recu: dict, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "accuse.json").write_text(json.dumps(recu))
    return subprocess.run(
        [sys.executable, "-I", str(OUTIL), str(tmp_path / "accuse.json"), *args], capture_output=True, text=True, check=False
    )


def test_tool_trusts_the_anchors_from_a_file_or_an_address(consigner, tmp_path, client):
    [evenement] = consigner(1)
    recu = services.accuse(evenement)
    (tmp_path / "ancres.json").write_bytes(client.get("/preuves/ancres.json").content)
    (tmp_path / "document").write_bytes(b"contenu")  # the one consigner records
    fichier = _outil(tmp_path, recu, "--document", str(tmp_path / "document"), "--ancres", str(tmp_path / "ancres.json"))
    assert fichier.returncode == 0, fichier.stdout + fichier.stderr
    assert "tout est prouvé" in fichier.stdout and "la clé actuelle du journal" in fichier.stdout

    # The same document fetched over HTTP from a real server.
    gestionnaire = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), gestionnaire)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    try:
        adresse = f"http://127.0.0.1:{serveur.server_address[1]}/ancres.json"
        distant = _outil(tmp_path, recu, "--document", str(tmp_path / "document"), "--ancres", adresse)
    finally:
        serveur.shutdown()
        serveur.server_close()
    assert distant.returncode == 0, distant.stdout + distant.stderr
    assert adresse in distant.stdout


def test_tool_refuses_a_key_the_anchors_do_not_list(consigner, tmp_path, client):
    [evenement] = consigner(1)
    doc = json.loads(client.get("/preuves/ancres.json").content)
    autre = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    from justexpert.preuves.verificateur import empreinte_cle

    doc["journal"]["cles"] = [
        {"cle_publique": base64.b64encode(autre).decode(), "empreinte": empreinte_cle(autre), "etat": "actuelle"}
    ]
    (tmp_path / "ancres.json").write_text(json.dumps(doc))
    resultat = _outil(tmp_path, services.accuse(evenement), "--ancres", str(tmp_path / "ancres.json"))
    assert resultat.returncode == 1 and "n'est PAS parmi les clés du journal" in resultat.stdout
    (tmp_path / "ancres.json").write_text('{"format": "autre"}')
    illisible = _outil(tmp_path, services.accuse(evenement), "--ancres", str(tmp_path / "ancres.json"))
    assert illisible.returncode == 2 and "ancres de confiance" in illisible.stderr


def test_anchors_with_a_tampered_fingerprint_are_refused():
    cle = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    doc = {
        "format": "justexpert-ancres/1",
        "journal": {"cles": [{"cle_publique": base64.b64encode(cle).decode(), "empreinte": "00" * 32, "etat": "actuelle"}]},
        "horodatage": {"racines": []},
    }
    with pytest.raises(PreuveInvalide, match="empreinte"):
        lire_ancres(json.dumps(doc))


def test_verify_page_uses_the_anchors_a_person_kept(client, consigner):
    [evenement] = consigner(1)
    recu = json.dumps(services.accuse(evenement)).encode()
    garde = client.get("/preuves/ancres.json").content

    def envoyer(ancres_fichier: bytes):  # type: ignore[no-untyped-def]
        return client.post(
            "/preuves/verifier/",
            {
                "accuse": SimpleUploadedFile("accuse.json", recu, "application/json"),
                "ancres": SimpleUploadedFile("ancres.json", ancres_fichier, "application/json"),
            },
        )

    bon = envoyer(garde)
    assert bon.context["resume"].verdict in {"valide", "incomplet"}
    assert "le document d'ancres que vous avez fourni" in html.unescape(bon.content.decode())
    mauvais = envoyer(b'{"format": "justexpert-ancres/1"}')
    assert mauvais.status_code == 200 and mauvais.context["resume"] is None
    assert "Ancres illisibles" in html.unescape(mauvais.content.decode())


# --- Sealed PDFs that outlive their certificates ---------------------------------------------------


def _specification() -> PdfSignatureValidationSpec:
    return PdfSignatureValidationSpec(
        signature_validation_spec=SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build([*sceau.ancres_sceau(), *sceau.ancres_horodatage()]),
                revinfo_policy=policy_decl.CertRevTrustPolicy(
                    revocation_checking_policy=policy_decl.REQUIRE_REVINFO,
                    freshness_req_type=policy_decl.FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
                ),
            )
        )
    )


def _dans_vingt_ans(document: bytes):  # type: ignore[no-untyped-def]
    sceau_pdf = PdfFileReader(io.BytesIO(document)).embedded_signatures[0]
    return asyncio.run(
        ades.simulate_future_ades_lta_validation(sceau_pdf, _specification(), future_validation_time=DANS_VINGT_ANS)
    )


def test_a_sealed_receipt_is_still_valid_after_every_certificate_expired(consigner):
    [evenement] = consigner(1)
    document = accuses.accuse_pdf(evenement, titre="Accusé de dépôt", lignes=[], fuseau="Europe/Paris")
    assert sceau.sceau().certificat.not_valid_after_utc < DANS_VINGT_ANS
    assert conf.tsa_integree().certificat.not_valid_after_utc < DANS_VINGT_ANS
    resultat = _dans_vingt_ans(document)
    assert resultat.ades_subindic == AdESPassed.OK, resultat.failure_msg
    assert resultat.best_signature_time <= dt.datetime.now(dt.UTC)


def test_without_validation_data_the_same_seal_would_not_survive():
    """The control: a PAdES B-T seal (what the platform issued before) cannot be validated then."""
    s = sceau.sceau()
    meta = signers.PdfSignatureMetadata(
        field_name="SceauJustexpert", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    sortie = io.BytesIO()
    asyncio.run(
        signers.PdfSigner(meta, signer=sceau._signataire(s), timestamper=sceau.HorodateurPlateforme()).async_sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf())), output=sortie
        )
    )
    assert _dans_vingt_ans(sortie.getvalue()).ades_subindic.status == AdESStatus.INDETERMINATE


def test_extending_adds_a_document_timestamp_and_keeps_every_earlier_revision():
    scelle = sceau.sceller_pdf(pdf("Convocation"))
    prolonge = sceau.prolonger(scelle)
    assert prolonge.startswith(scelle)  # incremental: the sealed revision is kept byte for byte
    horodatages = PdfFileReader(io.BytesIO(prolonge)).embedded_timestamp_signatures
    assert len(horodatages) == 2
    assert sceau.fin_du_dernier_horodatage(prolonge) == conf.tsa_integree().certificat.not_valid_after_utc
    assert _dans_vingt_ans(prolonge).ades_subindic == AdESPassed.OK


def _generer(dossier: str) -> None:
    conf._tsa_integree.cache_clear()
    conf._tsa_integree(dossier)


def test_processes_starting_together_share_one_consistent_authority(tmp_path):
    """Test workers and server processes share the data folder: the built-in authority's CA key, its
    certificates and its CRL come from one generation, or the CRL would not verify (and sealed PDFs
    would lack revocation data)."""
    import multiprocessing

    contexte = multiprocessing.get_context("fork")
    processus = [contexte.Process(target=_generer, args=(str(tmp_path),)) for _ in range(4)]
    for p in processus:
        p.start()
    for p in processus:
        p.join(60)
        assert p.exitcode == 0
    conf._tsa_integree.cache_clear()
    tsa = conf._tsa_integree(str(tmp_path))
    from cryptography.hazmat.primitives import serialization

    cle_ac = serialization.load_pem_private_key((tmp_path / "tsa-integree-ac-cle.pem").read_bytes(), password=None)
    assert cle_ac.public_key() == tsa.ac.public_key()
    tsa.certificat.verify_directly_issued_by(tsa.ac)
    conf._tsa_integree.cache_clear()
