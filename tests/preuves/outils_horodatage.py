"""Timestamp authorities for the tests: a good one under its own root, and forged ones whose chain
breaks one rule of RFC 5280 / RFC 3161 each (issue 17 item 1), plus the HTTP endpoint, receipts
carrying their tokens, and `openssl ts -verify` as a second implementation.

Keys are derived from fixed numbers (deterministic); certificates are built with `cryptography`.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.server
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from justexpert.preuves import conf, horodatage

DEBUT = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
FIN = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)
TS = ExtendedKeyUsageOID.TIME_STAMPING
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


def _cle(numero: int) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(0x5EED0000 + numero, ec.SECP256R1())


def _nom(cn: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Essai Justexpert"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )


USAGE_AC = x509.KeyUsage(False, False, False, False, False, True, True, False, False)  # keyCertSign, cRLSign
USAGE_SIGNATURE = x509.KeyUsage(True, True, False, False, False, False, False, False, False)  # digitalSignature, nonRepudiation


def certificat(
    cn: str,
    cle: ec.EllipticCurvePrivateKey,
    emetteur: tuple[str, ec.EllipticCurvePrivateKey] | None = None,
    *,
    serie: int,
    ca: bool | None = None,
    longueur: int | None = None,
    usage: x509.KeyUsage | None = None,
    usage_etendu: list[x509.ObjectIdentifier] | None = None,
    etendu_critique: bool = True,
    debut: dt.datetime = DEBUT,
    fin: dt.datetime = FIN,
) -> x509.Certificate:
    """`ca=None`: no basicConstraints at all."""
    nom_emetteur, cle_emetteur = emetteur or (cn, cle)
    b = (
        x509.CertificateBuilder()
        .subject_name(_nom(cn))
        .issuer_name(_nom(nom_emetteur))
        .public_key(cle.public_key())
        .serial_number(serie)
        .not_valid_before(debut)
        .not_valid_after(fin)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(cle_emetteur.public_key()), critical=False)
    )
    if ca is not None:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=longueur if ca else None), critical=True)
    if usage is not None:
        b = b.add_extension(usage, critical=True)
    if usage_etendu is not None:
        b = b.add_extension(x509.ExtendedKeyUsage(usage_etendu), critical=etendu_critique)
    return b.sign(cle_emetteur, hashes.SHA256())


@dataclass(frozen=True)
class Pki:
    """A root, the certificates between it and the authority, and the authority itself."""

    racine: x509.Certificate
    intermediaires: tuple[x509.Certificate, ...]
    tsa: conf.TsaIntegree  # signing key, certificate, and its issuer (sent in the token)

    def racine_pem(self) -> bytes:
        return self.racine.public_bytes(PEM)

    def chaine_pem(self) -> bytes:
        """The authority's certificate and the intermediates: what `openssl ts -verify -untrusted` takes."""
        return b"".join(c.public_bytes(PEM) for c in (self.tsa.certificat, *self.intermediaires))

    def certificats_der(self) -> list[bytes]:
        return [c.public_bytes(DER) for c in (self.tsa.certificat, *self.intermediaires)]


