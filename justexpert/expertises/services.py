"""Every change of state of an expertise case: designation, the transitions of the procedure
(procedure.py), incidents, participants and invitations, and the deadline task.

Each function runs in one transaction, takes the acting user as ``acteur`` (``None``: the platform's
periodic task), locks the case row, checks the transition against the table and the acting person's
capacity in the case, writes, appends the event to the evidence log in the same transaction
(references only: never a name, an RG number or a mission text) and queues its mails after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse

from justexpert.annuaire import activite as releve
from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import Expert, NatureFait
from justexpert.comptes.models import Habilitation, Organisation, Role, Utilisateur
from justexpert.comptes.services import RefusService, envoyer_courriel, lien_absolu
from justexpert.lib.format import date_longue
from justexpert.lib.temps import date_locale, echeance_en_jours, est_echu, jours_restants, maintenant
from justexpert.preuves import services as preuves
from justexpert.preuves.models import Evenement
from justexpert.recherche.lecture import sollicitations_acceptees
from justexpert.recherche.models import PROCEDURES_PENALES, Sollicitation
from justexpert.recherche.models import TypeProcedure as TypeDemande

from . import conditions, extensions, greffes, permissions, portalis, procedure
from .models import (
    PROCEDURES_PAR_MATIERE,
    Etat,
    Expertise,
    Historique,
    Matiere,
    Participant,
    Partie,
    Qualite,
    Rappel,
    StatutConsignation,
)
from .procedure import ETATS_MISSION, SYSTEME

OBJET_INVITATION = "expertises.participant"
DUREE_INVITATION = dt.timedelta(days=14)
ACTEUR_SYSTEME = "systeme"
# CPP 161-1: 10 days to ask for other questions or another expert. CPP 167 / 167-2: at least
# 15 days (1 month for accounting or financial expertises). CPC 282: 15 days on the fee request.
JOURS_OBSERVATIONS_ORDONNANCE = 10
JOURS_OBSERVATIONS_MINIMUM = 15
JOURS_OBSERVATIONS_FINANCIERE = 30
JOURS_OBSERVATIONS_REMUNERATION = 15
PREAVIS_JOURS = (7, 1)


class RefusTransition(RefusService):
    """The transition is not possible now (state, matter, deadline or data)."""


def _ref(user: Utilisateur | None) -> str:
    return str(user.uuid) if user is not None else ACTEUR_SYSTEME


def _evenement(
    type_: str, *, acteur: Utilisateur | None, expertise: Expertise, objet: object = None, **details: Any
) -> Evenement:
    return preuves.enregistrer(
        f"expertises.{type_}",
        acteur_ref=_ref(acteur),
        objet_ref=str(objet or expertise.uuid),
        dossier_ref=str(expertise.uuid),
        details={k: v for k, v in details.items() if v is not None} or None,
    )


def modifier_portalis(*, acteur: Utilisateur, expertise: Expertise, numero: str) -> Expertise:
    """The juridiction (magistrat or greffier of the case) enters or corrects the Portalis number of a
    civil case opened without it. The evidence log records the change, never the number."""
    try:
        numero = portalis.valider(numero)
    except ValueError as exc:
        raise RefusService(str(exc)) from None
    with transaction.atomic():
        e = Expertise.objects.select_for_update().get(pk=expertise.pk)
        if not permissions.qualites(acteur, e) & {Qualite.MAGISTRAT, Qualite.GREFFIER}:
            raise RefusService("Seule la juridiction (magistrat ou greffier de l'expertise) indique le numéro Portalis.")
        if e.est_penale:
            raise RefusService("Le numéro Portalis concerne les affaires civiles.")
        if e.etat == Etat.CLOSE:
            raise RefusService("L'expertise est close.")
        if e.numero_portalis != numero:
            e.numero_portalis = numero
            e.save(update_fields=["numero_portalis"])
            _evenement("portalis_modifie", acteur=acteur, expertise=e)
    return e


def lien(expertise: Expertise) -> str:
    return lien_absolu(reverse("expertises:detail", args=[expertise.uuid]))


def _courriel(expertise: Expertise, destinataires: Iterable[Utilisateur], sujet: str, texte: str) -> None:
    """Mails name the juridiction and the state, never the parties, the mission or (penal) the RG."""
    reference = "" if expertise.est_penale else f" (RG {expertise.numero_rg})"
    envoyer_courriel(
        sujet=f"Justexpert : {sujet}",
        corps=f"Bonjour,\n\n{texte}\n\nExpertise{reference}, {expertise.juridiction} :\n{lien(expertise)}\n",
        destinataires=sorted({u.email for u in destinataires if u.is_active}),
    )


def participants_actifs(expertise: Expertise, *qualites: str) -> list[Participant]:
    qs = Participant.objects.filter(expertise=expertise, retire_le__isnull=True).select_related("utilisateur", "fiche_expert")
    if qualites:
        qs = qs.filter(qualite__in=qualites)
    return list(qs)


def _destinataires(expertise: Expertise, *qualites: str) -> list[Utilisateur]:
    if expertise.est_penale:
        qualites = tuple(q for q in qualites if q != Qualite.PARTIE)
    return [p.utilisateur for p in participants_actifs(expertise, *qualites)]


# --- Deadlines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Echeance:
    nature: str
    libelle: str
    jour: dt.date
    qualites: frozenset[str]


def echeances(e: Expertise) -> list[Echeance]:
    """The deadlines that matter in the case's current state (no query: read from its fields)."""
    a, p, ex, m, g = Qualite.AVOCAT, Qualite.PARTIE, Qualite.EXPERT, Qualite.MAGISTRAT, Qualite.GREFFIER
    items: list[Echeance] = []
    if e.etat == Etat.ATTENTE_CONSIGNATION and e.consignation_date_limite:
        items.append(Echeance("consignation", "Consignation de la provision", e.consignation_date_limite, frozenset({a, p, g})))
    if e.consignation_statut == StatutConsignation.COMPLEMENT_A_CONSIGNER and e.consignation_date_limite:
        items.append(Echeance("complement", "Consignation complémentaire", e.consignation_date_limite, frozenset({a, p, g})))
    if e.etat == Etat.PHASE_DIRES and e.date_limite_dires:
        items.append(Echeance("dires", "Dires des parties", e.date_limite_dires, frozenset({a, p, ex})))
    if e.date_limite_observations:
        libelles: dict[str, str] = {
            Etat.NOTIFIEE: "Observations sur la décision (CPP 161-1)",
            Etat.ACCEPTEE: "Observations sur la décision (CPP 161-1)",
            Etat.RAPPORT_PROVISOIRE: "Observations sur le rapport provisoire (CPP 167-2)",
            Etat.CONCLUSIONS_NOTIFIEES: "Demandes de complément ou de contre-expertise (CPP 167)",
            Etat.RAPPORT_DEPOSE: "Observations sur la demande de rémunération (CPC 282)",
        }
        if e.etat in libelles and (e.est_penale or e.etat == Etat.RAPPORT_DEPOSE):
            items.append(Echeance("observations", libelles[e.etat], e.date_limite_observations, frozenset({a, p, ex, m})))
    if e.etat in ETATS_MISSION and e.etat != Etat.ORDONNEE:
        items.append(Echeance("rapport", "Dépôt du rapport", e.date_limite_rapport, frozenset({ex, m, g})))
    return sorted(items, key=lambda i: i.jour)


