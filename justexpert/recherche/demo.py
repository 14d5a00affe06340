"""Demo data of recherche (called by ``manage.py charger_demo``; idempotent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from justexpert.annuaire.models import Expert
from justexpert.comptes.models import Utilisateur

from . import index, services
from .models import Disponibilite, EtatDisponibilite, Sollicitation, TypeProcedure


def charger(*, magistrat_email: str, expert_email: str) -> None:
    jour = timezone.localdate()
    etats = {
        "D0002": (EtatDisponibilite.INDISPONIBLE_JUSQU_AU, jour + dt.timedelta(days=30), None),
        "D0003": (EtatDisponibilite.INDISPONIBLE, None, None),
        "D0004": (EtatDisponibilite.DISPONIBLE, None, 3),
    }
    for reference, (etat, jusqu_au, maximum) in etats.items():
        expert = Expert.objects.filter(reference=reference).first()
        if expert is not None:
            Disponibilite.objects.update_or_create(
                expert=expert, defaults={"etat": etat, "jusqu_au": jusqu_au, "max_missions": maximum}
            )
            index.disponibilite_changee(expert.pk)  # the search reads the statement from the document
    fiche = Expert.objects.filter(utilisateur__email=expert_email).first()
    magistrat = Utilisateur.objects.filter(email=magistrat_email).first()
    if fiche is None or magistrat is None or Sollicitation.objects.filter(expert=fiche).exists():
        return
    if services.peut_etre_sollicite(fiche):
        services.solliciter(
            acteur=magistrat,
            experts=[fiche],
            resume_mission="Piscine enterrée d'une maison individuelle : fuites et fissures du bassin deux ans après "
            "sa construction. Dire si les désordres relèvent de la garantie décennale.",
            type_procedure=TypeProcedure.REFERE,
            delai_mission=jour + dt.timedelta(days=120),
            date_limite_reponse=timezone.now() + dt.timedelta(days=7),
        )
