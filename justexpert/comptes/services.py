"""Every change of state about accounts: login, lockout, second factor, sign-up, staff accounts,
memberships. Security events go to the security log (not the evidence log)."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from justexpert.lib.reseau import adresse_client

from .models import (
    Appartenance,
    CodeSecours,
    EchecConnexion,
    EvenementSecurite,
    HabilitationAppartenance,
    JetonAcces,
    JournalSecurite,
    Organisation,
    Role,
    Utilisateur,
)

SESSION_MFA = "comptes_mfa_ok"
SESSION_EN_ATTENTE = "comptes_second_facteur_en_attente"
SEL_VERIFICATION = "comptes.verification-adresse"
VERIFICATION_MAX_AGE = 3 * 24 * 3600
NB_CODES_SECOURS = 10


class RefusService(Exception):
    """A service refused an action; the message is French and shown to the user."""


# --- Security log -----------------------------------------------------------------------------


def adresse_ip(request: HttpRequest | None) -> str | None:
    """Client address; the proxy's X-Forwarded-For is believed only from configured proxies (the
    same address throttling counts: justexpert.lib.reseau)."""
    return adresse_client(request)


# Paths that carry a secret (single-use links): the secret never reaches the security log.
CHEMINS_SECRETS = (
    re.compile(r"^(/verifier-adresse/)[^/]+(/?)"),
    re.compile(r"^(/mot-de-passe/nouveau/)[^/]+/[^/]+(/?)"),
    re.compile(r"^(/invitation/)[^/]+(/?)"),
)


def chemin_sans_secret(chemin: str) -> str:
    for motif in CHEMINS_SECRETS:
        chemin = motif.sub(r"\1…\2", chemin)
    return chemin


def journaliser(
    evenement: str,
    *,
    request: HttpRequest | None = None,
    utilisateur: Utilisateur | None = None,
    acteur: Utilisateur | None = None,
    email: str = "",
    details: dict | None = None,
) -> JournalSecurite:
    return JournalSecurite.objects.create(
        evenement=evenement,
        utilisateur=utilisateur,
        acteur=acteur,
        email=email[:254],
        adresse_ip=adresse_ip(request),
        chemin=(chemin_sans_secret(request.path)[:500] if request is not None else ""),
        details=details or {},
    )


# --- Mail -------------------------------------------------------------------------------------


def envoyer_courriel(*, sujet: str, corps: str, destinataires: Iterable[str]) -> None:
    """Queue a mail for after the current transaction commits (never sent for a rolled-back change)."""
    from .tasks import envoyer_courriel as tache

    liste = [d for d in destinataires if d]
    if liste:
        transaction.on_commit(lambda: tache.enqueue(sujet, corps, liste))


def lien_absolu(chemin: str) -> str:
    return f"{settings.SITE_URL}{chemin}"


# --- Login and lockout ------------------------------------------------------------------------


class Resultat(enum.Enum):
    CONNECTE = "connecte"
    SECOND_FACTEUR = "second_facteur"
    INVALIDE = "invalide"
    VERROUILLE = "verrouille"
    ADRESSE_NON_VERIFIEE = "adresse_non_verifiee"


def _fenetre() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.VERROUILLAGE_FENETRE_SECONDES)


def est_verrouille(email: str, ip: str | None) -> bool:
    recents = EchecConnexion.objects.filter(le__gte=_fenetre())
    if recents.filter(email=email.lower()).count() >= settings.VERROUILLAGE_ECHECS_COMPTE:
        return True
    return bool(ip) and recents.filter(adresse_ip=ip).count() >= settings.VERROUILLAGE_ECHECS_ADRESSE


def _echec(request: HttpRequest, email: str, evenement: str, utilisateur: Utilisateur | None = None) -> None:
    EchecConnexion.objects.create(email=email.lower()[:254], adresse_ip=adresse_ip(request))
    journaliser(evenement, request=request, utilisateur=utilisateur, email=email)


def connecter(request: HttpRequest, *, email: str, mot_de_passe: str) -> Resultat:
    """First step of login. The answer never says whether the address exists."""
    email = email.strip().lower()
    ip = adresse_ip(request)
    if est_verrouille(email, ip):
        journaliser(EvenementSecurite.VERROUILLAGE, request=request, email=email)
        return Resultat.VERROUILLE
    user = authenticate(request, username=email, password=mot_de_passe)
    if user is None:
        _echec(request, email, EvenementSecurite.ECHEC_CONNEXION)
        return Resultat.INVALIDE
    assert isinstance(user, Utilisateur)
    if not user.email_verifie:
        return Resultat.ADRESSE_NON_VERIFIEE
    if user.totp_actif:
        request.session.cycle_key()
        request.session[SESSION_EN_ATTENTE] = {"id": user.pk, "le": timezone.now().timestamp()}
        return Resultat.SECOND_FACTEUR
    ouvrir_session(request, user, mfa=False)
    return Resultat.CONNECTE


def ouvrir_session(
    request: HttpRequest, user: Utilisateur, *, mfa: bool, methode: str = "mot_de_passe", details: dict | None = None
) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # rotates the session key
    request.session[SESSION_MFA] = mfa
    EchecConnexion.objects.filter(email=user.email).delete()
    journaliser(
        EvenementSecurite.CONNEXION,
        request=request,
        utilisateur=user,
        details={"methode": methode, "mfa": mfa, **(details or {})},
    )


def utilisateur_en_attente(request: HttpRequest) -> Utilisateur | None:
    """The user who passed the password step and must now give a code (valid 5 minutes)."""
    data = request.session.get(SESSION_EN_ATTENTE)
    if not data or timezone.now().timestamp() - data.get("le", 0) > 300:
        return None
    return Utilisateur.objects.filter(pk=data.get("id"), is_active=True).first()


def verifier_code_totp(user: Utilisateur, code: str) -> bool:
    """Check a TOTP code (one step of clock drift allowed), refusing a step already used."""
    code = "".join(code.split())
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    maintenant = timezone.now()
    pas_courant = int(maintenant.timestamp()) // totp.interval
    for decalage in (0, -1, 1):
        pas = pas_courant + decalage
        if pas <= user.totp_dernier_pas:
            continue
        if hmac.compare_digest(totp.at(pas * totp.interval), code):
            Utilisateur.objects.filter(pk=user.pk).update(totp_dernier_pas=pas)
            user.totp_dernier_pas = pas
            return True
    return False


def _empreinte_code(user: Utilisateur, code: str) -> str:
    normalise = "".join(code.split()).replace("-", "").upper()
    return hmac.new(force_bytes(settings.SECRET_KEY), f"{user.pk}:{normalise}".encode(), hashlib.sha256).hexdigest()


def utiliser_code_secours(user: Utilisateur, code: str) -> bool:
    with transaction.atomic():
        ligne = (
            CodeSecours.objects.select_for_update()
            .filter(utilisateur=user, empreinte=_empreinte_code(user, code), utilise_le__isnull=True)
            .first()
        )
        if ligne is None:
            return False
        ligne.utilise_le = timezone.now()
        ligne.save(update_fields=["utilise_le"])
    return True


def second_facteur(request: HttpRequest, *, code: str) -> Resultat:
    user = utilisateur_en_attente(request)
    if user is None:
        return Resultat.INVALIDE
    if est_verrouille(user.email, adresse_ip(request)):
        journaliser(EvenementSecurite.VERROUILLAGE, request=request, utilisateur=user, email=user.email)
        return Resultat.VERROUILLE
    if verifier_code_totp(user, code):
        methode = "totp"
    elif utiliser_code_secours(user, code):
        methode = "code_secours"
        journaliser(EvenementSecurite.CODE_SECOURS_UTILISE, request=request, utilisateur=user)
    else:
        _echec(request, user.email, EvenementSecurite.ECHEC_SECOND_FACTEUR, utilisateur=user)
        return Resultat.INVALIDE
    request.session.pop(SESSION_EN_ATTENTE, None)
    ouvrir_session(request, user, mfa=True, methode=methode)
    return Resultat.CONNECTE


def session_forte(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_MFA))


# --- Second factor enrolment ------------------------------------------------------------------


def nouveau_secret_totp() -> str:
    return pyotp.random_base32()


def uri_totp(user: Utilisateur, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=settings.SITE_NOM)


def activer_totp(request: HttpRequest, *, acteur: Utilisateur, secret: str, code: str) -> list[str]:
    """Enable TOTP once the user proves their app has the secret; returns fresh recovery codes."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)):
        raise RefusService("Le code ne correspond pas. Vérifiez l'heure de votre téléphone et réessayez.")
    with transaction.atomic():
        acteur.totp_secret = secret
        acteur.totp_actif = True
        acteur.totp_dernier_pas = 0
        acteur.save(update_fields=["totp_secret", "totp_actif", "totp_dernier_pas"])
        codes = _regenerer_codes(acteur)
        journaliser(EvenementSecurite.SECOND_FACTEUR_ACTIVE, request=request, utilisateur=acteur, acteur=acteur)
    request.session[SESSION_MFA] = True
    return codes