def prochaine_echeance(e: Expertise) -> Echeance | None:
    items = echeances(e)
    return items[0] if items else None


def _jour_futur(jour: dt.date | None, e: Expertise, champ: str) -> dt.date:
    if jour is None:
        raise RefusTransition(f"Indiquez {champ}.")
    if jour <= date_locale(maintenant(), e.fuseau):
        raise RefusTransition(f"{champ[0].upper()}{champ[1:]} doit être postérieure à aujourd'hui ({e.juridiction.fuseau}).")
    return jour


def minimum_observations(e: Expertise, depuis: dt.datetime | None = None) -> dt.date:
    jours = JOURS_OBSERVATIONS_FINANCIERE if e.matiere_financiere else JOURS_OBSERVATIONS_MINIMUM
    return echeance_en_jours(depuis or maintenant(), jours, e.fuseau)


# --- Designation -----------------------------------------------------------------------------------


def _fiche_designable(fiche: Expert, matiere: str) -> Utilisateur:
    if not Expert.objects.designables().filter(pk=fiche.pk).exists():
        raise RefusService("Cet expert n'est inscrit sur aucune liste en vigueur : il ne peut pas être désigné ici.")
    if matiere == Matiere.PENALE and not fiche.matiere_penale:
        raise RefusService("Cet expert n'accepte pas les missions en matière pénale.")
    if matiere == Matiere.CIVILE and not fiche.matiere_civile:
        raise RefusService("Cet expert n'accepte pas les missions en matière civile.")
    if fiche.utilisateur is None or not fiche.utilisateur.is_active:
        raise RefusService("Cet expert n'a pas encore de compte relié à sa fiche : la cour doit d'abord l'inviter.")
    return fiche.utilisateur


def _membre(user: Utilisateur, role: str, juridiction: Organisation, matiere: str) -> bool:
    habs = (Habilitation.MATIERE_PENALE,) if matiere == Matiere.PENALE else ()
    return juridiction.pk in permissions.juridictions(user, role, *habs)


