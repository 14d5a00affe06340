"""PLEX-style exchange folders: an agent's folder, its participants, the files deposited in it and
each download. These tables are the readable trace; each deposit, download, deletion and expiry is
also an event of the evidence log (preuves), referenced here so its receipt can be served."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


def maintenant() -> dt.datetime:
    """Default of the time fields, read at call time (so tests can freeze django.utils.timezone.now)."""
    return timezone.now()


class Matiere(models.TextChoices):
    CIVILE = "civile", "Civile"
    PENALE = "penale", "Pénale"


class Qualite(models.TextChoices):
    AGENT = "agent", "Agent"
    INVITE = "invite", "Invité"


class Echange(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    titre = models.CharField(max_length=200)
    juridiction = models.ForeignKey("comptes.Organisation", on_delete=models.PROTECT, related_name="+")
    matiere = models.CharField("matière", max_length=10, choices=Matiere.choices)
    reference_procedure = models.CharField("référence de la procédure", max_length=100, blank=True)
    cree_par = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(default=maintenant)

    class Meta:
        ordering = ["-cree_le", "-id"]

    def __str__(self) -> str:
        return self.titre

    @property
    def est_penal(self) -> bool:
        return self.matiere == Matiere.PENALE


class Participant(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    echange = models.ForeignKey(Echange, on_delete=models.CASCADE, related_name="participants")
    utilisateur = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="participations_echanges")
    qualite = models.CharField("qualité", max_length=10, choices=Qualite.choices)
    ajoute_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ajoute_le = models.DateTimeField(default=maintenant)
    retire_le = models.DateTimeField(null=True, blank=True)
    retire_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["ajoute_le", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["echange", "utilisateur"], condition=Q(retire_le__isnull=True), name="echanges_participant_actif_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.utilisateur} ({self.get_qualite_display()})"

    @property
    def est_actif(self) -> bool:
        return self.retire_le is None


class Fichier(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    echange = models.ForeignKey(Echange, on_delete=models.CASCADE, related_name="fichiers")
    document = models.ForeignKey("coffre.Document", on_delete=models.PROTECT, related_name="+")
    depose_par = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="+")
    depose_le = models.DateTimeField(default=maintenant)
    disponible_jusqu_au = models.DateTimeField("disponible jusqu'au")
    # Exactly one of these ends the availability early or at term; the content is then destroyed.
    expire_le = models.DateTimeField(null=True, blank=True)
    supprime_le = models.DateTimeField(null=True, blank=True)
    supprime_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Copied from the document so the trace reads without coffre (and survives its destruction).
    nom = models.CharField("nom du fichier", max_length=255)
    taille = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    evenement_depot = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")
    evenement_fin = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-depose_le", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(disponible_jusqu_au__gt=models.F("depose_le")), name="echanges_fichier_duree"),
            models.CheckConstraint(
                condition=Q(expire_le__isnull=True) | Q(supprime_le__isnull=True), name="echanges_fichier_une_seule_fin"
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def termine(self) -> bool:
        return self.expire_le is not None or self.supprime_le is not None

    def est_disponible(self, instant=None) -> bool:  # type: ignore[no-untyped-def]
        instant = instant or timezone.now()
        return not self.termine and self.disponible_jusqu_au > instant


class Telechargement(models.Model):
    fichier = models.ForeignKey(Fichier, on_delete=models.CASCADE, related_name="telechargements")
    utilisateur = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["le", "id"]