def pki(genre: str) -> Pki:
    """ "bonne": root → intermediate → authority, all as RFC 5280 and RFC 3161 want. Each other
    kind breaks one rule (the audit's is "emise_par_entite_finale": an expert's card, CA:FALSE
    under the trusted root, issuing a timestamping certificate)."""
    racine_cle, inter_cle, tsa_cle = _cle(1), _cle(2), _cle(3)
    racine = certificat(
        "Racine d'essai", racine_cle, serie=1, ca=True, longueur=0 if genre == "longueur_depassee" else None, usage=USAGE_AC
    )
    parent = ("Racine d'essai", racine_cle)
    inter: x509.Certificate | None = None
    nom_inter = {
        "emise_par_entite_finale": "Carte d'expert d'essai",
        "sans_drapeau_ac": "AC sans drapeau d'essai",
        "sans_keycertsign": "AC sans keyCertSign d'essai",
    }.get(genre, "AC intermédiaire d'essai")
    if genre in ("bonne", "longueur_depassee", "intermediaire_expire"):
        inter = certificat(
            nom_inter,
            inter_cle,
            parent,
            serie=2,
            ca=True,
            usage=USAGE_AC,
            fin=dt.datetime.now(dt.UTC) - dt.timedelta(days=1) if genre == "intermediaire_expire" else FIN,
        )
    elif genre == "emise_par_entite_finale":
        inter = certificat(
            nom_inter,
            inter_cle,
            parent,
            serie=2,
            ca=False,
            usage=USAGE_SIGNATURE,
            usage_etendu=[ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION],
            etendu_critique=False,
        )
    elif genre == "sans_drapeau_ac":
        inter = certificat(nom_inter, inter_cle, parent, serie=2, ca=False, usage=USAGE_AC)
    elif genre == "sans_keycertsign":
        inter = certificat(nom_inter, inter_cle, parent, serie=2, ca=True, usage=USAGE_SIGNATURE)
    if inter is not None:
        parent = (nom_inter, inter_cle)
    usages = {"eku_en_plus": [TS, ExtendedKeyUsageOID.CLIENT_AUTH]}.get(genre, [TS])
    tsa = certificat(
        "Autorité d'horodatage d'essai",
        tsa_cle,
        parent,
        serie=3,
        ca=False,
        usage=USAGE_SIGNATURE,
        usage_etendu=usages,
        etendu_critique=genre != "eku_non_critique",
    )
    return Pki(racine, (inter,) if inter else (), conf.TsaIntegree(cle=tsa_cle, certificat=tsa, ac=inter or racine))


GENRES_FORGES = [
    "emise_par_entite_finale",
    "sans_drapeau_ac",
    "sans_keycertsign",
    "longueur_depassee",
    "intermediaire_expire",
    "eku_non_critique",
    "eku_en_plus",
]


def jeton(p: Pki, donnees: bytes, nonce: int, le: dt.datetime | None = None) -> bytes:
    reponse = horodatage.repondre(horodatage.demande(donnees, nonce), p.tsa, le=le)
    return reponse["time_stamp_token"].dump()


def accuse_avec_jeton(accuse: dict, p: Pki, le: dt.datetime | None = None, nonce: int = 4242) -> dict:
    """A receipt whose checkpoint carries a token of `p` over its note (as if that authority answered)."""
    note = accuse["point_de_controle"]["note"].encode()
    return {
        **accuse,
        "horodatage": {
            "statut": "fait",
            "libelle": "horodaté",
            "jeton": base64.b64encode(jeton(p, note, nonce, le)).decode(),
            "nonce": nonce,
            "certificats": [base64.b64encode(c).decode() for c in p.certificats_der()],
        },
    }


def openssl_ts_verify(dossier: Path, p: Pki, jeton_der: bytes, donnees: bytes) -> subprocess.CompletedProcess:
    """`openssl ts -verify` on the same token: the second, independent implementation."""
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / "jeton.der").write_bytes(jeton_der)
    (dossier / "racine.pem").write_bytes(p.racine_pem())
    (dossier / "chaine.pem").write_bytes(p.chaine_pem())
    (dossier / "donnees").write_bytes(donnees)
    commande = ["openssl", "ts", "-verify", "-token_in", "-in", str(dossier / "jeton.der"), "-data", str(dossier / "donnees")]
    commande += ["-CAfile", str(dossier / "racine.pem"), "-untrusted", str(dossier / "chaine.pem")]
    return subprocess.run(commande, capture_output=True, text=True, check=False)


@contextmanager
def autorite_http(p: Pki, le: dt.datetime | None = None) -> Iterator[str]:
    """An RFC 3161 authority over plain HTTP answering with `p`'s key (dated `le`, default now)."""

    class Gestionnaire(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            requete = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            corps = horodatage.repondre(requete, p.tsa, le=le).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(corps)))
            self.end_headers()
            self.wfile.write(corps)

        def log_message(self, *args):
            pass

    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gestionnaire)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    try:
        yield f"http://127.0.0.1:{serveur.server_address[1]}/tsa"
    finally:
        serveur.shutdown()
        serveur.server_close()
        fil.join()
