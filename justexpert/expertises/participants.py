"""Parties, participants and invitations of an expertise case (split from services.py for size)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from justexpert.comptes import invitations
from justexpert.comptes.models import Invitation, Role, Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.lib.temps import maintenant

from . import permissions
from .models import (
    Etat,
    Expertise,
    Participant,
    Partie,
    Qualite,
    QualitePartie,
)
from .services import DUREE_INVITATION, OBJET_INVITATION, _courriel, _destinataires, _evenement, _membre

# --- Parties, participants, invitations ----------------------------------------------------------------


def _exiger(acteur: Utilisateur, e: Expertise, qualites: set[str], message: str) -> set[str]:
    mes = permissions.qualites(acteur, e)
    if not mes & qualites:
        raise RefusService(message)
    if e.etat == Etat.CLOSE:
        raise RefusService("L'expertise est close.")
    return mes


def ajouter_partie(*, acteur: Utilisateur, expertise: Expertise, designation: str, qualite: str) -> Partie:
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
        _exiger(
            acteur,
            e,
            {Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER},
            "Seuls l'expert et la juridiction ajoutent une partie.",
        )
        if qualite not in QualitePartie.values or not designation.strip():
            raise RefusService("Indiquez la désignation et la qualité de la partie.")
        partie = Partie.objects.create(expertise=e, designation=designation.strip()[:200], qualite=qualite)
        _evenement("partie_ajoutee", acteur=acteur, expertise=e, objet=partie.uuid)
    return partie


def inviter_participant(
    *, acteur: Utilisateur, expertise: Expertise, email: str, qualite: str, partie: Partie
) -> tuple[Invitation, str]:
    """The expert (or the greffe) enrols a lawyer or a party by e-mail: single use, expiring, bound
    to the address (comptes.invitations). The invitee lands in the case once logged in. Returns the
    invitation and its link (for tests and the demo world; never logged)."""
    email = email.strip().lower()
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
        _exiger(
            acteur, e, {Qualite.EXPERT, Qualite.GREFFIER}, "Seuls l'expert et le greffe inscrivent les parties et leurs avocats."
        )
        if qualite not in (Qualite.AVOCAT, Qualite.PARTIE):
            raise RefusService("On invite un avocat ou une partie.")
        if partie.expertise_id != e.pk:
            raise RefusService("Cette partie n'appartient pas à l'expertise.")
        if qualite == Qualite.PARTIE and e.est_penale:
            raise RefusService("En matière pénale, seuls les avocats des parties accèdent à l'expertise.")
        if qualite == Qualite.PARTIE and partie.inscription_refusee:
            raise RefusService("Le conseil de cette partie a demandé qu'elle ne soit pas inscrite.")
        if Participant.objects.filter(
            expertise=e, utilisateur__email__iexact=email, qualite=qualite, retire_le__isnull=True
        ).exists():
            raise RefusService("Cette personne participe déjà à l'expertise.")
        invitation, lien_invitation = invitations.inviter(
            acteur=acteur,
            email=email,
            role=Role.AVOCAT if qualite == Qualite.AVOCAT else Role.PARTIE,
            objet=OBJET_INVITATION,
            objet_ref=f"{partie.uuid}:{qualite}",
            duree=DUREE_INVITATION,
            sujet="Justexpert : invitation à une expertise judiciaire",
            message=(
                f"L'expert désigné par {e.juridiction} vous invite à suivre les opérations d'expertise "
                f"en qualité {'d’avocat' if qualite == Qualite.AVOCAT else 'de partie'}. "
                "Vous créerez votre compte (ou vous vous connecterez) puis arriverez directement dans le dossier."
            ),
        )
        _evenement("invitation", acteur=acteur, expertise=e, objet=invitation.uuid, partie=partie.uuid, qualite=qualite)
    return invitation, lien_invitation


def invitations_en_cours(expertise: Expertise) -> list[Invitation]:
    refs = [f"{uuid}:{q}" for uuid in expertise.parties.values_list("uuid", flat=True) for q in (Qualite.AVOCAT, Qualite.PARTIE)]
    return list(
        Invitation.objects.filter(
            objet=OBJET_INVITATION,
            objet_ref__in=refs,
            acceptee_le__isnull=True,
            revoquee_le__isnull=True,
            expire_le__gt=timezone.now(),
        ).order_by("-cree_le")
    )


def decrire_invitation(invitation: Invitation) -> str:
    """What the invitation leads to, for its addressee (shown on their tableau de bord)."""
    partie_ref, _, qualite = invitation.objet_ref.partition(":")
    partie = Partie.objects.filter(uuid=partie_ref).select_related("expertise", "expertise__juridiction").first()
    if partie is None or qualite not in (Qualite.AVOCAT, Qualite.PARTIE):
        return ""
    e = partie.expertise
    reference = "une expertise pénale" if e.est_penale else f"l'expertise RG {e.numero_rg}"
    qui = f"d'avocat de {partie.designation}" if qualite == Qualite.AVOCAT else f"de partie ({partie.designation})"
    return f"{reference} ({e.juridiction}), en qualité {qui}"


def accepter_invitation(invitation: Invitation, utilisateur: Utilisateur) -> str | None:
    """Invitation handler (apps.py): runs inside comptes' acceptance transaction."""
    partie_ref, _, qualite = invitation.objet_ref.partition(":")
    partie = Partie.objects.filter(uuid=partie_ref).first() if qualite in (Qualite.AVOCAT, Qualite.PARTIE) else None
    if partie is None:
        return None
    e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=partie.expertise_id)
    if qualite == Qualite.PARTIE and Partie.objects.get(pk=partie.pk).inscription_refusee:
        raise RefusService("Le conseil de cette partie a demandé qu'elle ne soit pas inscrite : l'invitation n'est plus valable.")
    if e.etat == Etat.CLOSE:
        raise RefusService("Cette expertise est close : l'invitation n'est plus valable.")
    if not Participant.objects.filter(expertise=e, utilisateur=utilisateur, qualite=qualite, retire_le__isnull=True).exists():
        participant = Participant.objects.create(
            expertise=e, utilisateur=utilisateur, qualite=qualite, partie=partie, ajoute_par=invitation.cree_par
        )
        _evenement(
            "participant_ajoute",
            acteur=utilisateur,
            expertise=e,
            objet=participant.uuid,
            invitation=invitation.uuid,
            qualite=qualite,
        )
    return reverse("expertises:detail", args=[e.uuid])


