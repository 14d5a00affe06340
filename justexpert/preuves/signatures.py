"""Verification of the signatures carried by deposited documents (PAdES) or deposited with them (CAdES).

Protects against: accepting a signature that does not cover the document as deposited (a changed
byte, bytes appended, content changed in a later revision), by a certificate outside the platform's
trust list (lib.pki), expired or revoked when it signed, with a key not meant for signing, or whose
revocation state cannot be established ("indéterminé", never "valide"). After a signature, only
validation data (DSS), document timestamps and further signatures are accepted: each later
revision is reviewed on its own with pyHanko's modification analysis.

Does not protect against: a compromised trusted authority, nor decide who may sign what. Whether
the signer is the person expected is the owning module's question: it passes the certificate
registered to the depositor (``signe_par``). preuves stores nothing here: the verdict is a plain
dataclass, serialisable (``en_dict`` / ``depuis_dict``), that the owning module keeps with the
document and shows with ``{% verdict_signatures verdict %}``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hashlib
import io
import re
from dataclasses import asdict, dataclass, field, replace

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import (
    KeyUsageConstraints,
    async_validate_detached_cms,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel, StandardCMSSignatureStatus
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.errors import ValidationError as CertvalidatorError

from justexpert.lib import pki

from . import sceau


class Statut(enum.StrEnum):
    VALIDE = "valide"
    INVALIDE = "invalide"
    INDETERMINE = "indetermine"
    NON_SIGNE = "non_signe"


LIBELLES = {
    Statut.VALIDE: "valide",
    Statut.INVALIDE: "invalide",
    Statut.INDETERMINE: "indéterminé",
    Statut.NON_SIGNE: "non signé",
}

# A signer's key must allow signing: digitalSignature or nonRepudiation (contentCommitment).
USAGES = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


@dataclass
class Signature:
    statut: Statut
    signataire: str = ""
    certificat_sha256: str = ""  # hex SHA-256 of the signer's certificate (DER)
    date: str | None = None  # ISO 8601 UTC
    date_certaine: bool = False  # True: from a trusted timestamp; False: claimed by the signer
    nature: str = "signature"  # "signature", "horodatage" (document timestamp), "cades"
    niveau: str = ""  # PAdES B-B, B-T, B-LT, B-LTA / CAdES
    champ: str = ""
    couvre_document: bool = False
    motifs: list[str] = field(default_factory=list)

    @property
    def libelle(self) -> str:
        return LIBELLES[self.statut]


@dataclass
class Verdict:
    statut: Statut
    format: str  # "pades", "cades", "aucun"
    signatures: list[Signature] = field(default_factory=list)
    motifs: list[str] = field(default_factory=list)
    verifie_le: str = ""
    document_sha256: str = ""
    signataire_attendu: str | None = None  # hex SHA-256 of the certificate required, if any

    @property
    def libelle(self) -> str:
        return LIBELLES[self.statut]

    def en_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def depuis_dict(cls, donnees: dict) -> Verdict:
        signatures = [Signature(**{**s, "statut": Statut(s["statut"])}) for s in donnees.get("signatures", [])]
        return cls(**{**donnees, "statut": Statut(donnees["statut"]), "signatures": signatures})


def _maintenant() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def nom(cert: asn1_x509.Certificate) -> str:
    """The signer's name as shown: the certificate's common name (else its full subject)."""
    sujet = cert.subject.native
    return str(sujet.get("common_name") or pki.nom_lisible(cert.subject))


def _pire(statuts: list[Statut]) -> Statut:
    if not statuts:
        return Statut.NON_SIGNE
    if Statut.INVALIDE in statuts:
        return Statut.INVALIDE
    if Statut.INDETERMINE in statuts:
        return Statut.INDETERMINE
    return Statut.VALIDE


# --- Validation contexts -------------------------------------------------------------------------


@dataclass
class Contextes:
    signataire: ValidationContext
    horodatage: ValidationContext


def contextes(
    *,
    autres: list[asn1_x509.Certificate] | None = None,
    crls: list[asn1_crl.CertificateList] | None = None,
    ocsps: list[asn1_ocsp.OCSPResponse] | None = None,
    moment: dt.datetime | None = None,
) -> Contextes:
    """The platform's trust settings: lib.pki's trust list plus our own seal, revocation required.

    Timestamp tokens are checked against the configured authority's roots; their revocation is
    checked when information is available ("soft-fail"): the authority is the platform's own
    choice, and the built-in development one publishes no CRL.
    """
    racines = [*pki.ancres(), *sceau.ancres_sceau()]
    listes = [*pki.crls_locales(), *sceau.crls_sceau(), *(crls or [])]
    signataire = pki.contexte_validation(
        racines=racines, autres=autres or [], crls=listes, ocsps=ocsps or [], moment=moment, retroactif=moment is not None
    )
    horodatage = ValidationContext(
        trust_roots=[*sceau.ancres_horodatage(), *racines],
        other_certs=[*sceau.certificats_horodatage(), *pki.intermediaires(), *(autres or [])],
        crls=listes,
        ocsps=ocsps or [],
        allow_fetching=signataire.fetching_allowed,
        revocation_mode="soft-fail",
    )
    return Contextes(signataire, horodatage)


def _donnees_dss(reader: PdfFileReader) -> dict | None:
    """Validation data embedded in the PDF (B-LT/B-LTA), used like the platform's own CRLs."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None
    crls = [asn1_crl.CertificateList.load(r.get_object().read_data(DecodePurpose.CRL)) for r in dss.crls]
    ocsps = [asn1_ocsp.OCSPResponse.load(r.get_object().read_data(DecodePurpose.OCSP_RESPONSE)) for r in dss.ocsps]
    return {"autres": list(dss.load_certs()), "crls": crls, "ocsps": ocsps}