def designer(
    *,
    acteur: Utilisateur,
    juridiction: Organisation,
    numero_rg: str,
    matiere: str,
    type_procedure: str,
    fiche_expert: Expert,
    mission: str,
    questions: list[str],
    date_ordonnance: dt.date,
    date_limite_rapport: dt.date,
    magistrat: Utilisateur | None = None,
    greffiers: Iterable[Utilisateur] = (),
    consignation_montant: Decimal | None = None,
    consignation_date_limite: dt.date | None = None,
    parties: Iterable[tuple[str, str]] = (),
    sollicitation: Sollicitation | None = None,
    matiere_financiere: bool = False,
    urgence: bool = False,
    numero_portalis: str = "",
) -> Expertise:
    """Open a case: a magistrate designates (``magistrat`` is then themselves), or a greffier of the
    juridiction records by hand the designation made by a magistrate of that juridiction."""
    if matiere not in Matiere.values or type_procedure not in PROCEDURES_PAR_MATIERE[Matiere(matiere)]:
        raise RefusService("Ce type de procédure ne correspond pas à la matière choisie.")
    if _membre(acteur, Role.MAGISTRAT, juridiction, matiere):
        magistrat = magistrat or acteur
    elif not _membre(acteur, Role.GREFFIER, juridiction, matiere):
        raise RefusService(
            "Vous n'êtes ni magistrat ni greffier de cette juridiction"
            + (" habilité en matière pénale." if matiere == Matiere.PENALE else ".")
        )
    if magistrat is None or not _membre(magistrat, Role.MAGISTRAT, juridiction, matiere):
        raise RefusService(
            "Le magistrat qui ordonne l'expertise doit être magistrat de cette juridiction"
            + (" habilité en matière pénale." if matiere == Matiere.PENALE else ".")
        )
    greffiers = list(greffiers)
    for g in greffiers:
        if not _membre(g, Role.GREFFIER, juridiction, matiere):
            raise RefusService(f"{g} n'est pas greffier de cette juridiction (habilité si l'affaire est pénale).")
    if acteur.a_role(Role.GREFFIER) and acteur not in greffiers and _membre(acteur, Role.GREFFIER, juridiction, matiere):
        greffiers.append(acteur)
    if not greffiers:
        # Without a greffier nobody notifies the expert or records the consignation: the case would be stuck.
        greffiers = greffes.par_defaut(juridiction, matiere)
    if not greffiers:
        raise RefusService(
            "Choisissez au moins un greffier : cette juridiction n'a pas de greffe par défaut pour les expertises"
            + (" habilité en matière pénale" if matiere == Matiere.PENALE else "")
            + " (son administrateur peut en désigner un)."
        )
    sollicitation_ref = ""
    if sollicitation is not None:
        if not sollicitations_acceptees(acteur).filter(pk=sollicitation.pk).exists():
            raise RefusService("Cette sollicitation n'a pas été acceptée, ou vous n'y avez pas accès.")
        if sollicitation.expert_id != fiche_expert.pk:
            raise RefusService("L'expert désigné doit être celui qui a accepté la sollicitation.")
        if Expertise.objects.filter(sollicitation_ref=str(sollicitation.uuid)).exists():
            raise RefusService("Une expertise a déjà été ouverte à partir de cette sollicitation.")
        sollicitation_ref = str(sollicitation.uuid)
    utilisateur_expert = _fiche_designable(fiche_expert, matiere)
    aujourd_hui = date_locale(maintenant(), juridiction.fuseau)
    if date_ordonnance > aujourd_hui:
        raise RefusService("La date de la décision ne peut pas être dans le futur.")
    if date_limite_rapport <= aujourd_hui:
        raise RefusService("La date limite du rapport doit être postérieure à aujourd'hui.")
    if matiere == Matiere.PENALE and consignation_montant is not None:
        raise RefusService("En matière pénale, pas de consignation : les frais d'expertise sont des frais de justice.")
    if consignation_montant is not None:
        if consignation_montant <= 0:
            raise RefusService("Le montant de la consignation doit être positif.")
        if consignation_date_limite is None or consignation_date_limite <= aujourd_hui:
            raise RefusService("Indiquez une date limite de consignation postérieure à aujourd'hui (CPC 269).")
    elif consignation_date_limite is not None:
        raise RefusService("Indiquez le montant de la consignation, ou retirez sa date limite.")
    if not numero_rg.strip() or not mission.strip():
        raise RefusService("Le numéro RG et la mission sont obligatoires.")
    try:
        numero_portalis = portalis.valider(numero_portalis)
    except ValueError as exc:
        raise RefusService(str(exc)) from None
    if numero_portalis and matiere == Matiere.PENALE:
        raise RefusService("Le numéro Portalis concerne les affaires civiles : laissez-le vide en matière pénale.")
    with transaction.atomic():
        e = Expertise.objects.create(
            juridiction=juridiction,
            numero_rg=numero_rg.strip(),
            numero_portalis=numero_portalis,
            matiere=matiere,
            type_procedure=type_procedure,
            magistrat=magistrat,
            date_ordonnance=date_ordonnance,
            mission=mission.strip(),
            questions=[q.strip() for q in questions if q.strip()],
            sollicitation_ref=sollicitation_ref,
            date_limite_rapport=date_limite_rapport,
            consignation_montant=consignation_montant,
            consignation_date_limite=consignation_date_limite,
            consignation_statut=StatutConsignation.A_CONSIGNER if consignation_montant else StatutConsignation.SANS_OBJET,
            matiere_financiere=matiere_financiere,
            urgence=urgence,
            cree_par=acteur,
        )
        Participant.objects.create(expertise=e, utilisateur=magistrat, qualite=Qualite.MAGISTRAT, ajoute_par=acteur)
        for g in dict.fromkeys(greffiers):
            Participant.objects.create(expertise=e, utilisateur=g, qualite=Qualite.GREFFIER, ajoute_par=acteur)
        Participant.objects.create(
            expertise=e, utilisateur=utilisateur_expert, qualite=Qualite.EXPERT, fiche_expert=fiche_expert, ajoute_par=acteur
        )
        for designation, qualite in parties:
            if designation.strip():
                Partie.objects.create(expertise=e, designation=designation.strip()[:200], qualite=qualite)
        evenement = _evenement(
            "designation",
            acteur=acteur,
            expertise=e,
            expert=fiche_expert.uuid,
            sollicitation=sollicitation_ref or None,
            matiere=matiere,
        )
        Historique.objects.create(
            expertise=e,
            transition="designer",
            etat_avant=Etat.ORDONNEE,
            etat_apres=Etat.ORDONNEE,
            acteur=acteur,
            qualite=Qualite.MAGISTRAT if acteur == magistrat else Qualite.GREFFIER,
            evenement=evenement,
        )
        annuaire.mettre_a_jour_compteurs(fiche_expert, missions_ouvertes=1, designation_le=date_ordonnance)
        extensions.reagir("designer", e, acteur=acteur)
        _courriel(
            e,
            _destinataires(e, Qualite.GREFFIER, Qualite.MAGISTRAT),
            "une expertise est ordonnée",
            "Une expertise vient d'être ordonnée ; le greffe doit en notifier la désignation à l'expert.",
        )
    return e


