"""RFC 3161: the built-in authority, the client, token checks, and the pending-then-retry path."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import subprocess
import threading
import uuid

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from justexpert.preuves import conf, horodatage, services
from justexpert.preuves.models import PointDeControle, StatutHorodatage
from justexpert.preuves.verificateur import PreuveInvalide, verifier_accuse, verifier_jeton

DONNEES = b"point de controle de test\n"


@pytest.fixture
def jeton(settings):
    settings.TSA_URL = ""
    return horodatage.horodater(DONNEES)


def test_builtin_authority_certificate_has_critical_timestamping_usage_only(settings):
    tsa = conf.tsa_integree()
    eku = tsa.certificat.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical
    assert list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert "non qualifiée" in tsa.certificat.subject.rfc4514_string()


def test_token_is_checked_for_imprint_nonce_and_signature(jeton):
    resultat = verifier_jeton(jeton.der, DONNEES, nonce=jeton.nonce)
    assert abs(resultat.date - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert jeton.qualifie is False
    with pytest.raises(PreuveInvalide, match="autres données"):
        verifier_jeton(jeton.der, DONNEES + b"x")
    with pytest.raises(PreuveInvalide, match="nonce"):
        verifier_jeton(jeton.der, DONNEES, nonce=jeton.nonce + 1)


def test_any_flipped_byte_of_the_signed_parts_is_rejected(jeton):
    """TSTInfo, signed attributes, signature and the authority's certificate: every byte counts."""
    from asn1crypto import cms

    signe = cms.ContentInfo.load(jeton.der)["content"]
    signataire = signe["signer_infos"][0]
    parties = [
        signe["encap_content_info"]["content"].contents,
        signataire["signed_attrs"].dump(),
        signataire["signature"].native,
        conf.tsa_integree().certificat.public_bytes(serialization.Encoding.DER),
    ]
    for partie in parties:
        debut = jeton.der.index(partie)
        for position in range(debut, debut + len(partie), 3):
            altere = bytearray(jeton.der)
            altere[position] ^= 0x01
            with pytest.raises(PreuveInvalide):
                verifier_jeton(bytes(altere), DONNEES, nonce=jeton.nonce)


def test_token_outside_certificate_validity_is_rejected(settings, monkeypatch):
    tsa = conf.tsa_integree()
    requete = horodatage.demande(DONNEES, 7)
    futur = tsa.certificat.not_valid_after_utc + dt.timedelta(days=1)

    class Horloge(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return futur

    monkeypatch.setattr(horodatage.dt, "datetime", Horloge)
    reponse = horodatage.repondre(requete, tsa)
    monkeypatch.undo()
    with pytest.raises(PreuveInvalide, match="pas valide"):
        verifier_jeton(reponse["time_stamp_token"].dump(), DONNEES, nonce=7)


def test_token_verifies_with_openssl_ts_verify(jeton, tmp_path):
    tsa = conf.tsa_integree()
    (tmp_path / "jeton.der").write_bytes(jeton.der)
    (tmp_path / "ac.pem").write_bytes(tsa.ac.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "tsa.pem").write_bytes(tsa.certificat.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "donnees").write_bytes(DONNEES)
    commande = [
        "openssl",
        "ts",
        "-verify",
        "-token_in",
        "-in",
        str(tmp_path / "jeton.der"),
        "-CAfile",
        str(tmp_path / "ac.pem"),
        "-untrusted",
        str(tmp_path / "tsa.pem"),
    ]
    resultat = subprocess.run([*commande, "-data", str(tmp_path / "donnees")], capture_output=True, text=True, check=False)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "Verification: OK" in resultat.stdout
    (tmp_path / "autres").write_bytes(DONNEES + b"x")
    resultat = subprocess.run([*commande, "-data", str(tmp_path / "autres")], capture_output=True, text=True, check=False)
    assert resultat.returncode != 0


class _Autorite(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        requete = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        corps = horodatage.repondre(requete, conf.tsa_integree()).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(corps)))
        self.end_headers()
        self.wfile.write(corps)

    def log_message(self, *args):
        pass


@pytest.fixture
def autorite_http():
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Autorite)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{serveur.server_address[1]}/tsa"
    serveur.shutdown()
    serveur.server_close()
    fil.join()


def test_client_gets_a_checked_token_from_a_configured_authority(settings, autorite_http, monkeypatch):
    racine = conf.tsa_integree().ac.public_bytes(serialization.Encoding.PEM)  # generated before the request
    settings.TSA_URL = autorite_http
    monkeypatch.setenv("JUSTEXPERT_TSA_AC", racine.decode())
    jeton = horodatage.horodater(DONNEES)
    assert jeton.autorite == "127.0.0.1:" + autorite_http.split(":")[2].split("/")[0]
    verifier_jeton(jeton.der, DONNEES, nonce=jeton.nonce)


def test_unreachable_authority_leaves_the_receipt_pending_until_the_retry(settings, consigner):
    settings.TSA_URL = "http://127.0.0.1:9/tsa"  # discard port: connection refused
    (evenement,) = consigner()
    point = PointDeControle.objects.get()
    assert point.statut == StatutHorodatage.EN_ATTENTE
    assert point.jeton is None
    assert point.tentatives == 1
    accuse = services.accuse(evenement)
    assert accuse["horodatage"] == {"statut": "en_attente", "libelle": "horodatage en attente"}
    rapport = verifier_accuse(accuse)
    assert rapport.valide and not rapport.complet
    assert "Horodatage en attente" in rapport.texte()

    from justexpert.preuves.tasks import horodater_en_attente

    assert horodater_en_attente.enqueue().return_value == 0  # still down: stays pending
    settings.TSA_URL = ""
    assert horodater_en_attente.enqueue().return_value == 1
    accuse = services.accuse(evenement)
    assert accuse["horodatage"]["statut"] == "fait"
    assert verifier_accuse(accuse).valide


def test_document_hash_in_receipt_matches_the_event(consigner):
    (evenement,) = consigner(document=b"abc")
    assert services.accuse(evenement)["evenement"]["document_sha256"] == hashlib.sha256(b"abc").hexdigest()
    assert uuid.UUID(services.accuse(evenement)["evenement"]["id"]) == evenement.uuid