# --- Reading a CMS status as a French verdict ---------------------------------------------------

_REVOQUE = {AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE}
_HORS_VALIDITE = {
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    AdESIndeterminate.NOT_YET_VALID,
    AdESFailure.NOT_YET_VALID,
}
_SANS_CHAINE = {
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
    AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE,
    AdESIndeterminate.NO_SIGNING_CERTIFICATE_FOUND,
}
_REVOCATION_INCONNUE = {AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE}


async def _diagnostiquer(
    statut: StandardCMSSignatureStatus, contexte: ValidationContext, certificats: list[asn1_x509.Certificate]
) -> tuple[Statut, str] | None:
    """pyHanko reports several path failures as one AdES code (CERTIFICATE_CHAIN_GENERAL_FAILURE):
    missing revocation data among them. Re-run the path validation to say which, in French."""
    if statut.trusted or statut.trust_problem_indic != AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE:
        return None
    validateur = CertificateValidator(statut.signing_cert, intermediate_certs=certificats, validation_context=contexte)
    try:
        await validateur.async_validate_path()
    except InsufficientRevinfoError:
        return (
            Statut.INDETERMINE,
            "l'état de révocation d'un certificat de la chaîne n'a pas pu être vérifié : à revérifier plus tard",
        )
    except RevokedError:
        return Statut.INVALIDE, "un certificat de l'autorité émettrice a été révoqué"
    except (ExpiredError, NotYetValidError):
        return Statut.INVALIDE, "un certificat de l'autorité émettrice n'était pas en cours de validité"
    except PathBuildingError:
        return Statut.INVALIDE, "le certificat du signataire n'est pas émis par une autorité de confiance"
    except (PathValidationError, CertvalidatorError):
        return Statut.INVALIDE, "la chaîne de certification du signataire n'est pas valide"
    return None


