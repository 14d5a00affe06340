"""Periodic watch: when timestamps stay pending or checkpoints stop, log an error and mail the
administrators (at most once per clock hour and per problem, whatever the number of workers)."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from justexpert.comptes.models import Role, Utilisateur
from justexpert.comptes.services import envoyer_courriel

from . import creneaux
from .sante import verifier_tout

logger = logging.getLogger("justexpert.alertes")
SURVEILLES = {"horodatage", "points_de_controle", "worker", "stockage"}
INTERVALLE = dt.timedelta(hours=1)


@task()
def surveiller() -> list[str]:
    alertes = []
    for verification in verifier_tout():
        if verification.ok or verification.nom not in SURVEILLES:
            continue
        logger.error("ALERTE %s : %s", verification.nom, verification.detail)
        # Once per clock hour for all workers of all servers (a per-process cache would mail once
        # per worker).
        if creneaux.prendre(f"alerte:{verification.nom}", creneaux.numero(INTERVALLE.total_seconds())):
            administrateurs = Utilisateur.objects.filter(is_active=True, appartenances__role=Role.ADMINISTRATEUR).values_list(
                "email", flat=True
            )
            envoyer_courriel(
                sujet=f"Justexpert : alerte {verification.nom}",
                corps=f"Alerte de surveillance : {verification.detail}.\nVoir /sante/ et le journal du serveur.\n",
                destinataires=list(administrateurs),
            )
        alertes.append(verification.nom)
    return alertes