def _regenerer_codes(user: Utilisateur) -> list[str]:
    CodeSecours.objects.filter(utilisateur=user).delete()
    codes = []
    for _ in range(NB_CODES_SECOURS):
        brut = secrets.token_hex(5).upper()
        codes.append(f"{brut[:5]}-{brut[5:]}")
    CodeSecours.objects.bulk_create(CodeSecours(utilisateur=user, empreinte=_empreinte_code(user, c)) for c in codes)
    return codes


def reinitialiser_totp(request: HttpRequest, *, acteur: Utilisateur, utilisateur: Utilisateur) -> None:
    """An administrator removes a lost factor; the user enrols again at next login. Logged."""
    with transaction.atomic():
        utilisateur.totp_secret = ""
        utilisateur.totp_actif = False
        utilisateur.save(update_fields=["totp_secret", "totp_actif"])
        CodeSecours.objects.filter(utilisateur=utilisateur).delete()
        journaliser(EvenementSecurite.SECOND_FACTEUR_REINITIALISE, request=request, utilisateur=utilisateur, acteur=acteur)
        terminer_sessions(utilisateur)


# --- Sign-up, verification, reset -------------------------------------------------------------


def inscrire_candidat(request: HttpRequest, *, email: str, mot_de_passe: str, prenom: str, nom: str) -> Utilisateur | None:
    """Self sign-up (candidates only). Returns None when the address is taken: the page says the same
    thing either way ("check your mailbox") and the owner of the address gets a notice instead.

    Both paths do the same work — one password hash, one security-log row, one queued mail — so the
    time of the answer does not tell whether the address has an account either (the hash dominates:
    ~300 ms with Argon2; without it, a known address answered in a few milliseconds)."""
    email = email.strip().lower()
    hache = make_password(mot_de_passe)  # before the look-up, on both paths
    with transaction.atomic():
        existant = Utilisateur.objects.filter(email__iexact=email).first()
        if existant is not None:
            journaliser(EvenementSecurite.INSCRIPTION_ADRESSE_CONNUE, request=request, utilisateur=existant, email=email)
            envoyer_courriel(
                sujet="Justexpert : tentative de création de compte",
                corps=(
                    "Quelqu'un a demandé à créer un compte Justexpert avec votre adresse, qui en a déjà un.\n"
                    f"Si vous avez oublié votre mot de passe : {lien_absolu(reverse('comptes:reinitialisation'))}\n"
                ),
                destinataires=[email],
            )
            return None
        user = Utilisateur(email=email, password=hache, prenom=prenom.strip(), nom=nom.strip())
        user.save()
        Appartenance.objects.create(utilisateur=user, role=Role.CANDIDAT)
        journaliser(EvenementSecurite.COMPTE_CREE, request=request, utilisateur=user, details={"role": Role.CANDIDAT})
        envoyer_verification(user)
    return user