def _lire_statut(statut: StandardCMSSignatureStatus, resultat: Signature, diagnostic: tuple[Statut, str] | None = None) -> None:
    """Fill ``resultat`` (statut, signer, time, reasons) from a pyHanko CMS status."""
    cert = statut.signing_cert
    resultat.signataire = nom(cert)
    resultat.certificat_sha256 = hashlib.sha256(cert.dump()).hexdigest()
    motifs = resultat.motifs
    probleme: Statut | None = None

    if not statut.intact:
        motifs.append("le contenu signé a été modifié après la signature (empreinte différente)")
        probleme = Statut.INVALIDE
    elif not statut.valid:
        motifs.append("la valeur de signature est fausse (signature cryptographique invalide)")
        probleme = Statut.INVALIDE

    ts = statut.timestamp_validity
    date_declaree = statut.signer_reported_dt
    if ts is not None:
        if ts.intact and ts.valid and ts.trusted:
            resultat.date, resultat.date_certaine = _iso(ts.timestamp), True
        elif not (ts.intact and ts.valid):
            motifs.append("le jeton d'horodatage de la signature est invalide")
            probleme = Statut.INVALIDE
        else:
            motifs.append("le jeton d'horodatage vient d'une autorité qui n'est pas reconnue")
            probleme = probleme or Statut.INDETERMINE
    if resultat.date is None:
        resultat.date = _iso(date_declaree)
        if date_declaree is not None:
            motifs.append("heure déclarée par le signataire, non certifiée par un horodatage")

    if statut.intact and statut.valid and not statut.trusted:
        indic = statut.trust_problem_indic
        revocation = statut.revocation_details
        if diagnostic is not None:
            motifs.append(diagnostic[1])
            probleme = Statut.INVALIDE if diagnostic[0] == Statut.INVALIDE else (probleme or diagnostic[0])
        elif indic in _REVOQUE or revocation is not None:
            quand = f" le {_iso(revocation.revocation_date)}" if revocation is not None else ""
            motifs.append(f"le certificat du signataire a été révoqué{quand}")
            probleme = Statut.INVALIDE
        elif indic in _HORS_VALIDITE:
            motifs.append("le certificat du signataire n'était pas en cours de validité (expiré ou pas encore valide)")
            probleme = Statut.INVALIDE
        elif indic in _SANS_CHAINE:
            motifs.append("le certificat du signataire n'est pas émis par une autorité de confiance")
            probleme = Statut.INVALIDE
        elif indic in _REVOCATION_INCONNUE:
            motifs.append("l'état de révocation du certificat n'a pas pu être vérifié : à revérifier plus tard")
            probleme = probleme or Statut.INDETERMINE
        elif indic in (AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE, AdESIndeterminate.SIG_CONSTRAINTS_FAILURE):
            motifs.append("le certificat du signataire n'est pas destiné à la signature (usage de clé)")
            probleme = Statut.INVALIDE
        else:
            code = getattr(indic, "name", "inconnu")
            motifs.append(f"la chaîne de certification n'a pas pu être validée ({code})")
            probleme = probleme or Statut.INDETERMINE
    resultat.statut = probleme or Statut.VALIDE


async def _revalider_a_la_date_certaine(
    statut: StandardCMSSignatureStatus, valider, ctx: Contextes, cadre: dict
) -> StandardCMSSignatureStatus:
    """Point-in-time validation: a certificate that expired (or was revoked) after a trusted
    timestamp did sign while it was valid. Re-validate at the timestamp's time in that case only."""
    ts = statut.timestamp_validity
    indic = statut.trust_problem_indic
    if statut.trusted or ts is None or not (ts.intact and ts.valid and ts.trusted):
        return statut
    if indic not in _HORS_VALIDITE and indic not in _REVOQUE:
        return statut
    cert = statut.signing_cert
    if ts.timestamp >= cert["tbs_certificate"]["validity"]["not_after"].native:
        return statut
    revocation = statut.revocation_details
    if revocation is not None and revocation.revocation_date <= ts.timestamp:
        return statut
    a_la_date = contextes(moment=ts.timestamp, **cadre)  # CRLs issued after the timestamp still count
    return await valider(Contextes(a_la_date.signataire, ctx.horodatage))


