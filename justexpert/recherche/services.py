"""Every change of state of recherche: availability, requests to experts and their answers.

Each function runs in one transaction and takes the acting user as keyword ``acteur``; mails go
out after commit (``envoyer_courriel``). recherche may not import preuves (module boundaries), so
these events are not in the evidence log: the designation that follows (expertises) is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from justexpert.annuaire.models import Expert
from justexpert.comptes.models import ROLES_JUSTICE, Utilisateur
from justexpert.comptes.services import RefusService, envoyer_courriel, lien_absolu
from justexpert.lib.format import horodatage

from . import index
from .models import (
    TRANSITIONS,
    Demande,
    Disponibilite,
    EtatDisponibilite,
    EtatSollicitation,
    Sollicitation,
    TypeProcedure,
)

MAX_EXPERTS_PAR_DEMANDE = 10


def disponibilite_de(expert: Expert) -> Disponibilite:
    """The expert's statement, or the default (disponible, no maximum), unsaved."""
    return Disponibilite.objects.filter(expert=expert).first() or Disponibilite(expert=expert)


def est_indisponible(d: Disponibilite, le: dt.date | None = None) -> bool:
    jour = le or timezone.localdate()
    if d.etat == EtatDisponibilite.INDISPONIBLE:
        return True
    return d.etat == EtatDisponibilite.INDISPONIBLE_JUSQU_AU and d.jusqu_au is not None and d.jusqu_au >= jour


def est_complet(d: Disponibilite, expert: Expert) -> bool:
    return d.max_missions is not None and expert.missions_en_cours >= d.max_missions


def peut_etre_sollicite(expert: Expert) -> bool:
    d = disponibilite_de(expert)
    return Expert.objects.designables().filter(pk=expert.pk).exists() and not est_indisponible(d) and not est_complet(d, expert)


def definir_disponibilite(
    expert: Expert, *, acteur: Utilisateur, etat: str, jusqu_au: dt.date | None = None, max_missions: int | None = None
) -> Disponibilite:
    if expert.utilisateur_id != acteur.pk:
        raise RefusService("Seul l'expert déclare sa disponibilité.")
    if etat not in EtatDisponibilite.values:
        raise RefusService("État de disponibilité inconnu.")
    if etat == EtatDisponibilite.INDISPONIBLE_JUSQU_AU:
        if jusqu_au is None:
            raise RefusService("Indiquez la date jusqu'à laquelle vous êtes indisponible.")
        if jusqu_au < timezone.localdate():
            raise RefusService("La date de fin d'indisponibilité est passée.")
    else:
        jusqu_au = None
    if max_missions is not None and not 1 <= max_missions <= 999:
        raise RefusService("Le nombre maximum de missions doit être compris entre 1 et 999.")
    with transaction.atomic():
        d, _ = Disponibilite.objects.select_for_update().get_or_create(expert=expert)
        d.etat, d.jusqu_au, d.max_missions = etat, jusqu_au, max_missions
        d.save()
        index.disponibilite_changee(expert.pk)  # the search reads the statement from the document
    return d


def organisation_du(user: Utilisateur):  # type: ignore[no-untyped-def]
    for a in user._appartenances():
        if a.role in ROLES_JUSTICE and a.organisation is not None:
            return a.organisation
    return None


def solliciter(
    *,
    acteur: Utilisateur,
    experts: Sequence[Expert],
    resume_mission: str,
    type_procedure: str,
    delai_mission: dt.date,
    date_limite_reponse: dt.datetime,
) -> Demande:
    """One request to one or several experts who can be solicited now; each is told by mail."""
    if not acteur.a_role(*ROLES_JUSTICE):
        raise RefusService("Seuls les magistrats, greffiers et agents sollicitent des experts.")
    experts = list(dict.fromkeys(experts))
    if not experts:
        raise RefusService("Choisissez au moins un expert.")
    if len(experts) > MAX_EXPERTS_PAR_DEMANDE:
        raise RefusService(f"Au plus {MAX_EXPERTS_PAR_DEMANDE} experts par demande.")
    if type_procedure not in TypeProcedure.values:
        raise RefusService("Type de procédure inconnu.")
    if not resume_mission.strip():
        raise RefusService("Le résumé de la mission est obligatoire.")
    maintenant = timezone.now()
    if date_limite_reponse <= maintenant:
        raise RefusService("La date limite de réponse doit être dans le futur.")
    if delai_mission < timezone.localdate():
        raise RefusService("La date attendue du rapport est passée.")
    with transaction.atomic():
        for e in experts:
            if not peut_etre_sollicite(e):
                raise RefusService(
                    f"{e.nom_complet} ne peut pas être sollicité actuellement (indisponible, complet ou non inscrit)."
                )
        demande = Demande.objects.create(
            demandeur=acteur,
            organisation=organisation_du(acteur),
            resume_mission=resume_mission.strip(),
            type_procedure=type_procedure,
            delai_mission=delai_mission,
            date_limite_reponse=date_limite_reponse,
        )
        sollicitations = Sollicitation.objects.bulk_create([Sollicitation(demande=demande, expert=e) for e in experts])
        for s in sollicitations:
            _prevenir_expert(s, demande)
    return demande


