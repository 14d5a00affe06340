"""Counters of requests per rule, scope and window, shared by every process and every server
through the database (never a per-process cache)."""

from __future__ import annotations

from django.db import models


class Compteur(models.Model):
    """Requests counted for one key during one fixed window of the rule's period.

    ``cle`` is an HMAC of (rule, scope, value, period) under SECRET_KEY: the table holds no address
    and no IP in clear. ``expire`` (Unix time) says when the row is no longer needed.
    """

    cle = models.CharField(max_length=64)
    fenetre = models.BigIntegerField()
    nombre = models.PositiveIntegerField(default=0)
    expire = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cle", "fenetre"], name="compteur_cle_fenetre_unique")]
        verbose_name = "compteur de demandes"
