"""Operations of a case on the ground: meetings (réunions d'expertise, accédits), the convocation of
each person by the channel the law requires and the proof of its delivery, the consents that
channel rests on (CPC 748-1 for electronic exchange; audiovisual operations), the attendance sheet,
and the calendar of operations with its per-person iCalendar feed.

Times are stored in UTC and shown in the court's time zone (``expertise.fuseau``). Every change
goes through ``services.py`` with its evidence-log event (references only).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from justexpert.lib.temps import maintenant


def preavis_par_defaut() -> int:
    return int(getattr(settings, "OPERATIONS_PREAVIS_JOURS", 8))


class StatutReunion(models.TextChoices):
    PREVUE = "prevue", "Prévue"
    ANNULEE = "annulee", "Annulée"
    TENUE = "tenue", "Tenue (feuille de présence scellée)"


class Reunion(models.Model):
    """One meeting of the case. Moving it changes ``debut``/``lieu``/``lien`` and sends new
    convocations (the previous ones are marked « remplacée »)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey("expertises.Expertise", on_delete=models.CASCADE, related_name="reunions")
    debut = models.DateTimeField("date et heure")
    lieu = models.CharField("lieu", max_length=300, blank=True)
    lien = models.URLField("lien de visioconférence", max_length=500, blank=True)
    ordre_du_jour = models.TextField("ordre du jour", blank=True)
    preavis_jours = models.PositiveSmallIntegerField("délai de convocation minimal (jours)", default=preavis_par_defaut)
    statut = models.CharField(max_length=10, choices=StatutReunion.choices, default=StatutReunion.PREVUE)
    # The sealed convocation PDF deposited in the case (expertises' Depot of kind « convocation »).
    convocation = models.ForeignKey("expertises.Depot", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    comptes_rendus = models.ManyToManyField("expertises.Depot", blank=True, related_name="+")
    feuille = models.OneToOneField("coffre.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    feuille_evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deplacements = models.PositiveSmallIntegerField(default=0)
    cree_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(default=maintenant)
    annulee_le = models.DateTimeField(null=True, blank=True)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["debut", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(lieu="") | ~Q(lien=""), name="operations_reunion_lieu_ou_lien"),
        ]

    def __str__(self) -> str:
        return f"Réunion du {self.debut:%d/%m/%Y}"

    @property
    def visio(self) -> bool:
        return bool(self.lien)


class Canal(models.TextChoices):
    PLATEFORME = "plateforme", "Avis sur la plateforme (accusé d'ouverture)"
    LRAR = "lrar", "Lettre recommandée avec avis de réception"
    LRE = "lre", "Lettre recommandée électronique (eIDAS)"
    LETTRE_SIMPLE = "lettre_simple", "Lettre simple"


class StatutConvocation(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente d'envoi"
    ENVOYEE = "envoyee", "Envoyée, remise non encore prouvée"
    PROUVEE = "prouvee", "Remise prouvée"
    NON_RECLAMEE = "non_reclamee", "Pli non réclamé"
    ECHEC = "echec", "Échec"
    REMPLACEE = "remplacee", "Remplacée (réunion déplacée ou annulée)"


class Convocation(models.Model):
    """The convocation of one person to one meeting: a party (``partie``, with or without an
    account) or a lawyer (``participant``), by ``canal``, and where its delivery stands."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="convocations")
    partie = models.ForeignKey("expertises.Partie", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey("expertises.Participant", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    destinataire = models.CharField(max_length=200)
    qualite = models.CharField(max_length=60)  # « partie (demandeur) », « avocat de … »
    canal = models.CharField(max_length=15, choices=Canal.choices)
    statut = models.CharField(max_length=15, choices=StatutConvocation.choices, default=StatutConvocation.EN_ATTENTE)
    numero_suivi = models.CharField("numéro de suivi", max_length=40, blank=True)
    envoyee_le = models.DateTimeField(null=True, blank=True)
    remise_le = models.DateTimeField(null=True, blank=True)
    avis_reception = models.OneToOneField("coffre.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    preuve_lre = models.OneToOneField("coffre.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reference_lre = models.CharField(max_length=100, blank=True)
    tentatives = models.PositiveSmallIntegerField(default=0)
    derniere_erreur = models.CharField(max_length=300, blank=True)
    cree_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["cree_le", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partie__isnull=False) | Q(participant__isnull=False), name="operations_convocation_destinataire"
            ),
        ]

    def __str__(self) -> str:
        return f"Convocation de {self.destinataire}"

    @property
    def en_cours(self) -> bool:
        return self.statut != StatutConvocation.REMPLACEE


class ConsentementEchange(models.Model):
    """A participant's consent to receive by electronic means (CPC 748-1 ff.), given from their own
    session: the date and the evidence event are the proof. Withdrawn: ``retire_le``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey("expertises.Participant", on_delete=models.PROTECT, related_name="+")
    donne_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")
    retire_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["donne_le", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(retire_le__isnull=True), name="operations_consentement_actif_unique"
            )
        ]


class ConsentementVisio(models.Model):
    """A participant's consent to a meeting held by video (audiovisual operations), given before it."""

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="consentements_visio")
    participant = models.ForeignKey("expertises.Participant", on_delete=models.PROTECT, related_name="+")
    donne_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reunion", "participant"], name="operations_visio_unique")]


