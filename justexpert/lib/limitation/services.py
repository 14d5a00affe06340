"""Throttling: how many requests one client address, or one target (an e-mail address, an
invitation), may make to a public endpoint in a period.

Protects against: mail bombing through the reset and sign-up forms (every request sends a mail),
password guessing spread over many accounts from one address or over many addresses against one
account (on top of the lockout of comptes, which counts failures only), and floods of the receipt
verifier and of the built-in timestamp authority (each answer costs signatures).

How: a sliding-window counter. Each request increments the counter of the current fixed window of
its key in one atomic SQL statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, PostgreSQL and
SQLite alike), so concurrent requests of every process and every server never lose a count; the
estimate adds the previous window's count weighted by how much of it still overlaps the sliding
period. Limits are settings (``settings.LIMITES``: rule → scope → (requests, seconds)). Refused
requests count too: a client that keeps hammering stays refused.

Does not protect against: a distributed attacker using many addresses against many targets (each
stays under its limits), nor an attacker keeping one target throttled on purpose (the owner then
waits, or logs in with their card, which is not throttled). Counters are not a log: no address or
e-mail is stored in clear (keys are HMACs), and rows are purged once their window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from justexpert.lib.reseau import adresse_client

from .models import Compteur

logger = logging.getLogger(__name__)

CLIENT = "client"  # scope: the client's network address
CIBLE = "cible"  # scope: the target of the request (an e-mail address, an invitation)

# Tests move time forward by replacing this (no sleeping).
horloge: Callable[[], float] = time.time


@dataclass(frozen=True)
class Decision:
    depassee: bool
    reessayer_dans: int  # seconds until the estimate is back under the limit (0 when allowed)


def _cle(regle: str, portee: str, valeur: str, periode: int) -> str:
    message = f"{regle}\x00{portee}\x00{periode}\x00{valeur}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _incrementer(cle: str, fenetre: int, expire: int) -> int:
    """Add one to the window's counter, creating it if needed; returns the new count (atomic)."""
    table = connection.ops.quote_name(Compteur._meta.db_table)
    with connection.cursor() as curseur:
        curseur.execute(
            f"INSERT INTO {table} (cle, fenetre, nombre, expire) VALUES (%s, %s, 1, %s) "  # noqa: S608 (name from the model)
            f"ON CONFLICT (cle, fenetre) DO UPDATE SET nombre = {table}.nombre + 1 RETURNING nombre",
            [cle, fenetre, expire],
        )
        return int(curseur.fetchone()[0])


def compter(regle: str, portee: str, valeur: str, *, limite: int, periode: int) -> Decision:
    """Count one request of ``valeur`` under ``regle``/``portee`` and say whether it goes beyond
    ``limite`` requests in the sliding ``periode`` (seconds)."""
    maintenant = horloge()
    fenetre = int(maintenant // periode)
    cle = _cle(regle, portee, valeur, periode)
    courant = _incrementer(cle, fenetre, expire=(fenetre + 2) * periode)
    precedent = Compteur.objects.filter(cle=cle, fenetre=fenetre - 1).values_list("nombre", flat=True).first() or 0
    ecoule = (maintenant - fenetre * periode) / periode  # share of the current window already gone
    estime = courant + precedent * (1 - ecoule)
    if estime <= limite:
        return Decision(False, 0)
    if courant <= limite:
        # The previous window's weight must fall until the estimate is back under the limit.
        attente = (1 - (limite - courant) / precedent - ecoule) * periode
    else:
        # Only in the next window, once this window's weight has fallen enough.
        attente = (1 - ecoule) * periode + (1 - limite / courant) * periode
    return Decision(True, max(1, math.ceil(attente)))


def depassement(regle: str, request: HttpRequest, cible: str | None = None) -> int | None:
    """Count the request under every scope of ``regle`` configured in settings.LIMITES (the client's
    address, and the target when given); returns the seconds to wait if one limit is passed."""
    limites = settings.LIMITES.get(regle, {})
    valeurs = {CLIENT: adresse_client(request) or "", CIBLE: (cible or "").strip().lower()[:320]}
    attente = 0
    for portee, (limite, periode) in sorted(limites.items()):
        if not valeurs.get(portee):
            continue
        decision = compter(regle, portee, valeurs[portee], limite=limite, periode=periode)
        if decision.depassee:
            logger.warning("limitation: rule %s, scope %s over %s requests in %s s", regle, portee, limite, periode)
            attente = max(attente, decision.reessayer_dans)
    return attente or None


def purger() -> int:
    """Delete the counters whose window has passed (periodic task)."""
    supprimes, _ = Compteur.objects.filter(expire__lte=int(horloge())).delete()
    return supprimes
