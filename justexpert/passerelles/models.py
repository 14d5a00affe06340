"""Imports from other systems: each run of an import from Démarches Simplifiées (its progress and
its report), and each DS file imported (its DS number and state, the candidature it became)."""

from __future__ import annotations

import uuid

from django.db import models


class EtatImport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Interrompu"


class ImportDS(models.Model):
    """One run: the files of one procedure (one kind of candidature) of one cour d'appel."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cour = models.ForeignKey("comptes.Organisation", on_delete=models.PROTECT, related_name="+")
    type_candidature = models.CharField("nature des candidatures", max_length=16)
    demarche = models.PositiveIntegerField("numéro de la démarche")
    lance_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    etat = models.CharField(max_length=12, choices=EtatImport.choices, default=EtatImport.EN_ATTENTE)
    pages = models.PositiveIntegerField("pages lues", default=0)
    lus = models.PositiveIntegerField("dossiers lus", default=0)
    crees = models.PositiveIntegerField("candidatures créées", default=0)
    mis_a_jour = models.PositiveIntegerField("candidatures mises à jour", default=0)
    inchanges = models.PositiveIntegerField("dossiers inchangés", default=0)
    ecartes = models.PositiveIntegerField("dossiers non importés", default=0)
    # One entry per file with something to say: {"numero": 123 | None, "titre": "...", "lignes": [...]}.
    rapport = models.JSONField(default=list, blank=True)
    message = models.TextField("message", blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    debut = models.DateTimeField(null=True, blank=True)
    fin = models.DateTimeField(null=True, blank=True)
    # Last sign of life of the run (each file read): a run silent for too long was cut (worker
    # stopped) and no longer blocks a new one.
    avance_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-id"]

    def __str__(self) -> str:
        return f"Import DS {self.demarche} ({self.get_etat_display()})"

    @property
    def en_cours(self) -> bool:
        return self.etat in (EtatImport.EN_ATTENTE, EtatImport.EN_COURS)


class EtatDS(models.TextChoices):
    EN_CONSTRUCTION = "en_construction", "En construction"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    ACCEPTE = "accepte", "Accepté"
    REFUSE = "refuse", "Refusé"
    SANS_SUITE = "sans_suite", "Classé sans suite"


class DossierDS(models.Model):
    """A DS file imported once: the candidature it became; imported again only when DS says it changed."""

    numero = models.PositiveBigIntegerField("numéro du dossier DS", unique=True)
    demarche = models.PositiveIntegerField("numéro de la démarche")
    candidature = models.OneToOneField("candidatures.Candidature", on_delete=models.CASCADE, related_name="dossier_ds")
    etat_ds = models.CharField("état sur Démarches Simplifiées", max_length=16, choices=EtatDS.choices)
    modifie_ds_le = models.DateTimeField("dernière modification sur Démarches Simplifiées")
    # DS checksum of each file already stored -> uuid of its candidature piece (not fetched again).
    fichiers = models.JSONField(default=dict, blank=True)
    # Every champ as typed on DS (label -> text), kept whole (the candidature holds the mapped values).
    champs_ds = models.JSONField("champs tels que saisis sur Démarches Simplifiées", default=dict, blank=True)
    importe_le = models.DateTimeField(auto_now_add=True)
    mis_a_jour_le = models.DateTimeField(auto_now=True)
    dernier_import = models.ForeignKey(ImportDS, null=True, on_delete=models.SET_NULL, related_name="dossiers")

    class Meta:
        ordering = ["numero"]

    def __str__(self) -> str:
        return f"Dossier DS n° {self.numero}"
