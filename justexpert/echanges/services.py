"""Every change of state of exchange folders: creation, participants, invitations, deposits,
downloads, deletions, expiry, and the deactivation of invite-only accounts left without a folder.

Each function runs in one transaction, takes the acting user as ``acteur`` and appends its event to
the evidence log in that transaction (references and hashes only: never a title, a name or a file
name). Mails are queued after commit by ``comptes.services.envoyer_courriel``. Mails never carry a
document; for penal folders they carry neither the folder's title nor the file's name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from justexpert.coffre import services as coffre
from justexpert.coffre.services import Depot
from justexpert.comptes import invitations
from justexpert.comptes.models import Appartenance, EvenementSecurite, Habilitation, Invitation, Organisation, Role, Utilisateur
from justexpert.comptes.services import RefusService, envoyer_courriel, journaliser, lien_absolu, terminer_sessions
from justexpert.lib.temps import zone
from justexpert.preuves import services as preuves
from justexpert.preuves.models import Evenement

from . import permissions
from .models import Echange, Fichier, Matiere, Participant, Qualite, Telechargement

OBJET_INVITATION = "echanges.echange"
DUREE_MIN_JOURS = 1
DUREE_MAX_JOURS = 30
DUREE_INVITATION = dt.timedelta(days=7)
# An account holding only the invite role and in no folder for this long is deactivated.
DELAI_DESACTIVATION_JOURS = 90
ACTEUR_SYSTEME = "systeme"


class FichierIndisponible(RefusService):
    """The file's availability period is over (expired or deleted): its content is gone."""


def delai_desactivation() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "ECHANGES_DELAI_DESACTIVATION_JOURS", DELAI_DESACTIVATION_JOURS)))


def _ref(user: Utilisateur | None) -> str:
    return str(user.uuid) if user is not None else ACTEUR_SYSTEME


def _evenement(type_: str, *, acteur: Utilisateur | None, objet: object, echange: Echange, **kwargs: Any) -> Evenement:
    return preuves.enregistrer(
        f"echanges.{type_}", acteur_ref=_ref(acteur), objet_ref=str(objet), dossier_ref=str(echange.uuid), **kwargs
    )


# --- Folders and participants -------------------------------------------------------------------


def creer_echange(
    *, acteur: Utilisateur, titre: str, juridiction: Organisation, matiere: str, reference_procedure: str = ""
) -> Echange:
    if juridiction.pk not in permissions.juridictions_agent(acteur):
        raise RefusService("Vous n'êtes pas agent de cette juridiction.")
    if matiere not in Matiere.values:
        raise RefusService("Matière inconnue.")
    if matiere == Matiere.PENALE and not permissions.peut_voir_penal(acteur, juridiction.pk):
        raise RefusService("Vous n'êtes pas habilité en matière pénale pour cette juridiction.")
    with transaction.atomic():
        echange = Echange.objects.create(
            titre=titre.strip(),
            juridiction=juridiction,
            matiere=matiere,
            reference_procedure=reference_procedure.strip(),
            cree_par=acteur,
        )
        participant = Participant.objects.create(echange=echange, utilisateur=acteur, qualite=Qualite.AGENT, ajoute_par=acteur)
        _evenement("echange_cree", acteur=acteur, objet=echange.uuid, echange=echange)
        _evenement("participant_ajoute", acteur=acteur, objet=participant.uuid, echange=echange, details={"qualite": "agent"})
    return echange


def agents_ajoutables(echange: Echange) -> list[Utilisateur]:
    """Agents of the folder's juridiction who may join it (penal: habilitated ones only)."""
    deja = Participant.objects.filter(echange=echange, retire_le__isnull=True).values("utilisateur")
    # One filter() call: role, juridiction and habilitation must be on the same membership.
    filtre: dict[str, object] = {"appartenances__role": Role.AGENT, "appartenances__organisation": echange.juridiction}
    if echange.est_penal:
        filtre["appartenances__habilitations__code"] = Habilitation.MATIERE_PENALE
    qs = Utilisateur.objects.filter(is_active=True, **filtre).exclude(pk__in=deja)
    return list(qs.distinct().order_by("nom", "prenom", "email"))


