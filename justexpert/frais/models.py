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


# --- Frais (2): the expert's time, requests about money, the fee request, the taxation -------------


class NatureTemps(models.TextChoices):
    """What a line of the time and expense log records (its unit in ``UNITES``)."""

    REUNION = "reunion", "Réunion d'expertise"
    DEPLACEMENT_TEMPS = "deplacement_temps", "Temps de déplacement"
    DEPLACEMENT_KM = "deplacement_km", "Déplacement (distance)"
    ETUDE = "etude", "Étude du dossier"
    REDACTION = "redaction", "Rédaction"
    LABORATOIRE = "laboratoire", "Laboratoire"
    SAPITEUR = "sapiteur", "Facture de sapiteur"
    COPIES = "copies", "Copies et reproductions"
    AFFRANCHISSEMENT = "affranchissement", "Affranchissement"
    FORFAIT = "forfait", "Forfait"


UNITES = {
    NatureTemps.REUNION: "heure",
    NatureTemps.DEPLACEMENT_TEMPS: "heure",
    NatureTemps.DEPLACEMENT_KM: "km",
    NatureTemps.ETUDE: "heure",
    NatureTemps.REDACTION: "heure",
    NatureTemps.LABORATOIRE: "unité",
    NatureTemps.SAPITEUR: "facture",
    NatureTemps.COPIES: "page",
    NatureTemps.AFFRANCHISSEMENT: "envoi",
    NatureTemps.FORFAIT: "forfait",
}


class RegimeTva(models.TextChoices):
    """The expert's VAT regime for a line: the rate applied to its amount before tax."""

    NORMAL = "20", "TVA 20 %"
    FRANCHISE = "0", "Franchise en base (CGI 293 B) ou non assujetti : pas de TVA"
    REDUIT = "10", "TVA 10 %"


