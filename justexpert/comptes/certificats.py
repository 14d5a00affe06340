"""Registered certificates and login by certificate (mutual TLS terminated at the reverse proxy).

Protects against: a forged client-certificate header (it is read only when the request comes from a
configured proxy address, and only when the proxy says it verified the certificate; from anywhere
else it is refused and logged), expired, revoked or untrusted certificates (``lib.pki``, revocation
required), and certificates not registered to an account (no matching by name). Does not protect
against a stolen card with its PIN: that is the card's holder as far as TLS can tell.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from justexpert.lib import pki

from .models import Certificat, EvenementSecurite, Utilisateur
from .services import RefusService, journaliser, ouvrir_session

if TYPE_CHECKING:
    from justexpert.lib.pki import Verdict

EN_TETE_CERTIFICAT = "HTTP_X_SSL_CLIENT_CERT"
EN_TETE_VERIFICATION = "HTTP_X_SSL_CLIENT_VERIFY"


def empreinte(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def certificat_courant(utilisateur: Utilisateur) -> Certificat | None:
    return utilisateur.certificats.filter(remplace_le__isnull=True).first()


def enregistrer_certificat(request: HttpRequest | None, *, acteur: Utilisateur, donnees: bytes) -> Certificat:
    """Register (or replace) the certificate of ``acteur``'s card; the old one stays in history."""
    try:
        certs = pki.lire_certificats(donnees)
    except ValueError as exc:
        raise RefusService(str(exc)) from None
    if len(certs) != 1:
        raise RefusService("Le fichier doit contenir exactement un certificat : celui de votre carte.")
    cert = certs[0]
    verdict = pki.verifier_certificat(cert)
    if verdict.statut != pki.Statut.VALIDE:
        raise RefusService(f"Ce certificat ne peut pas être enregistré : {', '.join(verdict.motifs)}.")
    cle = empreinte(cert)
    with transaction.atomic():
        autre = Certificat.objects.filter(empreinte_sha256=cle, remplace_le__isnull=True).exclude(utilisateur=acteur)
        if autre.exists():
            raise RefusService("Ce certificat est déjà enregistré pour un autre compte.")
        courant = Certificat.objects.select_for_update().filter(utilisateur=acteur, remplace_le__isnull=True).first()
        if courant is not None and courant.empreinte_sha256 == cle:
            return courant
        if courant is not None:
            courant.remplace_le = timezone.now()
            courant.save(update_fields=["remplace_le"])
        enregistre = Certificat.objects.create(
            utilisateur=acteur,
            der=cert.dump(),
            empreinte_sha256=cle,
            sujet=pki.sujet(cert)[:500],
            emetteur=pki.nom_lisible(cert.issuer)[:500],
            numero_serie=format(cert.serial_number, "x")[:80],
            valide_du=cert.not_valid_before,
            valide_au=cert.not_valid_after,
        )
        journaliser(
            EvenementSecurite.CERTIFICAT_ENREGISTRE,
            request=request,
            utilisateur=acteur,
            acteur=acteur,
            details={"empreinte": cle},
        )
    return enregistre


def _certificat_du_proxy(request: HttpRequest) -> asn1_x509.Certificate:
    remote = request.META.get("REMOTE_ADDR", "")
    entete = request.META.get(EN_TETE_CERTIFICAT, "")
    if remote not in settings.PROXIES_DE_CONFIANCE:
        if entete:
            journaliser(EvenementSecurite.REFUS_PERMISSION, request=request, details={"motif": "en_tete_certificat_hors_proxy"})
        raise RefusService(
            "La connexion par carte passe par le serveur sécurisé de la plateforme : "
            "utilisez l'adresse de connexion par carte indiquée par votre juridiction."
        )
    verification = request.META.get(EN_TETE_VERIFICATION, "")
    if not entete or verification != "SUCCESS":
        if entete and verification.startswith("FAILED"):
            # The proxy refused the card (expired, revoked, unknown authority) and passed it on so
            # that the person reads why, in French: the platform's own check names the reason.
            _refuser_certificat_du_proxy(request, entete, verification)
        raise RefusService("Aucun certificat valide n'a été présenté : vérifiez que votre carte est insérée.")
    try:
        certs = pki.lire_certificats(urllib.parse.unquote(entete).encode())
    except ValueError as exc:
        raise RefusService(str(exc)) from None
    return certs[0]


def _refuser_certificat_du_proxy(request: HttpRequest, entete: str, verification: str) -> None:
    """Raise the French reason of a card the proxy refused; returns only if no reason is found
    (the caller then refuses without one: the proxy's refusal stands in every case)."""
    try:
        cert = pki.lire_certificats(urllib.parse.unquote(entete).encode())[0]
    except ValueError:
        return
    verdict = pki.verifier_certificat(cert)
    journaliser(
        EvenementSecurite.ECHEC_CONNEXION,
        request=request,
        details={"methode": "certificat", "proxy": verification[:200], "statut": str(verdict.statut), "motifs": verdict.motifs},
    )
    if verdict.statut == pki.Statut.INVALIDE:
        raise RefusService(f"Votre certificat est refusé : {', '.join(verdict.motifs)}.")


def connecter_par_certificat(request: HttpRequest) -> Utilisateur:
    """Log in the owner of the client certificate passed by the proxy, or refuse with a reason."""
    cert = _certificat_du_proxy(request)
    verdict: Verdict = pki.verifier_certificat(cert)
    if verdict.statut != pki.Statut.VALIDE:
        journaliser(
            EvenementSecurite.ECHEC_CONNEXION,
            request=request,
            details={"methode": "certificat", "statut": str(verdict.statut), "motifs": verdict.motifs},
        )
        if verdict.statut == pki.Statut.INDETERMINE:
            raise RefusService(
                "L'état de votre certificat n'a pas pu être vérifié pour l'instant : réessayez dans quelques minutes."
            )
        raise RefusService(f"Votre certificat est refusé : {', '.join(verdict.motifs)}.")
    enregistre = (
        Certificat.objects.select_related("utilisateur")
        .filter(empreinte_sha256=empreinte(cert), remplace_le__isnull=True, utilisateur__is_active=True)
        .first()
    )
    if enregistre is None:
        journaliser(
            EvenementSecurite.ECHEC_CONNEXION, request=request, details={"methode": "certificat", "motif": "non_enregistre"}
        )
        raise RefusService(
            "Ce certificat n'est enregistré pour aucun compte. Connectez-vous avec votre mot de passe, "
            "puis enregistrez votre carte depuis « Mon compte »."
        )
    # A certificate login is strong authentication (counts as the second factor).
    ouvrir_session(request, enregistre.utilisateur, mfa=True, methode="certificat")
    return enregistre.utilisateur