def ajouter_agent(*, acteur: Utilisateur, echange: Echange, utilisateur: Utilisateur) -> Participant:
    if not permissions.est_agent_de(acteur, echange):
        raise RefusService("Seuls les agents de l'échange peuvent y ajouter quelqu'un.")
    if utilisateur.pk not in {u.pk for u in agents_ajoutables(echange)}:
        raise RefusService(
            "Cette personne ne peut pas être ajoutée : elle doit être agent de la juridiction"
            + (" et habilitée en matière pénale" if echange.est_penal else "")
            + ", et ne pas participer déjà à l'échange."
        )
    with transaction.atomic():
        participant = Participant.objects.create(
            echange=echange, utilisateur=utilisateur, qualite=Qualite.AGENT, ajoute_par=acteur
        )
        _evenement("participant_ajoute", acteur=acteur, objet=participant.uuid, echange=echange, details={"qualite": "agent"})
        envoyer_courriel(
            sujet="Justexpert : vous participez à un échange sécurisé",
            corps=(
                f"Bonjour,\n\nUn agent vous a ajouté à un échange sécurisé ({echange.juridiction}).\n"
                f"Connectez-vous pour le consulter : {lien_absolu(reverse('echanges:detail', args=[echange.uuid]))}\n"
            ),
            destinataires=[utilisateur.email],
        )
    return participant


def inviter_personne(*, acteur: Utilisateur, echange: Echange, email: str) -> Invitation:
    """Invite an outside person by e-mail (single use, expiring, bound to the address: comptes)."""
    if not permissions.est_agent_de(acteur, echange):
        raise RefusService("Seuls les agents de l'échange peuvent inviter.")
    email = email.strip().lower()
    if Participant.objects.filter(echange=echange, utilisateur__email__iexact=email, retire_le__isnull=True).exists():
        raise RefusService("Cette personne participe déjà à l'échange.")
    with transaction.atomic():
        invitation, _lien = invitations.inviter(
            acteur=acteur,
            email=email,
            role=Role.INVITE,
            organisation=None,
            objet=OBJET_INVITATION,
            objet_ref=str(echange.uuid),
            duree=DUREE_INVITATION,
            sujet="Justexpert : invitation à un échange sécurisé de documents",
            message=(
                f"Un agent de {echange.juridiction} vous invite à un échange sécurisé de documents. "
                "Vous choisirez un mot de passe et activerez une double authentification "
                "(application sur téléphone) ; aucune carte n'est nécessaire."
            ),
        )
    return invitation


def invitations_en_cours(echange: Echange) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            objet=OBJET_INVITATION,
            objet_ref=str(echange.uuid),
            acceptee_le__isnull=True,
            revoquee_le__isnull=True,
            expire_le__gt=timezone.now(),
        ).order_by("-cree_le")
    )


def decrire_invitation(invitation: Invitation) -> str:
    """What the invitation leads to, for its addressee (the folder's title stays for its participants)."""
    echange = Echange.objects.filter(uuid=invitation.objet_ref).select_related("juridiction").first()
    return f"un échange sécurisé de documents ({echange.juridiction})" if echange else ""


def accepter_invitation(invitation: Invitation, utilisateur: Utilisateur) -> str | None:
    """Invitation handler (registered in apps.py): runs inside comptes' acceptance transaction."""
    echange = Echange.objects.select_for_update().filter(uuid=invitation.objet_ref).first()
    if echange is None:
        return None
    participant = Participant.objects.filter(echange=echange, utilisateur=utilisateur, retire_le__isnull=True).first()
    if participant is None:
        participant = Participant.objects.create(
            echange=echange, utilisateur=utilisateur, qualite=Qualite.INVITE, ajoute_par=invitation.cree_par
        )
        _evenement(
            "participant_ajoute",
            acteur=utilisateur,
            objet=participant.uuid,
            echange=echange,
            details={"qualite": "invite", "invitation": str(invitation.uuid)},
        )
    return reverse("echanges:detail", args=[echange.uuid])


def retirer_participant(*, acteur: Utilisateur, participant: Participant) -> None:
    echange = participant.echange
    if not permissions.est_agent_de(acteur, echange):
        raise RefusService("Seuls les agents de l'échange peuvent retirer un participant.")
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.retire_le is not None:
            return
        if (
            participant.qualite == Qualite.AGENT
            and not Participant.objects.filter(echange=echange, qualite=Qualite.AGENT, retire_le__isnull=True)
            .exclude(pk=participant.pk)
            .exists()
        ):
            raise RefusService("L'échange doit garder au moins un agent.")
        participant.retire_le = timezone.now()
        participant.retire_par = acteur
        participant.save(update_fields=["retire_le", "retire_par"])
        _evenement("participant_retire", acteur=acteur, objet=participant.uuid, echange=echange)


