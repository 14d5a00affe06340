"""The referential: the versioned nomenclature (branche > rubrique > specialite) and its
reclassement tables. Expert fiches and inscriptions come with the annuaire issue."""

from __future__ import annotations

import uuid

from django.db import models


class VersionNomenclature(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=40, unique=True, help_text="Par exemple « 2022 ».")
    libelle = models.CharField(max_length=200)
    reference_juridique = models.CharField(max_length=300, blank=True)
    debut = models.DateField(null=True, blank=True)
    fin = models.DateField(null=True, blank=True)
    importee_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-debut", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True) | models.Q(debut__isnull=True) | models.Q(fin__gte=models.F("debut")),
                name="version_nomenclature_dates_ordonnees",
            )
        ]

    def __str__(self) -> str:
        return f"Nomenclature {self.code}"


class Niveau(models.TextChoices):
    BRANCHE = "branche", "Branche"
    RUBRIQUE = "rubrique", "Rubrique"
    SPECIALITE = "specialite", "Spécialité"


class ElementNomenclature(models.Model):
    """One node of a nomenclature version: a branche ("C"), rubrique ("C.2") or specialite ("C.2.8").

    One table for the three levels keeps the tree and its codes in one place; the level follows from
    the code and is checked by the importer.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(VersionNomenclature, on_delete=models.CASCADE, related_name="elements")
    niveau = models.CharField(max_length=12, choices=Niveau.choices)
    code = models.CharField(max_length=20)
    libelle = models.CharField(max_length=500, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="enfants")
    ordre = models.CharField(max_length=40, db_index=True, help_text="Clé de tri naturel du code (C.10 après C.9).")

    class Meta:
        ordering = ["version", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="element_nomenclature_code_unique"),
            models.CheckConstraint(
                condition=models.Q(niveau="branche", parent__isnull=True)
                | models.Q(parent__isnull=False, niveau__in=["rubrique", "specialite"]),
                name="element_nomenclature_parent_selon_niveau",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.libelle_affiche}"

    @property
    def libelle_affiche(self) -> str:
        return self.libelle or "(libellé non renseigné)"


class Reclassement(models.Model):
    """An item of an older version mapped to an item of a newer one (annexe 1 of the arrêté)."""

    ancien = models.ForeignKey(ElementNomenclature, on_delete=models.CASCADE, related_name="reclassements_sortants")
    nouveau = models.ForeignKey(ElementNomenclature, on_delete=models.CASCADE, related_name="reclassements_entrants")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancien", "nouveau"], name="reclassement_unique")]

    def __str__(self) -> str:
        return f"{self.ancien.code} → {self.nouveau.code}"