class LigneTemps(models.Model):
    """One line of the expert's time and expense log: a quantity at a unit rate, with its VAT."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey("expertises.Expertise", on_delete=models.CASCADE, related_name="temps")
    nature = models.CharField(max_length=20, choices=NatureTemps.choices)
    jour = models.DateField("date")
    libelle = models.CharField("libellé", max_length=200)
    quantite = models.DecimalField("quantité", max_digits=9, decimal_places=2)
    taux = models.DecimalField("taux unitaire hors taxe (€)", max_digits=10, decimal_places=2)
    tva = models.CharField("régime de TVA", max_length=3, choices=RegimeTva.choices, default=RegimeTva.NORMAL)
    # Penal: the tariff line the rate comes from (frais de justice), empty in civil cases.
    tarif = models.ForeignKey("frais.Tarif", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cree_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["jour", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantite__gt=0), name="frais_temps_quantite_positive"),
            models.CheckConstraint(condition=Q(taux__gte=0), name="frais_temps_taux_positif"),
        ]


class TypeDemande(models.TextChoices):
    COMPLEMENT = "complement", "Provision complémentaire (CPC 280)"
    ACOMPTE = "acompte", "Acompte sur la provision consignée (CPC 280)"


class StatutDemande(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente de la décision du juge"
    ACCORDEE = "accordee", "Accordée"
    REJETEE = "rejetee", "Rejetée"


class Demande(models.Model):
    """A request of the expert about money, decided by the judge (sealed decision in the coffre)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey("expertises.Expertise", on_delete=models.CASCADE, related_name="demandes_frais")
    type = models.CharField(max_length=12, choices=TypeDemande.choices)
    montant = models.DecimalField("montant demandé (€)", max_digits=10, decimal_places=2)
    # Justification (complement): time spent and to come, costs, sapiteur, VAT, and free words.
    heures_passees = models.DecimalField("heures passées", max_digits=7, decimal_places=2, default=0)
    heures_a_venir = models.DecimalField("heures à venir", max_digits=7, decimal_places=2, default=0)
    frais = models.DecimalField("frais (€)", max_digits=10, decimal_places=2, default=0)
    sapiteur = models.DecimalField("sapiteur (€)", max_digits=10, decimal_places=2, default=0)
    tva = models.DecimalField("TVA (€)", max_digits=10, decimal_places=2, default=0)
    justification = models.TextField(blank=True)
    suspension_demandee = models.BooleanField("suspension des opérations demandée", default=False)
    demandee_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    demandee_le = models.DateTimeField(default=maintenant)
    statut = models.CharField(max_length=12, choices=StatutDemande.choices, default=StatutDemande.EN_ATTENTE)
    montant_accorde = models.DecimalField("montant accordé (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    date_limite = models.DateField("date limite de consignation", null=True, blank=True)
    suspension = models.BooleanField("opérations suspendues jusqu'à la consignation", default=False)
    motifs = models.TextField("motifs de la décision", blank=True)
    decidee_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decidee_le = models.DateTimeField(null=True, blank=True)
    decision = models.OneToOneField("coffre.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["demandee_le", "id"]
        constraints = [models.CheckConstraint(condition=Q(montant__gt=0), name="frais_demande_positive")]


class DemandeRemuneration(models.Model):
    """The expert's fee request (CPC 282): generated from the log, or uploaded; one per case."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.OneToOneField("expertises.Expertise", on_delete=models.CASCADE, related_name="demande_remuneration")
    montant_ht = models.DecimalField("montant hors taxe (€)", max_digits=10, decimal_places=2)
    montant_tva = models.DecimalField("TVA (€)", max_digits=10, decimal_places=2)
    montant = models.DecimalField("montant demandé TTC (€)", max_digits=10, decimal_places=2)
    generee = models.BooleanField("établie par la plateforme à partir du relevé", default=True)
    document = models.OneToOneField("coffre.Document", on_delete=models.PROTECT, related_name="+")
    deposee_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    deposee_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")


class ModeReception(models.TextChoices):
    PLATEFORME = "plateforme", "Ouverture sur la plateforme"
    POSTE = "poste", "Courrier (date déclarée par l'expert)"


class Reception(models.Model):
    """When a party received the fee request: the 15 days of CPC 282 run from this day."""

    demande = models.ForeignKey(DemandeRemuneration, on_delete=models.CASCADE, related_name="receptions")
    partie = models.ForeignKey("expertises.Partie", on_delete=models.PROTECT, related_name="+")
    recue_le = models.DateTimeField()
    mode = models.CharField(max_length=12, choices=ModeReception.choices)
    declaree_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["demande", "partie"], name="frais_reception_unique")]


class ObservationRemuneration(models.Model):
    """A party's observations on the fee request (CPC 282)."""

    demande = models.ForeignKey(DemandeRemuneration, on_delete=models.CASCADE, related_name="observations")
    partie = models.ForeignKey("expertises.Partie", on_delete=models.PROTECT, related_name="+")
    texte = models.TextField()
    deposee_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    deposee_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["deposee_le", "id"]


class Taxe(models.Model):
    """The taxation (CPC 284): the judge's invitation to the expert before fixing less than asked,
    then the ordonnance (amount, reasons, who bears a complement), its notification by the expert."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.OneToOneField("expertises.Expertise", on_delete=models.CASCADE, related_name="taxe")
    montant_envisage = models.DecimalField("montant envisagé (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    invitation_motifs = models.TextField(blank=True)
    invitation_le = models.DateTimeField(null=True, blank=True)
    date_limite_expert = models.DateField("date limite des observations de l'expert", null=True, blank=True)
    observations_expert = models.TextField(blank=True)
    observations_expert_le = models.DateTimeField(null=True, blank=True)
    montant = models.DecimalField("montant taxé (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    motifs = models.TextField("motifs", blank=True)
    debiteur = models.ForeignKey("expertises.Partie", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rendue_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rendue_le = models.DateTimeField(null=True, blank=True)
    ordonnance = models.OneToOneField("coffre.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notifiee_le = models.DateField("notifiée aux parties par l'expert le", null=True, blank=True)
    titre_executoire_le = models.DateTimeField("titre exécutoire demandé le", null=True, blank=True)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")


class TypeSortie(models.TextChoices):
    ACOMPTE = "acompte", "Acompte versé à l'expert"
    REMUNERATION = "remuneration", "Rémunération versée à l'expert"
    REMBOURSEMENT = "remboursement", "Remboursement à une partie"


class Sortie(models.Model):
    """A payment made by the régie (to the expert, or a refund to a party), recorded by the greffe."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey("expertises.Expertise", on_delete=models.CASCADE, related_name="sorties")
    type = models.CharField(max_length=14, choices=TypeSortie.choices)
    montant = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    partie = models.ForeignKey("expertises.Partie", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payee_le = models.DateField("date du paiement")
    demande = models.ForeignKey(Demande, null=True, blank=True, on_delete=models.PROTECT, related_name="sorties")
    enregistree_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    enregistree_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["payee_le", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="frais_sortie_positive"),
            models.CheckConstraint(
                condition=Q(type="remboursement", partie__isnull=False) | (~Q(type="remboursement") & Q(partie__isnull=True)),
                name="frais_sortie_partie_si_remboursement",
            ),
        ]


# --- Penal: frais de justice ----------------------------------------------------------------------


class Tarif(models.Model):
    """One line of the frais de justice tariff (CPP R. 92 s.), data the administrator keeps up to date."""

    code = models.CharField(max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    unite = models.CharField("unité", max_length=30)
    montant = models.DecimalField("montant unitaire (€)", max_digits=10, decimal_places=2)
    article = models.CharField("article du code de procédure pénale", max_length=40)
    actif = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.montant} € / {self.unite}, {self.article})"


class MemoireFrais(models.Model):
    """The expert's mémoire de frais in a penal case, from the log; certified by the magistrate."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.OneToOneField("expertises.Expertise", on_delete=models.CASCADE, related_name="memoire_frais")
    montant_ht = models.DecimalField(max_digits=10, decimal_places=2)
    montant_tva = models.DecimalField(max_digits=10, decimal_places=2)
    montant = models.DecimalField(max_digits=10, decimal_places=2)
    etabli_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    etabli_le = models.DateTimeField(default=maintenant)
    document = models.OneToOneField("coffre.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    certifie_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    certifie_le = models.DateTimeField(null=True, blank=True)
    evenement = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
