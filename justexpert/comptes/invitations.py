"""Invitations: the only way for outside people (parties, lawyers, PLEX invitees) to get an account,
and the way an expert's fiche is linked to a login (never by matching names).

Protects against: reuse (single use, row-locked at acceptance), late use (expiry), forwarding to
someone else (bound to the invited address: a logged-in account with another address is refused),
link leakage in logs and databases (only a SHA-256 of the secret is stored; pages send
``Referrer-Policy: no-referrer``). Does not protect against someone who controls the invited
mailbox: that person *is* the invitee as far as the platform can tell.

Higher modules register a handler per ``objet`` (from their AppConfig.ready); it runs inside the
acceptance transaction and returns the URL where the person lands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from .models import EvenementSecurite, Invitation, Organisation, Role, Utilisateur
from .services import RefusService, ajouter_appartenance, envoyer_courriel, journaliser, lien_absolu

Gestionnaire = Callable[[Invitation, Utilisateur], str | None]
_GESTIONNAIRES: dict[str, Gestionnaire] = {}
_DESCRIPTIONS: dict[str, Callable[[Invitation], str]] = {}
DUREE_DEFAUT = dt.timedelta(days=7)


def enregistrer_gestionnaire(
    objet: str, gestionnaire: Gestionnaire, description: Callable[[Invitation], str] | None = None
) -> None:
    """``description`` says in words what the invitation leads to (shown to a logged-in invitee)."""
    _GESTIONNAIRES[objet] = gestionnaire
    if description is not None:
        _DESCRIPTIONS[objet] = description


def decrire(invitation: Invitation) -> str:
    decrire_objet = _DESCRIPTIONS.get(invitation.objet)
    return (decrire_objet(invitation) if decrire_objet else "") or f"Justexpert {invitation.en_tant_que}"


def en_attente_pour(utilisateur: Utilisateur) -> list[Invitation]:
    """Valid invitations sent to this account's verified address: a person who already has an
    account sees them on the tableau de bord and accepts without the mailed link (owning the
    verified address is what the link proves)."""
    if not utilisateur.is_authenticated or not getattr(utilisateur, "email_verifie", False):
        return []
    return list(
        Invitation.objects.filter(
            email=utilisateur.email.lower(), acceptee_le__isnull=True, revoquee_le__isnull=True, expire_le__gt=timezone.now()
        ).select_related("organisation")
    )


def _empreinte(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def inviter(
    *,
    acteur: Utilisateur | None,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    objet: str = "",
    objet_ref: str = "",
    duree: dt.timedelta = DUREE_DEFAUT,
    sujet: str = "Justexpert : vous êtes invité",
    message: str = "",
) -> tuple[Invitation, str]:
    """Create an invitation and mail its link. Returns the invitation and the link (for tests and
    for the demo mailbox; never logged)."""
    if role not in Role.values:
        raise RefusService("Rôle inconnu.")
    if objet and objet not in _GESTIONNAIRES:
        raise RefusService(f"Aucun module ne gère les invitations « {objet} ».")
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email.strip().lower(),
            role=role,
            organisation=organisation,
            objet=objet,
            objet_ref=objet_ref,
            empreinte=_empreinte(secret),
            cree_par=acteur,
            expire_le=timezone.now() + duree,
        )
        lien = lien_absolu(reverse("comptes:invitation", args=[secret]))
        envoyer_courriel(
            sujet=sujet,
            corps=(
                f"Bonjour,\n\n{message or 'Vous êtes invité à rejoindre Justexpert.'}\n\n"
                f"Ce lien personnel ne sert qu'une fois et expire le {timezone.localtime(invitation.expire_le):%d/%m/%Y à %H:%M} :\n"
                f"{lien}\n\nIl est lié à votre adresse électronique : ne le transférez pas.\n"
            ),
            destinataires=[invitation.email],
        )
    return invitation, lien


def trouver(secret: str) -> Invitation:
    """The invitation behind a link, or a French refusal that reveals nothing else."""
    if not secret or len(secret) > 100:
        raise RefusService("Ce lien d'invitation n'est pas valide.")
    invitation = Invitation.objects.filter(empreinte=_empreinte(secret)).select_related("organisation").first()
    if invitation is None:
        raise RefusService("Ce lien d'invitation n'est pas valide.")
    if invitation.acceptee_le is not None:
        raise RefusService("Cette invitation a déjà été utilisée. Connectez-vous avec le compte qui l'a acceptée.")
    if invitation.revoquee_le is not None:
        raise RefusService("Cette invitation a été retirée par la personne qui l'avait envoyée.")
    if invitation.expire_le <= timezone.now():
        raise RefusService("Cette invitation a expiré. Demandez à la personne qui vous a invité de la renouveler.")
    return invitation


def adresse_masquee(email: str) -> str:
    nom, _, domaine = email.partition("@")
    return f"{nom[:1]}{'•' * max(1, len(nom) - 1)}@{domaine}"


def accepter(request: HttpRequest | None, *, secret: str, utilisateur: Utilisateur) -> str:
    """Accept for ``utilisateur`` (logged in, or just created from the link). Returns where to go."""
    invitation = trouver(secret)
    if utilisateur.email.lower() != invitation.email:
        # Logged outside the acceptance transaction, so the refusal stays in the security log.
        journaliser(
            EvenementSecurite.REFUS_PERMISSION,
            request=request,
            utilisateur=utilisateur,
            details={"motif": "invitation_autre_adresse", "invitation": str(invitation.uuid)},
        )
        raise RefusService(
            f"Cette invitation est destinée à l'adresse {adresse_masquee(invitation.email)}, pas à celle de votre compte. "
            "Déconnectez-vous puis ouvrez de nouveau le lien."
        )
    return _accepter(request, invitation, utilisateur)


def accepter_en_attente(request: HttpRequest | None, *, invitation: Invitation, utilisateur: Utilisateur) -> str:
    """Accept an invitation listed by ``en_attente_pour`` (the logged-in addressee, no link)."""
    if invitation.pk not in {i.pk for i in en_attente_pour(utilisateur)}:
        raise RefusService("Cette invitation n'est plus en attente pour votre compte.")
    return _accepter(request, invitation, utilisateur)


def _accepter(request: HttpRequest | None, invitation: Invitation, utilisateur: Utilisateur) -> str:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.est_valide:  # lost a race with another acceptance
            raise RefusService("Cette invitation a déjà été utilisée.")
        ajouter_appartenance(
            request,
            acteur=invitation.cree_par,
            utilisateur=utilisateur,
            role=invitation.role,
            organisation=invitation.organisation,
        )
        invitation.acceptee_le = timezone.now()
        invitation.acceptee_par = utilisateur
        invitation.save(update_fields=["acceptee_le", "acceptee_par"])
        destination = None
        if invitation.objet:
            destination = _GESTIONNAIRES[invitation.objet](invitation, utilisateur)
    return destination or reverse("portail:tableau_de_bord")


def creer_compte_invite(
    request: HttpRequest, *, secret: str, prenom: str, nom: str, mot_de_passe: str
) -> tuple[Utilisateur, str]:
    """Create the account of an invited person (the link proves the address) and accept, in one
    transaction: a failure leaves neither the account nor a used invitation."""
    with transaction.atomic():
        invitation = trouver(secret)
        if Utilisateur.objects.filter(email__iexact=invitation.email).exists():
            raise RefusService("Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation.")
        user = Utilisateur.objects.create_user(
            invitation.email, mot_de_passe, prenom=prenom.strip(), nom=nom.strip(), email_verifie=True
        )
        journaliser(
            EvenementSecurite.COMPTE_CREE, request=request, utilisateur=user, details={"invitation": str(invitation.uuid)}
        )
        destination = accepter(request, secret=secret, utilisateur=user)
    return user, destination


def revoquer(*, acteur: Utilisateur, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, acceptee_le__isnull=True).update(revoquee_le=timezone.now())