def depuis_sollicitation(s: Sollicitation) -> dict[str, object]:
    """What a designation takes from an accepted solicitation (recherche): expert, mission summary,
    report deadline, matter and procedure type."""
    penale = s.demande.type_procedure in PROCEDURES_PENALES
    correspondance: dict[str, str] = {
        TypeDemande.REFERE: "refere",
        TypeDemande.PENALE: "instruction",
        TypeDemande.CONTROLE_PENAL: "instruction",
    }
    return {
        "fiche_expert": s.expert,
        "mission": s.demande.resume_mission,
        "date_limite_rapport": s.demande.delai_mission,
        "matiere": Matiere.PENALE if penale else Matiere.CIVILE,
        "type_procedure": correspondance.get(s.demande.type_procedure, "fond"),
        "juridiction": s.demande.organisation,
    }


# --- Transitions -------------------------------------------------------------------------------------


def _qualite_agissante(acteur: Utilisateur | None, e: Expertise, t: procedure.Transition) -> str:
    if acteur is None:
        if SYSTEME not in t.qualites:
            raise RefusTransition("Cette action doit être faite par une personne.")
        return SYSTEME
    autorisees = permissions.qualites(acteur, e) & t.qualites
    if not autorisees:
        raise RefusTransition(f"Vous ne pouvez pas « {t.libelle.lower()} » dans cette expertise.")
    for q in (Qualite.MAGISTRAT, Qualite.GREFFIER, Qualite.EXPERT):
        if q in autorisees:
            return q
    return sorted(autorisees)[0]