# --- PAdES -------------------------------------------------------------------------------------

_FIN = re.compile(rb"startxref\s+(\d+)\s+%%EOF[\r\n\x00\s]*\Z")


def _fin_propre(reader: PdfFileReader, pdf: bytes) -> bool:
    """True when the file ends exactly with its last revision (no bytes appended after it)."""
    fin = _FIN.search(pdf, max(0, len(pdf) - 64))
    if fin is None:
        return False
    dernier = reader.xrefs.total_revisions - 1
    return int(fin.group(1)) == reader.xrefs.get_startxref_for_revision(dernier)


def _revue_des_revisions(reader: PdfFileReader, signatures: list[EmbeddedPdfSignature], debut: int) -> dict[int, str | None]:
    """For each revision after ``debut``: None if acceptable, else the French reason."""
    par_revision: dict[int, set[str]] = {}
    for sig in signatures:
        par_revision.setdefault(sig.signed_revision, set()).add(sig.field_name)
    politique = DEFAULT_DIFF_POLICY
    revue: dict[int, str | None] = {}
    for rev in range(debut + 1, reader.xrefs.total_revisions):
        try:
            diff = politique.apply(reader.get_historical_resolver(rev - 1), reader.get_historical_resolver(rev))
        except (SuspiciousModification, PdfError):
            revue[rev] = "une révision ultérieure modifie le document de façon non autorisée"
            continue
        if rev in par_revision:
            autres_champs = diff.changed_form_fields - par_revision[rev]
            if diff.modification_level > ModificationLevel.FORM_FILLING or autres_champs:
                revue[rev] = "une signature ultérieure s'accompagne d'autres modifications du document"
            else:
                revue[rev] = None
        elif diff.modification_level > ModificationLevel.LTA_UPDATES:
            revue[rev] = "du contenu a été ajouté ou modifié après la signature (révision ultérieure)"
        else:
            revue[rev] = None
    return revue


def _niveau(resultat: Signature, horodatee: bool, dss: bool, horodatage_document: bool) -> str:
    if resultat.nature == "horodatage":
        return "horodatage de document (PAdES)"
    base = "PAdES B-T" if horodatee else "PAdES B-B"
    if base == "PAdES B-T" and dss:
        return "PAdES B-LTA" if horodatage_document else "PAdES B-LT"
    return base