def _prevenir_expert(s: Sollicitation, demande: Demande) -> None:
    adresse = s.expert.utilisateur.email if s.expert.utilisateur_id else s.expert.email  # type: ignore[union-attr]
    fuseau = demande.organisation.fuseau if demande.organisation else None
    envoyer_courriel(
        sujet="Justexpert — une juridiction vous sollicite pour une mission",
        corps=(
            f"Bonjour,\n\n{demande.organisation or 'Une juridiction'} vous sollicite pour une mission d'expertise "
            f"({demande.get_type_procedure_display().lower()}).\n"
            f"Merci de répondre avant le {horodatage(demande.date_limite_reponse, fuseau)}.\n\n"
            "Le résumé de la mission est accessible après connexion :\n"
            f"{lien_absolu(reverse('recherche:sollicitation', args=[s.uuid]))}\n"
        ),
        destinataires=[adresse],
    )


def _transition(s: Sollicitation, vers: str) -> None:
    if vers not in TRANSITIONS[s.etat]:
        raise RefusService(f"Cette sollicitation est déjà « {s.get_etat_display().lower()} ».")
    s.etat = vers


def repondre(
    sollicitation: Sollicitation,
    *,
    acteur: Utilisateur,
    accepte: bool,
    motif: str = "",
    conflit_interets: bool = False,
    conflit_details: str = "",
) -> Sollicitation:
    """The expert accepts or refuses (a refusal needs a reason) and declares any conflict."""
    if sollicitation.expert.utilisateur_id != acteur.pk:
        raise RefusService("Seul l'expert sollicité répond.")
    if expirer_sollicitations(sollicitation=sollicitation):
        # Committed on its own: the refusal below must not roll the expiry back.
        raise RefusService("La date limite de réponse est dépassée : la sollicitation a expiré.")
    with transaction.atomic():
        s = Sollicitation.objects.select_for_update().select_related("demande", "expert").get(pk=sollicitation.pk)
        if not accepte and not motif.strip():
            raise RefusService("Indiquez le motif du refus.")
        if conflit_interets and not conflit_details.strip():
            raise RefusService("Précisez le conflit d'intérêts déclaré.")
        _transition(s, EtatSollicitation.ACCEPTEE if accepte else EtatSollicitation.REFUSEE)
        s.motif = motif.strip()
        s.conflit_interets = conflit_interets
        s.conflit_details = conflit_details.strip() if conflit_interets else ""
        s.repondu_le = timezone.now()
        s.repondu_par = acteur
        s.save()
        demande = s.demande
        envoyer_courriel(
            sujet="Justexpert — réponse d'un expert à votre demande",
            corps=(
                f"{s.expert.nom_complet} a répondu à votre demande du {demande.cree_le:%d/%m/%Y} : "
                f"{s.get_etat_display().lower()}.\n{lien_absolu(reverse('recherche:demande', args=[demande.uuid]))}\n"
            ),
            destinataires=[demande.demandeur.email],
        )
    return s


def expirer_sollicitations(maintenant: dt.datetime | None = None, *, sollicitation: Sollicitation | None = None) -> int:
    """Unanswered requests past their answer deadline expire (periodic task; also checked when
    an expert answers late)."""
    instant = maintenant or timezone.now()
    qs = Sollicitation.objects.filter(etat=EtatSollicitation.EN_ATTENTE, demande__date_limite_reponse__lte=instant)
    if sollicitation is not None:
        qs = qs.filter(pk=sollicitation.pk)
    with transaction.atomic():
        return qs.update(etat=EtatSollicitation.EXPIREE)