def refuser_inscription_client(*, acteur: Utilisateur, expertise: Expertise, partie: Partie) -> Partie:
    """A lawyer asks that their client not be enrolled: pending invitations of the client are
    withdrawn and any access the client has ends at once."""
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
        _exiger(acteur, e, {Qualite.AVOCAT}, "Seul l'avocat de la partie peut le demander.")
        partie = Partie.objects.select_for_update().get(pk=partie.pk, expertise=e)
        if not Participant.objects.filter(
            expertise=e, utilisateur=acteur, qualite=Qualite.AVOCAT, partie=partie, retire_le__isnull=True
        ).exists():
            raise RefusService("Vous n'êtes pas l'avocat de cette partie dans l'expertise.")
        partie.inscription_refusee = True
        partie.save(update_fields=["inscription_refusee"])
        Invitation.objects.filter(
            objet=OBJET_INVITATION,
            objet_ref=f"{partie.uuid}:{Qualite.PARTIE}",
            acceptee_le__isnull=True,
            revoquee_le__isnull=True,
        ).update(revoquee_le=timezone.now())
        retires = Participant.objects.filter(expertise=e, partie=partie, qualite=Qualite.PARTIE, retire_le__isnull=True).update(
            retire_le=timezone.now(), retire_par=acteur
        )
        _evenement("inscription_refusee", acteur=acteur, expertise=e, objet=partie.uuid, retires=retires)
        _courriel(
            e,
            _destinataires(e, Qualite.EXPERT),
            "une partie ne sera pas inscrite",
            "L'avocat d'une partie demande que son client ne soit pas inscrit dans l'expertise ; "
            "les invitations en attente pour ce client sont retirées.",
        )
    return partie


def retirer_participant(*, acteur: Utilisateur, participant: Participant) -> Participant:
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=participant.expertise_id)
        mes = _exiger(
            acteur, e, {Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER}, "Vous ne pouvez pas retirer de participant."
        )
        participant = Participant.objects.select_for_update().select_related("utilisateur").get(pk=participant.pk)
        if participant.retire_le is not None:
            return participant
        if not permissions.peut_retirer(mes, participant):
            raise RefusService("L'expert retire les avocats et les parties ; la juridiction retire les autres participants.")
        if participant.qualite == Qualite.EXPERT:
            raise RefusService("On ne retire pas l'expert : le magistrat le remplace.")
        if (
            participant.qualite == Qualite.MAGISTRAT
            and not Participant.objects.filter(expertise=e, qualite=Qualite.MAGISTRAT, retire_le__isnull=True)
            .exclude(pk=participant.pk)
            .exists()
        ):
            raise RefusService("L'expertise doit garder un magistrat.")
        participant.retire_le = maintenant()
        participant.retire_par = acteur
        participant.save(update_fields=["retire_le", "retire_par"])
        _evenement("participant_retire", acteur=acteur, expertise=e, objet=participant.uuid)
        _courriel(e, [participant.utilisateur], "accès retiré", "Vous n'avez plus accès à cette expertise.")
    return participant


def ajouter_greffier(*, acteur: Utilisateur, expertise: Expertise, utilisateur: Utilisateur) -> Participant:
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
        _exiger(acteur, e, {Qualite.MAGISTRAT, Qualite.GREFFIER}, "Seule la juridiction ajoute un greffier.")
        if not _membre(utilisateur, Role.GREFFIER, e.juridiction, e.matiere):
            raise RefusService("Cette personne n'est pas greffier de la juridiction (habilité si l'affaire est pénale).")
        if Participant.objects.filter(
            expertise=e, utilisateur=utilisateur, qualite=Qualite.GREFFIER, retire_le__isnull=True
        ).exists():
            raise RefusService("Ce greffier suit déjà l'expertise.")
        participant = Participant.objects.create(
            expertise=e, utilisateur=utilisateur, qualite=Qualite.GREFFIER, ajoute_par=acteur
        )
        _evenement("participant_ajoute", acteur=acteur, expertise=e, objet=participant.uuid, qualite=Qualite.GREFFIER)
    return participant
