"""RFC 3161 timestamps: client for the configured authority, and the built-in development authority.

Protects against: trusting a token that is not over our data, not an answer to our request
(nonce), not signed by a timestamping certificate, or signed outside that certificate's validity
(every token is checked by verificateur.verifier_jeton before it is stored).

Does not protect against: a dishonest authority. The built-in authority is for development and
demonstration only: its time is the server's clock and it is labelled "non qualifiée" wherever
shown. When the authority cannot be reached, nothing is invented: the caller records the
checkpoint as "horodatage en attente" and a task retries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from . import conf
from .verificateur import PreuveInvalide, verifier_jeton

# Policy OID of the built-in authority, under the private arc reserved by the project for
# documentation-only identifiers (not a qualified policy).
POLITIQUE_INTEGREE = "1.3.6.1.4.1.58279.1.1"


class HorodatageIndisponible(Exception):
    """The authority could not be reached or answered something unusable; retry later."""


@dataclass(frozen=True)
class Jeton:
    der: bytes
    nonce: int
    date: dt.datetime
    autorite: str
    qualifie: bool
    certificats: list[bytes]


def demande(donnees: bytes, nonce: int) -> tsp.TimeStampReq:
    return tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(donnees).digest(),
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )


def horodater(donnees: bytes) -> Jeton:
    """A checked timestamp token over `donnees` from the configured authority."""
    nonce = secrets.randbits(63)
    requete = demande(donnees, nonce)
    url = conf.tsa_url()
    if url:
        reponse = _demander(url, requete)
        ac = conf.tsa_ac()
        autres: list[bytes] = []
    else:
        tsa = conf.tsa_integree()
        reponse = repondre(requete, tsa)
        ac = [tsa.ac.public_bytes(serialization.Encoding.DER)]
        autres = ac
    statut = reponse["status"]["status"].native
    if statut not in ("granted", "granted_with_mods"):
        raise HorodatageIndisponible(f"l'autorité a refusé la demande ({statut})")
    der = reponse["time_stamp_token"].dump()
    try:
        resultat = verifier_jeton(der, donnees, nonce=nonce, certificats=autres, ac=ac)
    except PreuveInvalide as exc:
        raise HorodatageIndisponible(f"jeton refusé : {exc}") from None
    signe = reponse["time_stamp_token"]["content"]
    certificats = [c.chosen.dump() for c in (signe["certificates"] or []) if c.name == "certificate"]
    certificats += [c for c in autres if c not in certificats]
    return Jeton(
        der=der, nonce=nonce, date=resultat.date, autorite=conf.tsa_nom(), qualifie=conf.tsa_qualifiee(), certificats=certificats
    )


def _demander(url: str, requete: tsp.TimeStampReq) -> tsp.TimeStampResp:
    if not url.startswith(("https://", "http://")):
        raise HorodatageIndisponible("TSA_URL doit être une adresse http(s)")
    http = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=requete.dump(), headers={"Content-Type": "application/timestamp-query"}, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=conf.tsa_delai()) as reponse:  # noqa: S310
            if reponse.headers.get_content_type() != "application/timestamp-reply":
                raise HorodatageIndisponible("réponse de l'autorité d'un type inattendu")
            corps = reponse.read(1 << 20)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise HorodatageIndisponible(f"autorité injoignable ({type(exc).__name__})") from None
    try:
        resultat = tsp.TimeStampResp.load(corps)
        resultat["status"]["status"].native  # noqa: B018 (forces parsing)
    except (ValueError, TypeError) as exc:
        raise HorodatageIndisponible(f"réponse illisible ({type(exc).__name__})") from None
    return resultat


def repondre(requete: tsp.TimeStampReq, tsa: conf.TsaIntegree) -> tsp.TimeStampResp:
    """The built-in authority: sign a TSTInfo for the request with ECDSA P-256 / SHA-256."""
    if requete["message_imprint"]["hash_algorithm"]["algorithm"].native != "sha256":
        return tsp.TimeStampResp({"status": {"status": "rejection", "fail_info": {"bad_alg"}}})
    cert = asn1_x509.Certificate.load(tsa.certificat.public_bytes(serialization.Encoding.DER))
    ac = asn1_x509.Certificate.load(tsa.ac.public_bytes(serialization.Encoding.DER))
    maintenant = dt.datetime.now(dt.UTC).replace(microsecond=0)
    info = {
        "version": "v1",
        "policy": POLITIQUE_INTEGREE,
        "message_imprint": requete["message_imprint"],
        "serial_number": secrets.randbits(63),
        "gen_time": maintenant,
        "accuracy": {"seconds": 1},
        "tsa": asn1_x509.GeneralName(name="directory_name", value=cert.subject),
    }
    if requete["nonce"].native is not None:
        info["nonce"] = requete["nonce"]
    tst_der = tsp.TSTInfo(info).dump()
    attributs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": core.UTCTime(maintenant)})]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(tst_der).digest()]}),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [
                        tsp.SigningCertificateV2(
                            {
                                "certs": [
                                    {"hash_algorithm": {"algorithm": "sha256"}, "cert_hash": hashlib.sha256(cert.dump()).digest()}
                                ]
                            }
                        )
                    ],
                }
            ),
        ]
    )
    signature = tsa.cle.sign(attributs.dump(), ec.ECDSA(hashes.SHA256()))
    signataire = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {"issuer_and_serial_number": {"issuer": cert.issuer, "serial_number": cert.serial_number}}
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": attributs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            "signature": signature,
        }
    )
    certificats = [cert, ac] if requete["cert_req"].native else []
    jeton = cms.ContentInfo(
        {
            "content_type": "signed_data",
            "content": cms.SignedData(
                {
                    "version": "v3",
                    "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
                    "encap_content_info": {"content_type": "tst_info", "content": cms.ParsableOctetString(tst_der)},
                    "certificates": certificats,
                    "signer_infos": [signataire],
                }
            ),
        }
    )
    return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": jeton})
