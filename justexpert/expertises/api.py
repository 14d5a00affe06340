"""JSON API of expertises (/api/v1/expertises): my cases, one case.

Same visibility as the pages: a hidden case is 404 (ninja's 404 for a missing object).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from justexpert.comptes.models import Utilisateur

from . import permissions, procedure, services
from .models import Etat, Expertise, Qualite
from .views import historique, lignes

router = Router(tags=["expertises"])


class EcheanceOut(Schema):
    nature: str
    libelle: str
    jour: dt.date
    fin: dt.datetime
    depassee: bool


class ExpertiseResume(Schema):
    uuid: str
    numero_rg: str
    numero_portalis: str
    juridiction: str
    matiere: str
    type_procedure: str
    etat: str
    etat_libelle: str
    experts: list[str]
    prochaine_echeance: EcheanceOut | None
    attente: list[str]
    mes_qualites: list[str]


class ParticipantOut(Schema):
    uuid: str
    nom: str
    qualite: str
    partie: str | None


class PartieOut(Schema):
    uuid: str
    designation: str
    qualite: str
    inscription_refusee: bool


class HistoriqueOut(Schema):
    le: dt.datetime
    transition: str
    libelle: str
    etat_avant: str
    etat_apres: str
    evenement: str | None


class ExpertiseOut(ExpertiseResume):
    mission: str
    questions: list[str]
    date_ordonnance: dt.date
    date_limite_rapport: dt.date
    consignation_montant: str | None
    consignation_date_limite: dt.date | None
    consignation_statut: str
    echeances: list[EcheanceOut]
    actions_possibles: list[str]
    participants: list[ParticipantOut]
    parties: list[PartieOut]
    historique: list[HistoriqueOut]


def _echeance(e: Expertise, ech: services.Echeance | None) -> dict | None:
    if ech is None:
        return None
    from justexpert.lib.temps import est_echu, fin_de_journee

    return {
        "nature": ech.nature,
        "libelle": ech.libelle,
        "jour": ech.jour,
        "fin": fin_de_journee(ech.jour, e.fuseau),
        "depassee": est_echu(ech.jour, e.fuseau),
    }


def _resume(e: Expertise, experts: list[str], mes: set[str]) -> dict:
    attendues, _ = procedure.ATTENTE[Etat(e.etat)]
    return {
        "uuid": str(e.uuid),
        "numero_rg": e.numero_rg,
        "numero_portalis": "" if e.est_penale else e.numero_portalis,
        "juridiction": str(e.juridiction),
        "matiere": e.matiere,
        "type_procedure": e.type_procedure,
        "etat": e.etat,
        "etat_libelle": e.get_etat_display(),
        "experts": experts,
        "prochaine_echeance": _echeance(e, services.prochaine_echeance(e)),
        "attente": sorted(attendues),
        "mes_qualites": sorted(mes),
    }


@router.get("/", response=list[ExpertiseResume])
def mes_expertises(request: HttpRequest) -> list[dict]:
    user = cast(Utilisateur, request.user)
    result = []
    for r in lignes(user, permissions.expertises_visibles(user).order_by("date_limite_rapport", "id")):
        e = cast(Expertise, r["expertise"])
        actifs = e.actifs  # type: ignore[attr-defined]
        mes = permissions.qualites(user, e, participations=[p for p in actifs if p.utilisateur_id == user.pk])
        result.append(_resume(e, [str(u) for u in r["experts"]], mes))  # type: ignore[attr-defined]
    return result


@router.get("/{reference}", response=ExpertiseOut)
def expertise(request: HttpRequest, reference: uuid.UUID) -> dict:
    user = cast(Utilisateur, request.user)
    e = permissions.expertise_pour(user, reference)
    mes = permissions.qualites(user, e)
    participants = list(e.participants.filter(retire_le__isnull=True).select_related("utilisateur", "partie"))
    return {
        **_resume(e, [str(p.utilisateur) for p in participants if p.qualite == Qualite.EXPERT], mes),
        "mission": e.mission,
        "questions": e.questions,
        "date_ordonnance": e.date_ordonnance,
        "date_limite_rapport": e.date_limite_rapport,
        "consignation_montant": str(e.consignation_montant) if e.consignation_montant is not None else None,
        "consignation_date_limite": e.consignation_date_limite,
        "consignation_statut": e.consignation_statut,
        "echeances": [_echeance(e, ech) for ech in services.echeances(e)],
        "actions_possibles": [t.nom for t in procedure.possibles(e.etat, e.matiere, mes)],
        "participants": [
            {
                "uuid": str(p.uuid),
                "nom": str(p.utilisateur),
                "qualite": p.qualite,
                "partie": str(p.partie.uuid) if p.partie else None,
            }
            for p in participants
        ],
        "parties": [
            {
                "uuid": str(p.uuid),
                "designation": p.designation,
                "qualite": p.qualite,
                "inscription_refusee": p.inscription_refusee,
            }
            for p in e.parties.all()
        ],
        "historique": [
            {
                "le": h.le,
                "transition": h.transition,
                "libelle": h.libelle,  # type: ignore[attr-defined]
                "etat_avant": h.etat_avant,
                "etat_apres": h.etat_apres,
                "evenement": str(h.evenement.uuid) if h.evenement else None,
            }
            for h in historique(e)
        ],
    }


class DocumentOut(Schema):
    uuid: str
    type: str
    libelle: str
    nom: str
    taille: int
    sha256: str
    depose_le: dt.datetime
    qualite_deposant: str
    partie: str | None
    numero: int | None
    medical: bool
    en_retard: bool
    repond_a: str | None
    date_limite: dt.date | None
    contenu_detruit: bool
    signature: str | None
    evenement: str
    ouvert_le: dt.datetime | None
    # A sealed PDF the platform extended (prolongation.py): when the copy served was stored.
    prolonge_le: dt.datetime | None = None


@router.get("/{reference}/documents", response=list[DocumentOut])
def documents(request: HttpRequest, reference: uuid.UUID) -> list[dict]:
    """The documents of the case this person may see (medical ones only if allowed)."""
    from .views_depots import documents_visibles

    user = cast(Utilisateur, request.user)
    e = permissions.expertise_pour(user, reference)
    mes = permissions.qualites(user, e)
    rows = documents_visibles(user, e, mes)
    uuids = {d.pk: str(d.uuid) for d in rows}
    return [
        {
            "uuid": str(d.uuid),
            "type": d.type,
            "libelle": d.libelle,
            "nom": d.document.nom,
            "taille": d.document.taille,
            "sha256": d.document.sha256,
            "depose_le": d.depose_le,
            "qualite_deposant": d.qualite,
            "partie": str(d.partie.uuid) if d.partie else None,
            "numero": d.numero,
            "medical": d.medical,
            "en_retard": d.en_retard,
            "repond_a": uuids.get(d.repond_a_id) if d.repond_a_id else None,
            "date_limite": d.date_limite,
            "contenu_detruit": d.document.detruit_le is not None,
            "signature": (d.verdict or {}).get("statut"),
            "evenement": str(d.evenement.uuid),
            "ouvert_le": d.miennes[0].le if d.miennes else None,  # type: ignore[attr-defined]
            "prolonge_le": getattr(d, "prolonge_le", None),
        }
        for d in rows
    ]