def jeton_verification(user: Utilisateur) -> str:
    return signing.dumps({"u": str(user.uuid), "e": user.email}, salt=SEL_VERIFICATION)


def envoyer_verification(user: Utilisateur) -> None:
    lien = lien_absolu(reverse("comptes:verifier_adresse", args=[jeton_verification(user)]))
    envoyer_courriel(
        sujet="Justexpert : confirmez votre adresse électronique",
        corps=(
            f"Bonjour {user.get_short_name()},\n\nPour activer votre compte Justexpert, ouvrez ce lien "
            f"(valable 3 jours) :\n{lien}\n\nSi vous n'avez pas créé de compte, ignorez ce message.\n"
        ),
        destinataires=[user.email],
    )


def verifier_adresse(request: HttpRequest, *, jeton: str) -> Utilisateur:
    try:
        data = signing.loads(jeton, salt=SEL_VERIFICATION, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise RefusService("Ce lien a expiré. Connectez-vous pour en recevoir un nouveau.") from None
    except signing.BadSignature:
        raise RefusService("Ce lien n'est pas valide.") from None
    user = Utilisateur.objects.filter(uuid=data.get("u"), email=data.get("e"), is_active=True).first()
    if user is None:
        raise RefusService("Ce lien n'est pas valide.")
    if not user.email_verifie:
        user.email_verifie = True
        user.save(update_fields=["email_verifie"])
        journaliser(EvenementSecurite.ADRESSE_VERIFIEE, request=request, utilisateur=user)
    return user


def lien_definir_mot_de_passe(user: Utilisateur) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return lien_absolu(reverse("comptes:reinitialisation_confirmer", args=[uid, token]))


# --- Staff accounts and memberships (administrateur) --------------------------------------------


def creer_compte(
    request: HttpRequest,
    *,
    acteur: Utilisateur,
    email: str,
    prenom: str,
    nom: str,
    role: str,
    organisation: Organisation | None,
    habilitations: Iterable[str] = (),
) -> Utilisateur:
    """Create an account with one membership; the person sets their password from the mailed link."""
    email = email.strip().lower()
    with transaction.atomic():
        if Utilisateur.objects.filter(email__iexact=email).exists():
            raise RefusService("Un compte existe déjà avec cette adresse : ajoutez-lui plutôt un rôle.")
        user = Utilisateur.objects.create_user(email, None, prenom=prenom.strip(), nom=nom.strip(), email_verifie=True)
        ajouter_appartenance(
            request, acteur=acteur, utilisateur=user, role=role, organisation=organisation, habilitations=habilitations
        )
        journaliser(EvenementSecurite.COMPTE_CREE, request=request, utilisateur=user, acteur=acteur, details={"role": role})
        envoyer_courriel(
            sujet="Justexpert : votre compte a été créé",
            corps=(
                f"Bonjour {user.get_short_name()},\n\nUn compte Justexpert a été ouvert pour vous "
                f"({dict(Role.choices)[role]}). Choisissez votre mot de passe avec ce lien, valable "
                f"{settings.PASSWORD_RESET_TIMEOUT // 60} minutes et utilisable une seule fois :\n"
                f"{lien_definir_mot_de_passe(user)}\n"
            ),
            destinataires=[user.email],
        )
    return user


def ajouter_appartenance(
    request: HttpRequest | None,
    *,
    acteur: Utilisateur | None,
    utilisateur: Utilisateur,
    role: str,
    organisation: Organisation | None,
    habilitations: Iterable[str] = (),
) -> Appartenance:
    if role not in Role.values:
        raise RefusService("Rôle inconnu.")
    with transaction.atomic():
        appartenance, _ = Appartenance.objects.get_or_create(utilisateur=utilisateur, organisation=organisation, role=role)
        definir_habilitations(request, acteur=acteur, appartenance=appartenance, codes=habilitations)
    return appartenance


def definir_habilitations(
    request: HttpRequest | None, *, acteur: Utilisateur | None, appartenance: Appartenance, codes: Iterable[str]
) -> None:
    voulues = set(codes)
    with transaction.atomic():
        HabilitationAppartenance.objects.filter(appartenance=appartenance).exclude(code__in=voulues).delete()
        existantes = set(appartenance.habilitations.values_list("code", flat=True))
        HabilitationAppartenance.objects.bulk_create(
            HabilitationAppartenance(appartenance=appartenance, code=c) for c in sorted(voulues - existantes)
        )
        journaliser(
            EvenementSecurite.APPARTENANCE_MODIFIEE,
            request=request,
            utilisateur=appartenance.utilisateur,
            acteur=acteur,
            details={"appartenance": str(appartenance.uuid), "role": appartenance.role, "habilitations": sorted(voulues)},
        )


def retirer_appartenance(request: HttpRequest, *, acteur: Utilisateur, appartenance: Appartenance) -> None:
    with transaction.atomic():
        journaliser(
            EvenementSecurite.APPARTENANCE_MODIFIEE,
            request=request,
            utilisateur=appartenance.utilisateur,
            acteur=acteur,
            details={"appartenance": str(appartenance.uuid), "retiree": True},
        )
        appartenance.delete()


def terminer_sessions(utilisateur: Utilisateur) -> int:
    """End every open session of a user and revoke their personal API tokens (deactivation, factor
    reset, password reset, suspension or radiation): a token carries its owner's rights, so it must
    not outlive a change of them. Returns the number of sessions ended."""
    revoquer_jetons(utilisateur)
    fin = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(utilisateur.pk):
            session.delete()
            fin += 1
    return fin


def desactiver_compte(request: HttpRequest, *, acteur: Utilisateur, utilisateur: Utilisateur) -> None:
    if utilisateur.pk == acteur.pk:
        raise RefusService("Vous ne pouvez pas désactiver votre propre compte.")
    with transaction.atomic():
        utilisateur.is_active = False
        utilisateur.save(update_fields=["is_active"])
        journaliser(EvenementSecurite.COMPTE_DESACTIVE, request=request, utilisateur=utilisateur, acteur=acteur)
        terminer_sessions(utilisateur)


# --- Personal access tokens for the API --------------------------------------------------------

PREFIXE_JETON = "je_"
DUREES_JETON = (30, 90, 365)  # days; a token always expires


def creer_jeton(*, acteur: Utilisateur, nom: str, jours: int = 90, request: HttpRequest | None = None) -> tuple[JetonAcces, str]:
    """Create a token; returns it with its secret (shown once, never stored in clear)."""
    nom = nom.strip()
    if not nom:
        raise RefusService("Donnez un nom au jeton (par exemple le logiciel qui l'utilisera).")
    if len(nom) > 100:
        raise RefusService("Le nom du jeton ne dépasse pas 100 caractères.")
    if jours not in DUREES_JETON:
        raise RefusService("Durée de validité non proposée.")
    secret = PREFIXE_JETON + secrets.token_urlsafe(32)
    with transaction.atomic():
        jeton = JetonAcces.objects.create(
            utilisateur=acteur,
            nom=nom,
            empreinte=hashlib.sha256(secret.encode()).hexdigest(),
            expire_le=timezone.now() + dt.timedelta(days=jours),
        )
        journaliser(
            EvenementSecurite.JETON_CREE, request=request, utilisateur=acteur, acteur=acteur, details={"jeton": str(jeton.uuid)}
        )
    return jeton, secret


def utilisateur_du_jeton(secret: str) -> Utilisateur | None:
    if not secret.startswith(PREFIXE_JETON) or len(secret) > 200:
        return None
    empreinte = hashlib.sha256(secret.encode()).hexdigest()
    jeton = (
        JetonAcces.objects.select_related("utilisateur")
        .filter(empreinte=empreinte, revoque_le__isnull=True, expire_le__gt=timezone.now(), utilisateur__is_active=True)
        .first()
    )
    if jeton is None:
        return None
    JetonAcces.objects.filter(pk=jeton.pk).update(utilise_le=timezone.now())
    return jeton.utilisateur


def revoquer_jeton(*, acteur: Utilisateur, jeton: JetonAcces, request: HttpRequest | None = None) -> None:
    """The owner revokes one of their tokens (at once: the next API call with it gets 401)."""
    if jeton.utilisateur_id != acteur.pk:
        raise RefusService("Ce jeton ne vous appartient pas.")
    with transaction.atomic():
        if JetonAcces.objects.filter(pk=jeton.pk, revoque_le__isnull=True).update(revoque_le=timezone.now()):
            journaliser(
                EvenementSecurite.JETON_REVOQUE,
                request=request,
                utilisateur=acteur,
                acteur=acteur,
                details={"jeton": str(jeton.uuid)},
            )


def revoquer_jetons(utilisateur: Utilisateur) -> int:
    """Revoke every token of a user still in force (called with the end of their sessions)."""
    return JetonAcces.objects.filter(utilisateur=utilisateur, revoque_le__isnull=True).update(revoque_le=timezone.now())