# --- Files ----------------------------------------------------------------------------------------


def destinataires(fichier: Fichier) -> list[Participant]:
    """Participants other than the sender who could reach the file: in the folder at some moment
    between its deposit and the end of its availability (a person invited later who downloaded it
    is one of them)."""
    fin = fichier.supprime_le or fichier.expire_le or fichier.disponible_jusqu_au
    return [
        p
        for p in fichier.echange.participants.select_related("utilisateur")
        if p.utilisateur_id != fichier.depose_par_id
        and p.ajoute_le <= fin
        and (p.retire_le is None or p.retire_le > fichier.depose_le)
    ]


def _peut_recevoir(participant: Participant, echange: Echange) -> bool:
    user = participant.utilisateur
    if not user.is_active:
        return False
    if echange.est_penal and participant.qualite == Qualite.AGENT:
        return permissions.peut_voir_penal(user, echange.juridiction_id)
    return True


def deposer(*, acteur: Utilisateur, echange: Echange, depot: Depot, jours: int) -> Fichier:
    """Record a finished upload as a file of the folder, available ``jours`` days (1 to 30)."""
    if not DUREE_MIN_JOURS <= jours <= DUREE_MAX_JOURS:
        depot.abandonner()
        raise RefusService(
            f"La durée de mise à disposition doit être comprise entre {DUREE_MIN_JOURS} et {DUREE_MAX_JOURS} jours."
        )
    if permissions.participation(acteur, echange) is None:
        depot.abandonner()
        raise RefusService("Vous ne participez pas à cet échange.")
    with transaction.atomic():
        document = coffre.enregistrer(depot, proprietaire=f"echange:{echange.uuid}")
        maintenant = timezone.now()
        fichier = Fichier(
            echange=echange,
            document=document,
            depose_par=acteur,
            depose_le=maintenant,
            disponible_jusqu_au=maintenant + dt.timedelta(days=jours),
            nom=document.nom,
            taille=document.taille,
            sha256=document.sha256,
        )
        fichier.evenement_depot = _evenement(
            "depot",
            acteur=acteur,
            objet=fichier.uuid,
            echange=echange,
            document_sha256=document.sha256,
            details={"document": str(document.uuid), "taille": document.taille, "jours": jours},
        )
        fichier.save()
        _avis_de_mise_a_disposition(fichier)
    return fichier


def _avis_de_mise_a_disposition(fichier: Fichier) -> None:
    echange = fichier.echange
    adresses = [
        p.utilisateur.email
        for p in echange.participants.filter(retire_le__isnull=True).select_related("utilisateur")
        if p.utilisateur_id != fichier.depose_par_id and _peut_recevoir(p, echange)
    ]
    jusqu_au = timezone.localtime(fichier.disponible_jusqu_au, _zone(echange))
    if echange.est_penal:
        quoi = f"Un document a été mis à votre disposition dans un échange sécurisé ({echange.juridiction})."
    else:
        quoi = (
            f"Le document « {fichier.nom} » a été mis à votre disposition dans l'échange « {echange.titre} » "
            f"({echange.juridiction})."
        )
    envoyer_courriel(
        sujet="Justexpert : avis de mise à disposition d'un document",
        corps=(
            f"Bonjour,\n\n{quoi}\nIl reste disponible jusqu'au {jusqu_au:%d/%m/%Y à %H:%M}, puis son contenu est détruit.\n\n"
            f"Connectez-vous pour le télécharger : {lien_absolu(reverse('echanges:detail', args=[echange.uuid]))}\n\n"
            "Ce message ne contient aucun document.\n"
        ),
        destinataires=adresses,
    )


def _zone(echange: Echange) -> ZoneInfo:
    return zone(echange.juridiction.fuseau)


def message_indisponible(fichier: Fichier) -> str:
    if fichier.supprime_le is not None:
        return "Ce fichier a été supprimé par son expéditeur ou un agent : son contenu n'est plus disponible."
    fin = timezone.localtime(fichier.expire_le or fichier.disponible_jusqu_au, _zone(fichier.echange))
    return (
        f"Ce fichier n'est plus disponible : sa période de mise à disposition a pris fin le {fin:%d/%m/%Y à %H:%M} "
        "et son contenu a été détruit. Demandez à l'expéditeur de le déposer de nouveau si nécessaire."
    )