def _franchir(
    nom: str,
    *,
    acteur: Utilisateur | None,
    expertise: Expertise,
    motif: str = "",
    appliquer: Callable[[Expertise], dict[str, Any] | None] | None = None,
    compter: bool = True,
) -> Expertise:
    """Fire transition ``nom``: lock, check the table and the capacity, apply, log, record history."""
    t = procedure.transition(nom)
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
        qualite = _qualite_agissante(acteur, e, t)
        if not t.possible_depuis(e.etat, e.matiere):
            raise RefusTransition(
                f"« {t.libelle} » n'est pas possible : l'expertise est à l'état « {e.get_etat_display().lower()} »."
                if e.matiere in t.matieres
                else f"« {t.libelle} » ne s'applique pas en matière {e.get_matiere_display().lower()}."
            )
        raison = conditions.empechement(nom, e)
        if raison:
            raise RefusTransition(raison)
        avant = e.etat
        details = (appliquer(e) if appliquer else None) or {}
        if t.cible is not None:
            e.etat = t.cible
            e.etat_depuis = maintenant()
        if e.etat == Etat.CLOSE:
            e.close_le = maintenant()
        e.save()
        if compter:
            _compter_missions(e, avant)
        evenement = _evenement(
            nom, acteur=acteur, expertise=e, de=avant, vers=e.etat, qualite=qualite if qualite != SYSTEME else None, **details
        )
        Historique.objects.create(
            expertise=e,
            transition=nom,
            etat_avant=avant,
            etat_apres=e.etat,
            acteur=acteur,
            qualite="" if qualite == SYSTEME else qualite,
            motif=motif.strip(),
            evenement=evenement,
        )
        extensions.reagir(nom, e, acteur=acteur)
        _prevenir(e, t, acteur)
    return e


def _compter_missions(e: Expertise, avant: str) -> None:
    """annuaire counts the missions an expert holds (ETATS_MISSION): push the change."""
    delta = (e.etat in ETATS_MISSION) - (avant in ETATS_MISSION)
    if delta:
        jour = date_locale(maintenant(), e.fuseau) if delta > 0 else None
        for p in participants_actifs(e, Qualite.EXPERT):
            if p.fiche_expert is not None:
                annuaire.mettre_a_jour_compteurs(p.fiche_expert, missions_ouvertes=delta, designation_le=jour)


def consigner(e: Expertise, nature: str, *, reference: object = None, montant: Decimal | None = None) -> None:
    """Push a fact of the experts' activity to their record in annuaire (annuaire.activite), dated
    in the court's time zone; ``reference`` (the case by default) makes a replayed push harmless."""
    jour = date_locale(maintenant(), e.fuseau)
    for p in participants_actifs(e, Qualite.EXPERT):
        if p.fiche_expert is not None:
            releve.consigner_fait(p.fiche_expert, nature, jour=jour, reference=reference or e.uuid, montant=montant)


def _prevenir(e: Expertise, t: procedure.Transition, acteur: Utilisateur | None) -> None:
    """Tell those who must act next (procedure.ATTENTE) that the case moved."""
    qualites, phrase = procedure.ATTENTE[Etat(e.etat)]
    destinataires = [u for u in _destinataires(e, *qualites) if acteur is None or u.pk != acteur.pk]
    if destinataires:
        _courriel(
            e,
            destinataires,
            t.libelle.lower(),
            f"« {t.libelle} » : l'expertise est maintenant « {e.get_etat_display().lower()} ».\n{phrase}",
        )