class StatutPresence(models.TextChoices):
    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"
    EXCUSE = "excuse", "Excusé"


class ModeSignature(models.TextChoices):
    APPAREIL_EXPERT = "appareil_expert", "signé sur l'appareil de l'expert"
    SESSION = "session", "confirmé depuis son propre compte"


class Presence(models.Model):
    """One line of the attendance sheet: a person convened, present (signed), absent or excused."""

    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, related_name="presences")
    convocation = models.ForeignKey(Convocation, on_delete=models.PROTECT, related_name="presences")
    statut = models.CharField(max_length=10, choices=StatutPresence.choices)
    nom = models.CharField("nom", max_length=200)
    qualite = models.CharField("qualité", max_length=100, blank=True)
    represente = models.CharField("représentant", max_length=200, blank=True)
    arrivee = models.DateTimeField("arrivée", null=True, blank=True)
    depart = models.DateTimeField("départ", null=True, blank=True)
    mode = models.CharField(max_length=20, choices=ModeSignature.choices, blank=True)
    signe_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signe_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["signe_le", "id"]
        constraints = [models.UniqueConstraint(fields=["reunion", "convocation"], name="operations_presence_unique")]


class NatureEtape(models.TextChoices):
    PIECES = "pieces", "Date limite de communication des pièces"
    NOTE_SYNTHESE = "note_synthese", "Note de synthèse (pré-rapport)"
    DIRES = "dires", "Date limite des dires"
    RAPPORT = "rapport", "Dépôt du rapport"
    AUTRE = "autre", "Autre étape"


class EtapeCalendrier(models.Model):
    """One date of the calendar of operations; ``du_juge``: fixed by the judge (CPC 266)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey("expertises.Expertise", on_delete=models.CASCADE, related_name="etapes_calendrier")
    nature = models.CharField(max_length=15, choices=NatureEtape.choices)
    libelle = models.CharField("précision", max_length=200, blank=True)
    date = models.DateField("date")
    du_juge = models.BooleanField("fixée par le juge (CPC 266)", default=False)
    cree_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    modifie_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date", "id"]

    @property
    def titre(self) -> str:
        return self.get_nature_display() + (f" — {self.libelle}" if self.libelle else "")


class JetonCalendrier(models.Model):
    """A person's secret iCalendar feed: only the SHA-256 of the secret is kept. Renewing replaces
    the row, so the old URL answers 404."""

    utilisateur = models.OneToOneField("comptes.Utilisateur", on_delete=models.CASCADE, related_name="jeton_calendrier")
    empreinte = models.CharField(max_length=64, unique=True)
    cree_le = models.DateTimeField(default=maintenant)