def enregistrer_telechargement(*, acteur: Utilisateur, fichier: Fichier) -> Telechargement:
    """Trace one download (in our table and in the evidence log) before the content is served."""
    with transaction.atomic():
        fichier = Fichier.objects.select_related("echange", "echange__juridiction").get(pk=fichier.pk)
        if not permissions.echanges_visibles(acteur).filter(pk=fichier.echange_id).exists():
            raise RefusService("Vous ne participez pas à cet échange.")
        if not fichier.est_disponible():
            raise FichierIndisponible(message_indisponible(fichier))
        evenement = _evenement(
            "telechargement", acteur=acteur, objet=fichier.uuid, echange=fichier.echange, document_sha256=fichier.sha256
        )
        return Telechargement.objects.create(fichier=fichier, utilisateur=acteur, evenement=evenement)


def _terminer(fichier: Fichier, *, acteur: Utilisateur | None, fin: str) -> Fichier:
    """Destroy the content through coffre; the destruction is our deletion/expiry event."""
    with transaction.atomic():
        fichier = Fichier.objects.select_for_update().select_related("echange", "document").get(pk=fichier.pk)
        if fichier.termine:
            return fichier
        recu: dict[str, Evenement] = {}

        def journal(_type: str, *, acteur: object, references: dict, empreintes: dict, details: dict) -> None:
            # The uniform destruction event (replayed after a restore), then the folder's own event.
            preuves.journal_destruction(dossier_ref=fichier.echange.uuid)(
                _type, acteur=acteur, references=references, empreintes=empreintes, details=details
            )
            recu["evenement"] = _evenement(
                fin,
                acteur=acteur,  # type: ignore[arg-type]
                objet=fichier.uuid,
                echange=fichier.echange,
                document_sha256=empreintes.get("sha256"),
                details={"document": references["document"]},
            )

        coffre.detruire(fichier.document, acteur=acteur, journal=journal, motif=fin)
        maintenant = timezone.now()
        if fin == "fichier_supprime":
            fichier.supprime_le = maintenant
            fichier.supprime_par = acteur
        else:
            fichier.expire_le = maintenant
        fichier.evenement_fin = recu.get("evenement") or _evenement(
            fin, acteur=acteur, objet=fichier.uuid, echange=fichier.echange, document_sha256=fichier.sha256
        )
        fichier.save(update_fields=["supprime_le", "supprime_par", "expire_le", "evenement_fin"])
    return fichier


def supprimer_fichier(*, acteur: Utilisateur, fichier: Fichier) -> Fichier:
    if not permissions.peut_supprimer(acteur, fichier):
        raise RefusService("Seuls l'expéditeur et les agents de l'échange peuvent supprimer ce fichier.")
    if fichier.termine:
        raise FichierIndisponible(message_indisponible(fichier))
    return _terminer(fichier, acteur=acteur, fin="fichier_supprime")


def expirer_fichiers() -> int:
    """Destroy the content of every file whose availability period is over (periodic task)."""
    nombre = 0
    echus = Fichier.objects.filter(
        disponible_jusqu_au__lte=timezone.now(), expire_le__isnull=True, supprime_le__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(echus):
        fichier = Fichier.objects.get(pk=pk)
        if _terminer(fichier, acteur=None, fin="fichier_expire").expire_le is not None:
            nombre += 1
    return nombre


def desactiver_invites_inactifs() -> int:
    """Deactivate accounts holding only the invite role that have been in no folder for the set
    period (counted from the end of their last participation, or from the account's creation)."""
    limite = timezone.now() - delai_desactivation()
    autres_roles = Appartenance.objects.exclude(role=Role.INVITE).values("utilisateur")
    en_cours = Participant.objects.filter(Q(retire_le__isnull=True) | Q(retire_le__gt=limite)).values("utilisateur")
    candidats = (
        Utilisateur.objects.filter(is_active=True, appartenances__role=Role.INVITE, date_joined__lte=limite)
        .exclude(pk__in=autres_roles)
        .exclude(pk__in=en_cours)
        .distinct()
    )
    nombre = 0
    for user in candidats:
        with transaction.atomic():
            Utilisateur.objects.filter(pk=user.pk).update(is_active=False)
            journaliser(EvenementSecurite.COMPTE_DESACTIVE, utilisateur=user, details={"motif": "invite_sans_echange"})
        terminer_sessions(user)
        nombre += 1
    return nombre
