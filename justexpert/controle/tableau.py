"""The control judge's dashboard: the open cases of one juridiction, filtered, sorted and paged in
the database (a constant number of queries whatever the number of cases), then the page's rows
completed with their experts, reminders and days left."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from justexpert.annuaire.models import Expert
from justexpert.comptes.models import Organisation
from justexpert.expertises import procedure
from justexpert.expertises.models import (
    Etat,
    Expertise,
    Participant,
    Qualite,
    Rappel,
    Relance,
    StatutConsignation,
)
from justexpert.lib.temps import date_locale, maintenant

PAR_PAGE = 50
UUID_MODELE = uuid.UUID(int=0)
# What a row shows (the page's cases are read with these columns only).
CHAMPS_LIGNE = (
    "uuid",
    "numero_rg",
    "matiere",
    "etat",
    "date_limite_rapport",
    "consignation_statut",
    "cree_le",
    "derniere_activite",
)
# The report is awaited from the expert in these states: past its deadline, the case is late.
ETATS_RAPPORT_ATTENDU = procedure.ETATS_MISSION
CONSIGNATION_NON_VERSEE = (
    StatutConsignation.A_CONSIGNER,
    StatutConsignation.COMPLEMENT_A_CONSIGNER,
    StatutConsignation.NON_CONSIGNEE,
)
TRIS = {
    "echeance": ("date_limite_rapport", "id"),
    "-echeance": ("-date_limite_rapport", "-id"),
    "activite": ("derniere_activite", "id"),
    "-activite": ("-derniere_activite", "-id"),
    "etat": ("etat", "date_limite_rapport", "id"),
    "rg": ("numero_rg", "id"),
}


def ouvertes(qs: QuerySet[Expertise]) -> QuerySet[Expertise]:
    return qs.exclude(etat__in=[Etat.CLOSE, Etat.CADUQUE])


def aujourd_hui(juridiction: Organisation) -> dt.date:
    return date_locale(maintenant(), juridiction.fuseau)


def filtrer(qs: QuerySet[Expertise], juridiction: Organisation, criteres: dict[str, Any]) -> QuerySet[Expertise]:
    jour = aujourd_hui(juridiction)
    if criteres.get("en_retard"):
        qs = qs.filter(etat__in=ETATS_RAPPORT_ATTENDU, date_limite_rapport__lt=jour)
    if criteres.get("provision_non_versee"):
        qs = qs.filter(consignation_statut__in=CONSIGNATION_NON_VERSEE)
    if criteres.get("etat"):
        qs = qs.filter(etat=criteres["etat"])
    if criteres.get("expert"):
        qs = qs.filter(
            pk__in=Participant.objects.filter(
                qualite=Qualite.EXPERT, retire_le__isnull=True, fiche_expert=criteres["expert"]
            ).values("expertise")
        )
    if criteres.get("inactif_jours"):
        # The case's last activity (expertises/activite.py), read through its (court, activity) index.
        qs = qs.filter(derniere_activite__lt=maintenant() - dt.timedelta(days=criteres["inactif_jours"]))
    return qs


@dataclass
class Synthese:
    ouvertes: int
    en_retard: int
    provision_non_versee: int
    relances_a_accuser: int


def synthese(qs: QuerySet[Expertise], juridiction: Organisation, matieres: list[str]) -> Synthese:
    jour = aujourd_hui(juridiction)
    chiffres = qs.aggregate(
        ouvertes=Count("id"),
        en_retard=Count("id", filter=Q(etat__in=ETATS_RAPPORT_ATTENDU, date_limite_rapport__lt=jour)),
        provision=Count("id", filter=Q(consignation_statut__in=CONSIGNATION_NON_VERSEE)),
    )
    # Joined filters rather than « IN (the open cases) »: the reminders are few, the cases many.
    a_accuser = (
        Relance.objects.filter(
            accusee_le__isnull=True,
            expertise__juridiction=juridiction,
            expertise__matiere__in=matieres,
        )
        .exclude(expertise__etat__in=[Etat.CLOSE, Etat.CADUQUE])
        .count()
    )
    return Synthese(chiffres["ouvertes"], chiffres["en_retard"], chiffres["provision"], a_accuser)


def lignes(page: list[Expertise], juridiction: Organisation) -> list[dict[str, Any]]:
    """The page's rows with their experts, reminders sent / acknowledged, automatic reminders and
    days left (a fixed number of queries for the page). Texts and dates are prepared here, in court
    time: the template only prints them (50 rows render in a few milliseconds)."""
    ids = [e.pk for e in page]
    experts: dict[int, list[str]] = defaultdict(list)
    for pk, prenom, nom, email in (
        Participant.objects.filter(expertise_id__in=ids, qualite=Qualite.EXPERT, retire_le__isnull=True)
        .order_by("ajoute_le", "id")
        .values_list("expertise_id", "utilisateur__prenom", "utilisateur__nom", "utilisateur__email")
    ):
        experts[pk].append(f"{prenom} {nom}".strip() or email)
    relances = {
        r["expertise_id"]: r
        for r in Relance.objects.filter(expertise_id__in=ids)
        .order_by()
        .values("expertise_id")
        .annotate(envoyees=Count("id"), accusees=Count("id", filter=Q(accusee_le__isnull=False)), derniere=Max("envoyee_le"))
    }
    rappels = dict(
        Rappel.objects.filter(expertise_id__in=ids)
        .order_by()
        .values("expertise_id")
        .annotate(n=Count("id"))
        .values_list("expertise_id", "n")
    )
    fuseau = juridiction.fuseau
    jour = aujourd_hui(juridiction)
    modele = reverse("expertises:detail", args=[UUID_MODELE])
    resultat = []
    for e in page:
        attendues, phrase = procedure.ATTENTE[Etat(e.etat)]
        restant = (e.date_limite_rapport - jour).days if e.etat in ETATS_RAPPORT_ATTENDU else None
        r = relances.get(e.pk, {})
        activite = e.derniere_activite or e.cree_le
        derniere = r.get("derniere")
        resultat.append(
            {
                "uuid": str(e.uuid),
                "url": modele.replace(str(UUID_MODELE), str(e.uuid)),
                "reference": f"{'Pénale ' if e.est_penale else ''}RG {e.numero_rg}",
                "etat": e.get_etat_display(),
                "experts": ", ".join(experts.get(e.pk, [])) or "—",
                "limite": e.date_limite_rapport.strftime("%d/%m/%Y"),
                "restant": restant,
                "retard": -restant if restant is not None and restant < 0 else 0,
                "provision": e.get_consignation_statut_display(),
                "provision_due": e.consignation_statut in CONSIGNATION_NON_VERSEE,
                "activite": date_locale(activite, fuseau).strftime("%d/%m/%Y") if activite else "—",
                "qui": ", ".join(Qualite(q).label.lower() for q in sorted(attendues) if q in Qualite.values) or "personne",
                "phrase": phrase,
                "relances_envoyees": r.get("envoyees", 0),
                "relances_accusees": r.get("accusees", 0),
                "derniere_relance": date_locale(derniere, fuseau).strftime("%d/%m/%Y") if derniere else "",
                "rappels": rappels.get(e.pk, 0),
            }
        )
    for ligne in resultat:
        ligne["html"] = rangee(ligne)
    return resultat


# One row of the dashboard, escaped by format_html (50 rows cost a few template nodes otherwise
# each: rendering them here keeps the page within the bench's goal).
RANGEE = (
    '<tr><td data-label="Relancer"><div class="fr-checkbox-group fr-checkbox-group--sm">'
    '<input type="checkbox" id="c-{uuid}" name="expertises" value="{uuid}"><label class="fr-label" for="c-{uuid}">'
    "<span class=\"fr-sr-only\">Relancer l'expert de l'expertise {reference}</span></label></div></td>"
    '<td data-label="Expertise"><a href="{url}">{reference}</a></td>'
    '<td data-label="État">{etat}</td>'
    '<td data-label="Expert">{experts}</td>'
    '<td data-label="Date limite du rapport">{limite}{badge_limite}</td>'
    '<td data-label="Provision">{provision}{badge_provision}</td>'
    '<td data-label="Dernière activité">{activite}</td>'
    '<td data-label="Qui doit agir">{qui}</td>'
    '<td data-label="Relances et rappels">{relances_envoyees} relance(s), {relances_accusees} accusée(s){derniere} ; '
    "{rappels} rappel(s) automatique(s) d'échéance</td></tr>"
)


def rangee(r: dict[str, Any]) -> SafeString:
    if r["restant"] is None:
        badge_limite = SafeString("")
    elif r["retard"]:
        badge_limite = format_html(' <span class="fr-badge fr-badge--sm fr-badge--error">{} j de retard</span>', r["retard"])
    else:
        badge_limite = format_html(' <span class="fr-badge fr-badge--sm">{} j restant(s)</span>', r["restant"])
    return format_html(
        RANGEE,
        uuid=r["uuid"],
        reference=r["reference"],
        url=r["url"],
        etat=r["etat"],
        experts=r["experts"],
        limite=r["limite"],
        badge_limite=badge_limite,
        provision=r["provision"],
        badge_provision=(
            SafeString(' <span class="fr-badge fr-badge--sm fr-badge--warning">non versée</span>')
            if r["provision_due"]
            else SafeString("")
        ),
        activite=r["activite"],
        qui=r["qui"],
        relances_envoyees=r["relances_envoyees"],
        relances_accusees=r["relances_accusees"],
        derniere=format_html(" (dernière le {})", r["derniere_relance"]) if r["derniere_relance"] else SafeString(""),
        rappels=r["rappels"],
    )


def par_expert(qs: QuerySet[Expertise], juridiction: Organisation) -> list[dict[str, Any]]:
    """Per expert of the open cases: open cases, late ones, and the average delay of the late ones
    (days since the report's deadline, court time)."""
    jour = aujourd_hui(juridiction)
    table: dict[int, dict[str, Any]] = {}
    for fiche_id, reference, nom, prenom, etat, limite in (
        Participant.objects.filter(expertise__in=qs, qualite=Qualite.EXPERT, retire_le__isnull=True, fiche_expert__isnull=False)
        .order_by()
        .values_list(
            "fiche_expert_id",
            "fiche_expert__uuid",
            "fiche_expert__nom",
            "fiche_expert__prenom",
            "expertise__etat",
            "expertise__date_limite_rapport",
        )
    ):
        ligne = table.setdefault(fiche_id, {"uuid": reference, "nom": f"{prenom} {nom}".strip(), "ouvertes": 0, "retards": []})
        ligne["ouvertes"] += 1
        if etat in ETATS_RAPPORT_ATTENDU and limite < jour:
            ligne["retards"].append((jour - limite).days)
    resultat = []
    for ligne in table.values():
        retards = ligne.pop("retards")
        ligne["en_retard"] = len(retards)
        ligne["retard_moyen"] = round(sum(retards) / len(retards), 1) if retards else None
        resultat.append(ligne)
    return sorted(resultat, key=lambda x: (-x["en_retard"], -x["ouvertes"], x["nom"]))


def expert_de(juridiction: Organisation, matieres: list[str], reference: object) -> Expert | None:
    """The expert fiche named by the filter, if it has an open case in this court (else None)."""
    actives = Participant.objects.filter(
        fiche_expert=OuterRef("pk"),
        qualite=Qualite.EXPERT,
        retire_le__isnull=True,
        expertise__juridiction=juridiction,
        expertise__matiere__in=matieres,
    ).exclude(expertise__etat__in=[Etat.CLOSE, Etat.CADUQUE])
    return Expert.objects.filter(Exists(actives), uuid=reference).first()