async def async_verifier_pdf(pdf: bytes, *, document_sha256: str = "") -> Verdict:
    verdict = Verdict(Statut.NON_SIGNE, "pades", verifie_le=_maintenant(), document_sha256=document_sha256)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        verdict.statut = Statut.INVALIDE
        verdict.motifs.append(f"le fichier PDF est illisible ({type(exc).__name__})")
        return verdict
    if not signatures:
        verdict.motifs.append("le document ne porte aucune signature électronique")
        return verdict

    # Validation data embedded later (DSS, B-LT/B-LTA) is used like the platform's own CRLs.
    dss = _donnees_dss(reader)
    a_dss = dss is not None
    cadre: dict = dss or {}
    ctx = contextes(**cadre)
    fin_propre = _fin_propre(reader, pdf)
    premiere = min(s.signed_revision for s in signatures)
    revue = _revue_des_revisions(reader, signatures, premiere)
    horodatage_document = any(s.sig_object_type == "/DocTimeStamp" for s in signatures)

    for sig in signatures:
        est_horodatage = sig.sig_object_type == "/DocTimeStamp"
        resultat = Signature(Statut.INDETERMINE, champ=sig.field_name, nature="horodatage" if est_horodatage else "signature")
        try:
            if est_horodatage:

                async def valider(c: Contextes, sig: EmbeddedPdfSignature = sig):  # type: ignore[no-untyped-def]
                    return await async_validate_pdf_timestamp(sig, validation_context=c.horodatage)

            else:

                async def valider(c: Contextes, sig: EmbeddedPdfSignature = sig):  # type: ignore[no-untyped-def]
                    return await async_validate_pdf_signature(
                        sig, signer_validation_context=c.signataire, ts_validation_context=c.horodatage, key_usage_settings=USAGES
                    )

            statut = await valider(ctx)
            if est_horodatage:
                resultat.signataire = nom(statut.signing_cert)
                resultat.certificat_sha256 = hashlib.sha256(statut.signing_cert.dump()).hexdigest()
                resultat.date, resultat.date_certaine = _iso(statut.timestamp), True
                if not (statut.intact and statut.valid):
                    resultat.statut = Statut.INVALIDE
                    resultat.motifs.append("l'horodatage du document est invalide")
                elif not statut.trusted:
                    resultat.statut = Statut.INDETERMINE
                    resultat.motifs.append("l'horodatage du document vient d'une autorité qui n'est pas reconnue")
                else:
                    resultat.statut = Statut.VALIDE
            else:
                statut = await _revalider_a_la_date_certaine(statut, valider, ctx, cadre)
                embarques = [c.chosen for c in (sig.signed_data["certificates"] or []) if c.name == "certificate"]
                _lire_statut(statut, resultat, await _diagnostiquer(statut, ctx.signataire, embarques))
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
            resultat.statut = Statut.INVALIDE
            resultat.motifs.append(f"la signature est illisible ou mal formée ({type(exc).__name__})")
            verdict.signatures.append(resultat)
            continue
        horodatee = getattr(statut, "timestamp_validity", None) is not None
        resultat.niveau = _niveau(resultat, horodatee, a_dss, horodatage_document)

        # Does this signature cover the document as deposited?
        couverture = sig.coverage
        raisons = [r for rev, r in revue.items() if rev > sig.signed_revision and r]
        if couverture not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
            raisons.insert(0, "la signature ne porte que sur une partie du fichier")
        if not fin_propre:
            raisons.append("des octets ont été ajoutés au fichier après la dernière révision")
        docmdp_ok = getattr(statut, "docmdp_ok", None)
        if docmdp_ok is False:
            raisons.append("les modifications ultérieures ne respectent pas les permissions de la signature de certification")
        resultat.couvre_document = not raisons
        if raisons:
            resultat.motifs.extend(raisons)
            resultat.motifs.append("cette signature ne couvre donc pas le document tel que déposé")
            resultat.statut = Statut.INVALIDE
        verdict.signatures.append(resultat)

    verdict.statut = _pire([s.statut for s in verdict.signatures])
    return verdict


def verifier_pdf(pdf: bytes, *, document_sha256: str = "") -> Verdict:
    """Validate every signature and document timestamp of a PDF against the platform's trust list.

    ``document_sha256``: the hash the caller already has (coffre computes it during upload), kept
    in the verdict to tie it to the bytes verified; not recomputed here (it would double the cost
    of hashing a large file).
    """
    return asyncio.run(async_verifier_pdf(pdf, document_sha256=document_sha256))


# --- CAdES (detached .p7s) -----------------------------------------------------------------------


