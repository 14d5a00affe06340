"""The money of a case, part 1: the provisions the judge fixes (CPC 269-271), each split between
named parties with its instalments, and the payments the greffe records as the régie receives them.

Amounts are ``Decimal`` with two places (euros and cents) from the form to the database; shares
given as percentages are turned into amounts once, when the provision is fixed (grand_livre.py
says how they are rounded). The ledger itself (what is due, paid, late, per party and in total)
is computed from these rows, never stored. Every change goes through ``services.py``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from justexpert.lib.temps import maintenant


class Provision(models.Model):
    """One provision ordered in the case (the designation's, then any complement, CPC 280)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey("expertises.Expertise", on_delete=models.CASCADE, related_name="provisions")
    libelle = models.CharField("libellé", max_length=100)
    montant = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    cree_le = models.DateTimeField(default=maintenant)
    cree_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Rows taken over from the former single consignation have no event of their own.
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["cree_le", "id"]
        constraints = [models.CheckConstraint(condition=Q(montant__gt=0), name="frais_provision_positive")]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.montant} €)"


class Part(models.Model):
    """The share of a provision a party must consign; ``partie`` empty: « non précisé » (the split
    is unknown, as for consignations taken over from before the ledger). Aide juridictionnelle:
    the share is advanced by the State (loi 91-647, art. 40), with the decision's reference."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="parts")
    partie = models.ForeignKey("expertises.Partie", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    montant = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    aide_juridictionnelle = models.BooleanField("avancée par l'État (aide juridictionnelle)", default=False)
    decision_aj = models.CharField("référence de la décision d'aide juridictionnelle", max_length=60, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gte=0), name="frais_part_positive"),
            models.CheckConstraint(
                condition=Q(aide_juridictionnelle=False) | ~Q(decision_aj=""), name="frais_part_aj_avec_decision"
            ),
            models.UniqueConstraint(fields=["provision", "partie"], name="frais_part_unique"),
        ]


class Echeance(models.Model):
    """One instalment of a share: this amount by the end of this day in court time."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="echeances")
    rang = models.PositiveSmallIntegerField()
    date_limite = models.DateField("date limite")
    montant = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["rang", "id"]
        constraints = [
            models.UniqueConstraint(fields=["part", "rang"], name="frais_echeance_unique"),
            models.CheckConstraint(condition=Q(montant__gte=0), name="frais_echeance_positive"),
        ]


class Versement(models.Model):
    """A payment received by the régie, recorded by the greffe. ``payeur`` paid it, for the dues of
    ``pour`` (any party may pay in place of another); empty: « non précisé ». The régie's
    reference is unique in a case, so the same payment recorded twice (two greffiers at once)
    is one payment."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey("expertises.Expertise", on_delete=models.CASCADE, related_name="versements")
    montant = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    verse_le = models.DateField("date du versement")
    payeur = models.ForeignKey("expertises.Partie", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    pour = models.ForeignKey("expertises.Partie", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference_regie = models.CharField("référence de la régie", max_length=60)
    # Free text may name people: blanked by the purge (amounts, dates and references stay).
    observations = models.TextField(blank=True)
    enregistre_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    enregistre_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["verse_le", "enregistre_le", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="frais_versement_positif"),
            models.UniqueConstraint(fields=["expertise", "reference_regie"], name="frais_versement_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"Versement {self.reference_regie} ({self.montant} €)"
