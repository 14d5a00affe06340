"""models of portail."""

from __future__ import annotations

from django.db import models


class Creneau(models.Model):
    """One period slot taken by whoever acts first: a periodic task queued for its period by one
    scheduler among several (``manage.py planificateur`` on each server), an alert mailed once per
    hour by one worker among several. The unique constraint makes the choice, in the database all
    servers share."""

    cle = models.CharField(max_length=200)
    creneau = models.BigIntegerField(help_text="numéro de la période : secondes depuis l'époque // durée de la période")
    pris_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cle", "creneau"], name="portail_creneau_unique")]
        indexes = [models.Index(fields=["pris_le"])]
        verbose_name = "créneau pris"
        verbose_name_plural = "créneaux pris"

    def __str__(self) -> str:
        return f"{self.cle} #{self.creneau}"