async def async_verifier_cades(document: bytes, p7s: bytes, *, document_sha256: str = "") -> Verdict:
    verdict = Verdict(Statut.NON_SIGNE, "cades", verifie_le=_maintenant(), document_sha256=document_sha256)
    resultat = Signature(Statut.INDETERMINE, nature="cades", niveau="CAdES détachée", couvre_document=False)
    try:
        if p7s.lstrip().startswith(b"-----BEGIN"):
            from asn1crypto import pem

            _, _, p7s = pem.unarmor(p7s)
        info = cms.ContentInfo.load(p7s)
        signe = info["content"]
        if info["content_type"].native != "signed_data" or len(signe["signer_infos"]) != 1:
            raise ValueError("not a single-signer SignedData")
        autres = [c.chosen for c in (signe["certificates"] or []) if c.name == "certificate"]
        ctx = contextes(autres=autres)

        async def valider(c: Contextes):  # type: ignore[no-untyped-def]
            return await async_validate_detached_cms(
                document,
                signe,
                signer_validation_context=c.signataire,
                ts_validation_context=c.horodatage,
                key_usage_settings=USAGES,
            )

        statut = await valider(ctx)
        statut = await _revalider_a_la_date_certaine(statut, valider, ctx, {"autres": autres})
        _lire_statut(statut, resultat, await _diagnostiquer(statut, ctx.signataire, autres))
        if statut.timestamp_validity is not None:
            resultat.niveau = "CAdES B-T détachée"
        if not statut.intact:
            resultat.motifs.insert(0, "la signature ne correspond pas à ce document")
        resultat.couvre_document = statut.intact and statut.valid
    except (SignatureValidationError, ValueError, KeyError, TypeError, IndexError) as exc:
        resultat.statut = Statut.INVALIDE
        resultat.motifs.append(f"le fichier de signature .p7s est illisible ou mal formé ({type(exc).__name__})")
    verdict.signatures.append(resultat)
    verdict.statut = resultat.statut
    return verdict


def verifier_cades(document: bytes, p7s: bytes, *, document_sha256: str = "") -> Verdict:
    """Validate a detached CAdES signature (.p7s, DER or PEM) of ``document``."""
    return asyncio.run(async_verifier_cades(document, p7s, document_sha256=document_sha256))


def verifier_document(contenu: bytes, *, p7s: bytes | None = None, document_sha256: str = "") -> Verdict:
    """The verdict for a deposited file: PAdES if it is a PDF, else the detached .p7s if any."""
    if p7s is not None:
        return verifier_cades(contenu, p7s, document_sha256=document_sha256)
    if contenu[:1024].lstrip().startswith(b"%PDF-"):
        return verifier_pdf(contenu, document_sha256=document_sha256)
    return Verdict(
        Statut.NON_SIGNE,
        "aucun",
        motifs=["le document ne porte aucune signature électronique (aucun fichier .p7s déposé avec lui)"],
        verifie_le=_maintenant(),
        document_sha256=document_sha256,
    )


# --- "Signed by the certificate registered to the depositor" -----------------------------------


def signe_par(verdict: Verdict, certificat_der: bytes | None) -> Verdict:
    """The verdict for a document the procedure requires to be signed by ``certificat_der``.

    Valide only if a valid signature by that certificate covers the whole document (and no other
    signature on it is invalid). The caller passes the certificate registered to the depositor
    (comptes.certificats.certificat_courant(user).der); None means none is registered.
    """
    attendu = hashlib.sha256(certificat_der).hexdigest() if certificat_der else None
    resultat = replace(verdict, motifs=list(verdict.motifs), signataire_attendu=attendu)
    if attendu is None:
        resultat.statut = Statut.INVALIDE
        resultat.motifs.append("aucun certificat de signature n'est enregistré pour le déposant")
        return resultat
    siennes = [s for s in verdict.signatures if s.certificat_sha256 == attendu and s.nature != "horodatage"]
    if not siennes:
        resultat.statut = Statut.INVALIDE
        resultat.motifs.append("le document n'est pas signé par le certificat enregistré pour le déposant")
        return resultat
    if not any(s.statut == Statut.VALIDE and s.couvre_document for s in siennes):
        resultat.statut = _pire([s.statut for s in siennes])
        resultat.motifs.append("la signature du déposant n'est pas valide sur le document tel que déposé")
    return resultat


def verifier_signature_requise(
    contenu: bytes, *, certificat_der: bytes | None, p7s: bytes | None = None, document_sha256: str = ""
) -> Verdict:
    """verifier_document + signe_par: for documents that must carry the depositor's signature."""
    return signe_par(verifier_document(contenu, p7s=p7s, document_sha256=document_sha256), certificat_der)
