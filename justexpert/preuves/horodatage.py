"""RFC 3161 timestamps: client for the configured authority, and the built-in development authority.

Protects against: trusting a token that is not over our data, not an answer to our request
(nonce), not signed by a timestamping certificate, signed outside that certificate's validity,
issued by a certificate that does not chain through real CAs to the configured roots (path
validated by cryptography's validator at this server's clock), or dated further from this
server's clock than JUSTEXPERT_TSA_TOLERANCE_SECONDES (a rogue or broken authority back-dating
evidence). Every token, for checkpoints and for seals, is checked by ``controler_reponse`` before
it is used; with no trusted root configured, every token is refused. The URL may be plain HTTP:
the token's signature and chain, not the transport, are what is trusted.

Does not protect against: a dishonest authority that holds a certificate under a trusted root and
answers a time within the tolerance. The built-in authority is for development and demonstration
only: its time is the server's clock and it is labelled "non qualifiée" wherever shown. When the
authority cannot be reached or its token is refused, nothing is invented: the caller records the
checkpoint as "horodatage en attente", a task retries, and the alert task reports a refusal.
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

from justexpert.lib.temps import maintenant

from . import conf
from .verificateur import POLITIQUE_INTEGREE, Horodatage, PreuveInvalide, ecart_admis, verifier_jeton

__all__ = ["POLITIQUE_INTEGREE", "HorodatageIndisponible", "Jeton", "JetonRefuse", "controler_reponse", "horodater"]

# The built-in authority's policy OID (under the project's private arc, documentation-only: not a
# qualified policy) is defined in verificateur.py, which the offline tool shares.

PREFIXE_REFUS = "jeton refusé"


class HorodatageIndisponible(Exception):
    """The authority could not be reached or answered something unusable; retry later."""


class JetonRefuse(HorodatageIndisponible):
    """The authority answered a token that fails the checks (signature, chain, time): retry later,
    and the alert task reports it at once (a rogue or misconfigured authority, or a clock adrift)."""

    def __init__(self, raison: str) -> None:
        super().__init__(f"{PREFIXE_REFUS} : {raison}")


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


def horodater(donnees: bytes, *, pas_avant: dt.datetime | None = None) -> Jeton:
    """A checked timestamp token over `donnees` from the configured authority. `pas_avant`: the
    time the data claims (a checkpoint's time line); a token dated before it, beyond the token's
    accuracy, is refused (the offline verifier would call it back-dated)."""
    nonce = secrets.randbits(63)
    requete = demande(donnees, nonce)
    url = conf.tsa_url()
    if url:
        reponse = _demander(url, requete)
        autres: list[bytes] = []
    else:
        tsa = conf.tsa_integree()
        reponse = repondre(requete, tsa)
        autres = [tsa.ac.public_bytes(serialization.Encoding.DER)]
    resultat = controler_reponse(reponse, requete, autres=autres)
    if pas_avant is not None and resultat.date + ecart_admis(resultat) < pas_avant:
        raise JetonRefuse(
            f"le jeton est daté du {resultat.date.isoformat()}, avant les données horodatées ({pas_avant.isoformat()})"
        )
    signe = reponse["time_stamp_token"]["content"]
    certificats = [c.chosen.dump() for c in (signe["certificates"] or []) if c.name == "certificate"]
    certificats += [c for c in autres if c not in certificats]
    return Jeton(
        der=reponse["time_stamp_token"].dump(),
        nonce=nonce,
        date=resultat.date,
        autorite=conf.tsa_nom(),
        qualifie=conf.tsa_qualifiee(),
        certificats=certificats,
    )


def controler_reponse(reponse: tsp.TimeStampResp, requete: tsp.TimeStampReq, *, autres: list[bytes] | None = None) -> Horodatage:
    """Every check a token must pass when it arrives, for checkpoints and seals alike: granted,
    over the request's imprint and nonce, signed, its certificate chaining to the configured roots
    through a path valid now (this server's clock), and dated within the tolerance of that clock.
    Raises HorodatageIndisponible (JetonRefuse when a token came but is refused)."""
    statut = reponse["status"]["status"].native
    if statut not in ("granted", "granted_with_mods"):
        raise HorodatageIndisponible(f"l'autorité a refusé la demande ({statut})")
    racines = conf.tsa_racines()
    if not racines:
        raise JetonRefuse("aucune racine de confiance n'est configurée pour l'autorité d'horodatage (JUSTEXPERT_TSA_AC_FILE)")
    ici = maintenant()
    try:
        resultat = verifier_jeton(
            reponse["time_stamp_token"].dump(),
            None,
            empreinte=requete["message_imprint"]["hashed_message"].native,
            nonce=requete["nonce"].native,
            certificats=autres or [],
            ac=racines,
            moment=ici,
        )
    except PreuveInvalide as exc:
        raise JetonRefuse(str(exc)) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise JetonRefuse(f"réponse illisible ({type(exc).__name__})") from None
    tolerance = conf.tsa_tolerance()
    if abs(resultat.date - ici) > tolerance:
        raise JetonRefuse(
            f"le jeton est daté du {resultat.date.isoformat()}, à plus de {int(tolerance.total_seconds())} s de l'horloge "
            f"de ce serveur ({ici.isoformat()}) : autorité ou horloge à vérifier"
        )
    return resultat


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


def repondre(requete: tsp.TimeStampReq, tsa: conf.TsaIntegree, *, le: dt.datetime | None = None) -> tsp.TimeStampResp:
    """The built-in authority: sign a TSTInfo for the request with ECDSA P-256 / SHA-256, dated now
    (or `le`: tests build tokens at chosen times; the platform never does), with the signer's
    certificate and its issuer `tsa.ac` when certificates are requested."""
    if requete["message_imprint"]["hash_algorithm"]["algorithm"].native != "sha256":
        return tsp.TimeStampResp({"status": {"status": "rejection", "fail_info": {"bad_alg"}}})
    cert = asn1_x509.Certificate.load(tsa.certificat.public_bytes(serialization.Encoding.DER))
    ac = asn1_x509.Certificate.load(tsa.ac.public_bytes(serialization.Encoding.DER))
    instant = (le or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    info = {
        "version": "v1",
        "policy": POLITIQUE_INTEGREE,
        "message_imprint": requete["message_imprint"],
        "serial_number": secrets.randbits(63),
        "gen_time": instant,
        "accuracy": {"seconds": 1},
        "tsa": asn1_x509.GeneralName(name="directory_name", value=cert.subject),
    }
    if requete["nonce"].native is not None:
        info["nonce"] = requete["nonce"]
    tst_der = tsp.TSTInfo(info).dump()
    attributs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": core.UTCTime(instant)})]}),
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
