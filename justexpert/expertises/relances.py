"""Reminders (relances) of the judge in charge of the control of expertises (CPC 155-1, décret
2012-1451): a dated message written in each chosen case for its expert(s), who acknowledge it.

``controle`` calls ``relancer`` for a batch of cases; nothing else writes a ``Relance``. Each
reminder and each acknowledgement is an event of the evidence log (references only: never the
message, a name or an RG number); the message itself stays in the case.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from justexpert.comptes.models import Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.lib.temps import maintenant

from . import permissions
from .models import Etat, Expertise, Qualite, Relance
from .services import _courriel, _evenement, participants_actifs

LONGUEUR_MAX = 2000
MAXIMUM_PAR_ENVOI = 500


def relancer(*, acteur: Utilisateur, expertises: Iterable[Expertise], message: str) -> list[Relance]:
    """One reminder per case and active expert; all or nothing. The acting judge must hold the
    « contrôle des expertises » habilitation of every case's juridiction (and see the case)."""
    message = (message or "").strip()
    if not message:
        raise RefusService("Écrivez le message de la relance.")
    if len(message) > LONGUEUR_MAX:
        raise RefusService(f"Le message ne peut pas dépasser {LONGUEUR_MAX} caractères.")
    cibles = list({e.pk: e for e in expertises}.values())
    if not cibles:
        raise RefusService("Choisissez au moins une expertise à relancer.")
    if len(cibles) > MAXIMUM_PAR_ENVOI:
        raise RefusService(f"Choisissez au plus {MAXIMUM_PAR_ENVOI} expertises par envoi.")
    controle = permissions.juridictions_controle(acteur)
    visibles = set(permissions.expertises_visibles(acteur).filter(pk__in=[e.pk for e in cibles]).values_list("pk", flat=True))
    faites: list[Relance] = []
    with transaction.atomic():
        for e in Expertise.objects.select_for_update().select_related("juridiction").filter(pk__in=[c.pk for c in cibles]):
            if e.juridiction_id not in controle or e.pk not in visibles:
                raise RefusService("Vous n'êtes pas chargé du contrôle des expertises de cette juridiction.")
            if e.etat in (Etat.CLOSE, Etat.CADUQUE):
                raise RefusService(f"L'expertise RG {e.numero_rg} n'est plus en cours : elle ne peut pas être relancée.")
            experts = participants_actifs(e, Qualite.EXPERT)
            if not experts:
                raise RefusService(f"L'expertise RG {e.numero_rg} n'a pas d'expert à relancer.")
            for p in experts:
                relance = Relance(expertise=e, expert=p.utilisateur, auteur=acteur, message=message, envoyee_le=maintenant())
                relance.evenement = _evenement(
                    "relance", acteur=acteur, expertise=e, objet=relance.uuid, expert=str(p.utilisateur.uuid)
                )
                relance.save()
                faites.append(relance)
            _courriel(
                e,
                [p.utilisateur for p in experts],
                "relance du juge chargé du contrôle des expertises",
                "Le juge chargé du contrôle des expertises vous adresse une relance. "
                "Lisez-la dans l'expertise et accusez-en réception.",
            )
    return faites


def accuser_reception(*, acteur: Utilisateur, relance: Relance) -> Relance:
    """The expert it is addressed to acknowledges it, once."""
    with transaction.atomic():
        r = Relance.objects.select_for_update().select_related("expertise").get(pk=relance.pk)
        if r.expert_id != acteur.pk:
            raise RefusService("Seul l'expert à qui la relance est adressée peut en accuser réception.")
        if r.accusee_le is not None:
            raise RefusService("Vous avez déjà accusé réception de cette relance.")
        r.accusee_le = maintenant()
        r.evenement_accuse = _evenement("relance_accusee", acteur=acteur, expertise=r.expertise, objet=r.uuid)
        r.save(update_fields=["accusee_le", "evenement_accuse"])
    return r


def a_accuser(user: Utilisateur, expertise: Expertise) -> list[Relance]:
    """The reminders of this case still waiting for this user's acknowledgement."""
    return list(Relance.objects.filter(expertise=expertise, expert=user, accusee_le__isnull=True).order_by("envoyee_le", "id"))
