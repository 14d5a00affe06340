"""Health of the platform, for the load balancer, the operators and the alert task.

Each check answers "ok" or a short French reason; the endpoint reveals no data, only states.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from justexpert.coffre.stockage import stockage
from justexpert.preuves import services as preuves
from justexpert.preuves.horodatage import PREFIXE_REFUS
from justexpert.preuves.models import Evenement, PointDeControle, StatutHorodatage

logger = logging.getLogger(__name__)

RETARD_WORKER = dt.timedelta(minutes=5)
RETARD_HORODATAGE = dt.timedelta(minutes=15)
RETARD_POINT = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Verification:
    nom: str
    ok: bool
    detail: str
    essentielle: bool  # a failure makes the endpoint answer 503


def verifier_base() -> Verification:
    try:
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")
            curseur.fetchone()
    except Exception as exc:  # any driver error means "down" here
        logger.error("sante: database unreachable (%s)", type(exc).__name__)
        return Verification("base", False, "base de données injoignable", True)
    return Verification("base", True, "ok", True)


def verifier_stockage() -> Verification:
    try:
        stockage().existe("0" * 32)  # a name no document has: only reachability counts
    except Exception as exc:  # backend errors (OSError, botocore) all mean "down"
        logger.error("sante: storage unreachable (%s)", type(exc).__name__)
        return Verification("stockage", False, "stockage des documents injoignable", True)
    return Verification("stockage", True, "ok", True)


def verifier_worker() -> Verification:
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return Verification("worker", True, "tâches exécutées sans worker (configuration de test)", False)
    from django_tasks_db.models import DBTaskResult

    limite = timezone.now() - RETARD_WORKER
    en_retard = DBTaskResult.objects.ready().filter(enqueued_at__lt=limite).count()
    if en_retard:
        return Verification(
            "worker", False, f"{en_retard} tâche(s) en attente depuis plus de 5 minutes : le worker est-il arrêté ?", False
        )
    return Verification("worker", True, "ok", False)


def verifier_horodatage() -> Verification:
    # A token that came but was refused (chain, clock) is reported at once: a rogue authority, a
    # wrong root or a clock adrift does not fix itself in 15 minutes.
    refus = (
        PointDeControle.objects.filter(statut=StatutHorodatage.EN_ATTENTE, derniere_erreur__startswith=PREFIXE_REFUS)
        .order_by("-taille")
        .values_list("derniere_erreur", flat=True)
        .first()
    )
    if refus:
        return Verification("horodatage", False, f"jeton d'horodatage refusé à sa réception ({refus})", False)
    limite = timezone.now() - RETARD_HORODATAGE
    en_attente = PointDeControle.objects.filter(statut=StatutHorodatage.EN_ATTENTE, cree_le__lt=limite).count()
    if en_attente:
        return Verification(
            "horodatage", False, f"{en_attente} point(s) de contrôle en attente d'horodatage depuis plus de 15 minutes", False
        )
    return Verification("horodatage", True, "ok", False)


def verifier_points_de_controle() -> Verification:
    dernier_point = PointDeControle.objects.order_by("-taille").values_list("taille", flat=True).first() or 0
    limite = timezone.now() - RETARD_POINT
    oublies = Evenement.objects.filter(index__gte=dernier_point, cree_le__lt=limite).count()
    if oublies:
        raison = preuves.signature_bloquee()
        return Verification(
            "points_de_controle",
            False,
            f"{oublies} événement(s) sans point de contrôle depuis plus de 10 minutes" + (f" : {raison}" if raison else ""),
            False,
        )
    return Verification("points_de_controle", True, "ok", False)


def verifier_tout() -> list[Verification]:
    base = verifier_base()
    if not base.ok:
        return [base, verifier_stockage()]
    return [base, verifier_stockage(), verifier_worker(), verifier_horodatage(), verifier_points_de_controle()]