def notifier(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    def appliquer(e: Expertise) -> None:
        if e.est_penale:  # CPP 161-1: copy to the prosecutor and the parties, 10 days to ask for changes
            e.date_limite_observations = echeance_en_jours(maintenant(), JOURS_OBSERVATIONS_ORDONNANCE, e.fuseau)

    e = _franchir("notifier", acteur=acteur, expertise=expertise, appliquer=appliquer)
    if e.est_penale:
        _courriel(
            e,
            _destinataires(e, Qualite.AVOCAT),
            "décision ordonnant une expertise",
            f"Vous pouvez demander de modifier les questions ou d'adjoindre un expert jusqu'au "
            f"{date_longue(e.date_limite_observations)} (CPP 161-1).",  # type: ignore[arg-type]
        )
    return e


def accepter(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    def appliquer(e: Expertise) -> None:
        consigner(e, NatureFait.MISSION_ACCEPTEE)

    return _franchir("accepter", acteur=acteur, expertise=expertise, appliquer=appliquer)


def _motif(motif: str) -> str:
    if not motif.strip():
        raise RefusTransition("Indiquez le motif.")
    return motif


def refuser(*, acteur: Utilisateur, expertise: Expertise, motif: str) -> Expertise:
    def appliquer(e: Expertise) -> None:
        consigner(e, NatureFait.MISSION_REFUSEE)

    return _franchir("refuser", acteur=acteur, expertise=expertise, motif=_motif(motif), appliquer=appliquer)


def recuser(*, acteur: Utilisateur, expertise: Expertise, motif: str) -> Expertise:
    return _franchir("recuser", acteur=acteur, expertise=expertise, motif=_motif(motif))


def remplacer(*, acteur: Utilisateur, expertise: Expertise, fiche_expert: Expert, motif: str = "") -> Expertise:
    """Replace the expert(s) (CPC 235, CPP 161): the former expert's access ends, the new one must
    be notified and accept; the counters of both move."""

    def appliquer(e: Expertise) -> dict[str, Any]:
        nouveau = _fiche_designable(fiche_expert, e.matiere)
        anciens = participants_actifs(e, Qualite.EXPERT)
        if any(p.fiche_expert_id == fiche_expert.pk for p in anciens):
            raise RefusTransition("Cet expert est déjà désigné dans cette expertise : choisissez-en un autre.")
        for p in anciens:
            p.retire_le = maintenant()
            p.retire_par = acteur
            p.save(update_fields=["retire_le", "retire_par"])
            if p.fiche_expert is not None and e.etat in ETATS_MISSION:
                annuaire.mettre_a_jour_compteurs(p.fiche_expert, missions_ouvertes=-1)
        Participant.objects.create(
            expertise=e, utilisateur=nouveau, qualite=Qualite.EXPERT, fiche_expert=fiche_expert, ajoute_par=acteur
        )
        annuaire.mettre_a_jour_compteurs(fiche_expert, missions_ouvertes=1, designation_le=date_locale(maintenant(), e.fuseau))
        return {"expert": fiche_expert.uuid}

    return _franchir("remplacer", acteur=acteur, expertise=expertise, motif=motif, appliquer=appliquer, compter=False)


def inviter_consignation(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    def appliquer(e: Expertise) -> None:
        _jour_futur(e.consignation_date_limite, e, "la date limite de consignation")
        e.consignation_statut = StatutConsignation.A_CONSIGNER

    e = _franchir("inviter_consignation", acteur=acteur, expertise=expertise, appliquer=appliquer)
    return e


def constater_consignation(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    def appliquer(e: Expertise) -> None:
        e.consignation_statut = StatutConsignation.CONSIGNEE

    return _franchir("constater_consignation", acteur=acteur, expertise=expertise, appliquer=appliquer)


def demarrer(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    return _franchir("demarrer", acteur=acteur, expertise=expertise)


def constater_caducite(*, acteur: Utilisateur | None, expertise: Expertise) -> Expertise:
    def appliquer(e: Expertise) -> None:
        e.consignation_statut = StatutConsignation.NON_CONSIGNEE

    return _franchir("constater_caducite", acteur=acteur, expertise=expertise, appliquer=appliquer)


def relever_caducite(*, acteur: Utilisateur, expertise: Expertise, jour: dt.date | None, motif: str = "") -> Expertise:
    def appliquer(e: Expertise) -> None:
        e.consignation_date_limite = _jour_futur(jour, e, "la nouvelle date limite de consignation")
        e.consignation_statut = StatutConsignation.A_CONSIGNER

    return _franchir("relever_caducite", acteur=acteur, expertise=expertise, motif=motif, appliquer=appliquer)


def ouvrir_dires(*, acteur: Utilisateur, expertise: Expertise, jour: dt.date | None) -> Expertise:
    def appliquer(e: Expertise) -> None:
        e.date_limite_dires = _jour_futur(jour, e, "la date limite des dires")

    return _franchir("ouvrir_dires", acteur=acteur, expertise=expertise, appliquer=appliquer)


def clore_dires(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    return _franchir("clore_dires", acteur=acteur, expertise=expertise)


def _delai_observations(e: Expertise, jour: dt.date | None) -> dt.date:
    jour = _jour_futur(jour, e, "la date limite des observations")
    minimum = minimum_observations(e)
    if jour < minimum:
        raise RefusTransition(
            f"Le délai laissé aux parties est d'au moins {'un mois' if e.matiere_financiere else '15 jours'} "
            f"(CPP 167) : choisissez le {date_longue(minimum)} ou plus tard."
        )
    return jour


def deposer_rapport_provisoire(*, acteur: Utilisateur, expertise: Expertise, jour: dt.date | None) -> Expertise:
    def appliquer(e: Expertise) -> None:
        e.date_limite_observations = _delai_observations(e, jour)

    return _franchir("deposer_rapport_provisoire", acteur=acteur, expertise=expertise, appliquer=appliquer)


def clore_observations(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    return _franchir("clore_observations", acteur=acteur, expertise=expertise)


def deposer_rapport(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    """The report is filed (its document comes with part 2). Civil: the parties have 15 days to
    comment on the fee request (CPC 282); penal: the magistrate notifies the conclusions (CPP 167)."""

    def appliquer(e: Expertise) -> None:
        e.rapport_depose_le = maintenant()
        # The record counts the report and whether it came within the deadline (court's day).
        consigner(e, NatureFait.RAPPORT_DEPOSE)
        dans_le_delai = date_locale(e.rapport_depose_le, e.fuseau) <= e.date_limite_rapport
        consigner(e, NatureFait.DELAI_RESPECTE if dans_le_delai else NatureFait.DELAI_DEPASSE)
        e.date_limite_observations = (
            None if e.est_penale else echeance_en_jours(maintenant(), JOURS_OBSERVATIONS_REMUNERATION, e.fuseau)
        )

    return _franchir("deposer_rapport", acteur=acteur, expertise=expertise, appliquer=appliquer)


def constater_conciliation(*, acteur: Utilisateur, expertise: Expertise, motif: str) -> Expertise:
    return _franchir("constater_conciliation", acteur=acteur, expertise=expertise, motif=_motif(motif))


def ouvrir_taxation(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    return _franchir("ouvrir_taxation", acteur=acteur, expertise=expertise)


def taxer(*, acteur: Utilisateur, expertise: Expertise, montant: Decimal | None) -> Expertise:
    def appliquer(e: Expertise) -> None:
        if montant is None or montant < 0:
            raise RefusTransition("Indiquez le montant taxé (positif ou nul).")
        e.montant_taxe = montant
        consigner(e, NatureFait.REMUNERATION_TAXEE, montant=montant)

    return _franchir("taxer", acteur=acteur, expertise=expertise, appliquer=appliquer)


def notifier_conclusions(*, acteur: Utilisateur, expertise: Expertise, jour: dt.date | None) -> Expertise:
    def appliquer(e: Expertise) -> None:
        e.date_limite_observations = _delai_observations(e, jour)

    return _franchir("notifier_conclusions", acteur=acteur, expertise=expertise, appliquer=appliquer)


def clore(*, acteur: Utilisateur, expertise: Expertise, motif: str = "") -> Expertise:
    return _franchir("clore", acteur=acteur, expertise=expertise, motif=motif)


def proroger_delai(*, acteur: Utilisateur, expertise: Expertise, jour: dt.date | None, motif: str = "") -> Expertise:
    def appliquer(e: Expertise) -> None:
        nouveau = _jour_futur(jour, e, "la nouvelle date limite du rapport")
        if nouveau <= e.date_limite_rapport:
            raise RefusTransition(
                f"La nouvelle date doit être postérieure à la date actuelle ({date_longue(e.date_limite_rapport)})."
            )
        e.date_limite_rapport = nouveau

    return _franchir("proroger_delai", acteur=acteur, expertise=expertise, motif=motif, appliquer=appliquer)


def modifier_mission(
    *, acteur: Utilisateur, expertise: Expertise, mission: str, questions: list[str], motif: str = ""
) -> Expertise:
    def appliquer(e: Expertise) -> dict[str, Any]:
        if not mission.strip():
            raise RefusTransition("La mission ne peut pas être vide.")
        avant = len(e.questions)
        e.mission = mission.strip()
        e.questions = [q.strip() for q in questions if q.strip()]
        return {"questions_avant": avant, "questions_apres": len(e.questions)}

    return _franchir("modifier_mission", acteur=acteur, expertise=expertise, motif=motif, appliquer=appliquer)


def ordonner_complement(
    *, acteur: Utilisateur, expertise: Expertise, montant: Decimal | None, jour: dt.date | None, motif: str = ""
) -> Expertise:
    def appliquer(e: Expertise) -> None:
        if montant is None or montant <= 0:
            raise RefusTransition("Indiquez le montant complémentaire à consigner (positif).")
        e.consignation_date_limite = _jour_futur(jour, e, "la date limite de consignation")
        e.consignation_montant = (e.consignation_montant or Decimal(0)) + montant
        e.consignation_statut = StatutConsignation.COMPLEMENT_A_CONSIGNER

    return _franchir("ordonner_complement", acteur=acteur, expertise=expertise, motif=motif, appliquer=appliquer)


ETATS_AVANT_CONSIGNATION = frozenset({Etat.ORDONNEE, Etat.NOTIFIEE, Etat.ACCEPTEE})


def resumer_consignation(
    *, acteur: Utilisateur, expertise: Expertise, montant: Decimal | None, date_limite: dt.date | None, versee: bool
) -> Expertise:
    """The provision ledger (``frais``) keeps the case's consignation summary: the amount ordered,
    the nearest deadline of what remains due (it drives the caducité and the reminders) and, before
    the consignation step, whether it is paid (so the expert may start at once, CPC 267). In the
    consignation states the status moves only through the transitions (constater_consignation,
    constater_caducite, relever_caducite, constater_complement), which ``frais`` fires itself."""
    if montant is not None and montant < 0:
        raise RefusService("Le montant de la consignation doit être positif.")
    with transaction.atomic():
        e = Expertise.objects.select_for_update().select_related("juridiction").get(pk=expertise.pk)
        avant = (e.consignation_montant, e.consignation_date_limite, e.consignation_statut)
        e.consignation_montant = montant
        e.consignation_date_limite = date_limite
        if e.etat in ETATS_AVANT_CONSIGNATION:
            if not montant:
                e.consignation_statut = StatutConsignation.SANS_OBJET
            else:
                e.consignation_statut = StatutConsignation.CONSIGNEE if versee else StatutConsignation.A_CONSIGNER
        if (e.consignation_montant, e.consignation_date_limite, e.consignation_statut) == avant:
            return e
        e.save(update_fields=["consignation_montant", "consignation_date_limite", "consignation_statut"])
        _evenement(
            "consignation_resumee",
            acteur=acteur,
            expertise=e,
            montant=f"{montant:.2f}" if montant is not None else None,
            date_limite=date_limite.isoformat() if date_limite else None,
            statut=e.consignation_statut,
        )
    return e


def constater_complement(*, acteur: Utilisateur, expertise: Expertise) -> Expertise:
    def appliquer(e: Expertise) -> None:
        e.consignation_statut = StatutConsignation.CONSIGNEE

    return _franchir("constater_complement", acteur=acteur, expertise=expertise, appliquer=appliquer)


# Each transition of the table has its service function (tests/expertises walk this mapping).
SERVICES: dict[str, Callable[..., Expertise]] = {
    "notifier": notifier,
    "accepter": accepter,
    "refuser": refuser,
    "recuser": recuser,
    "remplacer": remplacer,
    "inviter_consignation": inviter_consignation,
    "constater_consignation": constater_consignation,
    "demarrer": demarrer,
    "constater_caducite": constater_caducite,
    "relever_caducite": relever_caducite,
    "ouvrir_dires": ouvrir_dires,
    "clore_dires": clore_dires,
    "deposer_rapport_provisoire": deposer_rapport_provisoire,
    "clore_observations": clore_observations,
    "deposer_rapport": deposer_rapport,
    "constater_conciliation": constater_conciliation,
    "ouvrir_taxation": ouvrir_taxation,
    "taxer": taxer,
    "notifier_conclusions": notifier_conclusions,
    "clore": clore,
    "proroger_delai": proroger_delai,
    "modifier_mission": modifier_mission,
    "ordonner_complement": ordonner_complement,
    "constater_complement": constater_complement,
}
assert set(SERVICES) == set(procedure.TRANSITIONS), "every transition needs its service function"


# --- Periodic task: caducité and warnings before deadlines ------------------------------------------------


def traiter_echeances(instant: dt.datetime | None = None) -> dict[str, int]:
    """Declare caduque the designations whose consignation deadline passed (CPC 271) and warn the
    people concerned 7 days and 1 day before each deadline (once per deadline and notice)."""
    instant = instant or maintenant()
    caduques = rappels = 0
    # A deadline day can end up to 14 hours after UTC midnight (Pacific courts): read one day ahead.
    horizon = instant.date() + dt.timedelta(days=1)
    attente = Expertise.objects.filter(
        etat=Etat.ATTENTE_CONSIGNATION,
        consignation_statut=StatutConsignation.A_CONSIGNER,
        consignation_date_limite__lte=horizon,
    ).select_related("juridiction")
    for e in attente:
        if e.consignation_date_limite and est_echu(e.consignation_date_limite, e.fuseau, instant):
            try:
                constater_caducite(acteur=None, expertise=e)
            except RefusTransition:  # moved meanwhile (consignation recorded, relief)
                continue
            caduques += 1
    for e in Expertise.objects.ouvertes().select_related("juridiction"):
        for ech in echeances(e):
            restant = jours_restants(ech.jour, e.fuseau, instant)
            if restant < 0:
                continue
            preavis = min((p for p in PREAVIS_JOURS if restant <= p), default=None)
            if preavis is None:
                continue
            with transaction.atomic():
                _, cree = Rappel.objects.get_or_create(expertise=e, nature=ech.nature, echeance=ech.jour, preavis_jours=preavis)
                if cree:
                    rappels += 1
                    _courriel(
                        e,
                        _destinataires(e, *ech.qualites),
                        f"échéance le {date_longue(ech.jour)}",
                        f"Rappel : « {ech.libelle} » au plus tard le {date_longue(ech.jour)} "
                        f"(fin de journée, heure de {e.juridiction.fuseau}).",
                    )
    return {"caduques": caduques, "rappels": rappels}
