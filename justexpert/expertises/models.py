"""The expertise case (OPALEXE): the court's order, its parties, the people who take part, its
procedural state and deadlines, and the history of its transitions.

The states and the transitions between them are in ``procedure.py``; every change goes through
``services.py``. Deposits (part 2) hang off ``Expertise`` and ``Participant``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from justexpert.lib.temps import maintenant


class Matiere(models.TextChoices):
    CIVILE = "civile", "Civile"
    PENALE = "penale", "Pénale"


class TypeProcedure(models.TextChoices):
    # Civil (CPC 145, 232 ff.)
    REFERE = "refere", "Référé expertise (CPC 145)"
    FOND = "fond", "Au fond"
    MISE_EN_ETAT = "mise_en_etat", "Juge de la mise en état"
    # Penal (CPP 156 ff.)
    INSTRUCTION = "instruction", "Information judiciaire (juge d'instruction)"
    JUGEMENT = "jugement", "Juridiction de jugement"


PROCEDURES_PAR_MATIERE = {
    Matiere.CIVILE: {TypeProcedure.REFERE, TypeProcedure.FOND, TypeProcedure.MISE_EN_ETAT},
    Matiere.PENALE: {TypeProcedure.INSTRUCTION, TypeProcedure.JUGEMENT},
}


class Etat(models.TextChoices):
    ORDONNEE = "ordonnee", "Ordonnée"
    NOTIFIEE = "notifiee", "Notifiée à l'expert"
    ACCEPTEE = "acceptee", "Acceptée par l'expert"
    REFUSEE = "refusee", "Refusée par l'expert : à remplacer"
    RECUSEE = "recusee", "Expert récusé : à remplacer"
    ATTENTE_CONSIGNATION = "attente_consignation", "En attente de consignation"
    CADUQUE = "caduque", "Désignation caduque"
    EN_COURS = "en_cours", "Opérations en cours"
    PHASE_DIRES = "phase_dires", "Phase des dires"
    RAPPORT_PROVISOIRE = "rapport_provisoire", "Rapport provisoire : observations des parties"
    REDACTION = "redaction", "Rédaction du rapport"
    RAPPORT_DEPOSE = "rapport_depose", "Rapport déposé"
    CONCLUSIONS_NOTIFIEES = "conclusions_notifiees", "Conclusions notifiées : délai de contre-expertise"
    SANS_OBJET = "sans_objet", "Mission sans objet (conciliation)"
    TAXATION = "taxation", "Taxation"
    CLOSE = "close", "Close"


class StatutConsignation(models.TextChoices):
    SANS_OBJET = "sans_objet", "Sans objet"
    A_CONSIGNER = "a_consigner", "À consigner"
    CONSIGNEE = "consignee", "Consignée"
    COMPLEMENT_A_CONSIGNER = "complement", "Complément à consigner"
    NON_CONSIGNEE = "non_consignee", "Non consignée"


class ExpertiseQuerySet(models.QuerySet["Expertise"]):
    def ouvertes(self) -> ExpertiseQuerySet:
        return self.exclude(etat__in=[Etat.CLOSE, Etat.CADUQUE])


class Expertise(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    juridiction = models.ForeignKey("comptes.Organisation", on_delete=models.PROTECT, related_name="expertises")
    numero_rg = models.CharField("numéro RG (ou de parquet)", max_length=40)
    # The national Portalis number of a civil case, beside the RG (optional; loosely validated, its
    # format is not public: see portalis.py and docs/expertises.md).
    numero_portalis = models.CharField("numéro Portalis", max_length=40, blank=True, db_index=True)
    matiere = models.CharField("matière", max_length=10, choices=Matiere.choices, default=Matiere.CIVILE)
    type_procedure = models.CharField("type de procédure", max_length=20, choices=TypeProcedure.choices)
    # The designating magistrate (penal visibility follows their juridiction).
    magistrat = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="expertises_ordonnees")
    date_ordonnance = models.DateField("date de la décision")
    mission = models.TextField("mission")
    questions = models.JSONField("questions", default=list, blank=True)
    # Where the designation came from (a recherche solicitation), opaque reference.
    sollicitation_ref = models.CharField(max_length=64, blank=True)
    etat = models.CharField("état", max_length=30, choices=Etat.choices, default=Etat.ORDONNEE, db_index=True)
    etat_depuis = models.DateTimeField(default=maintenant)
    # Deadlines are days in the juridiction's time zone (they end at the end of that day there).
    date_limite_rapport = models.DateField("date limite du rapport")
    consignation_montant = models.DecimalField(
        "montant de la consignation (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    consignation_date_limite = models.DateField("date limite de consignation", null=True, blank=True)
    consignation_statut = models.CharField(
        "consignation", max_length=20, choices=StatutConsignation.choices, default=StatutConsignation.SANS_OBJET
    )
    date_limite_dires = models.DateField("date limite des dires", null=True, blank=True)
    # Penal: observations on the order (CPP 161-1), on a provisional report (167-2), requests for a
    # counter-expertise after the conclusions (167). Civil: observations on the fee request (CPC 282).
    date_limite_observations = models.DateField("date limite des observations", null=True, blank=True)
    urgence = models.BooleanField("urgence (CPP 161-1 al. 3 : opérations sans attendre les observations)", default=False)
    matiere_financiere = models.BooleanField("expertise comptable ou financière (délais d'un mois, CPP 167)", default=False)
    rapport_depose_le = models.DateTimeField(null=True, blank=True)
    montant_taxe = models.DecimalField("montant taxé (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    cree_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    cree_le = models.DateTimeField(default=maintenant)
    close_le = models.DateTimeField(null=True, blank=True)
    # Document contents destroyed after closure plus the retention delay (proofs stay).
    purgee_le = models.DateTimeField(null=True, blank=True)
    # The latest of the creation, the transitions and the deposits (activite.py): the control
    # judge's dashboard sorts and filters by it through an index.
    derniere_activite = models.DateTimeField("dernière activité", null=True, blank=True, editable=False)

    objects = ExpertiseQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consignation_montant__isnull=True) | Q(consignation_montant__gte=0),
                name="expertise_consignation_positive",
            ),
            models.CheckConstraint(condition=Q(etat__in=Etat.values), name="expertise_etat_connu"),
        ]
        indexes = [
            # The control judge's dashboard (controle): the open cases of one court by deadline,
            # and its counts read from the index alone.
            models.Index(fields=["juridiction", "date_limite_rapport"], name="expertise_jur_limite"),
            models.Index(fields=["juridiction", "derniere_activite"], name="expertise_jur_activite"),
            models.Index(
                fields=["juridiction", "matiere", "etat", "date_limite_rapport", "consignation_statut"],
                name="expertise_jur_synthese",
            ),
        ]

    def __str__(self) -> str:
        return f"Expertise RG {self.numero_rg}"

    @property
    def reference_civile(self) -> str:
        """« RG 22/03700 » or « RG 22/03700 — Portalis DBVB-V-B7G-BJA4Z » (civil cases)."""
        return f"RG {self.numero_rg}" + (f" — Portalis {self.numero_portalis}" if self.numero_portalis else "")

    @property
    def est_penale(self) -> bool:
        return self.matiere == Matiere.PENALE

    @property
    def fuseau(self) -> str:
        return self.juridiction.fuseau


class QualitePartie(models.TextChoices):
    DEMANDEUR = "demandeur", "Demandeur"
    DEFENDEUR = "defendeur", "Défendeur"
    INTERVENANT = "intervenant", "Intervenant"
    PARTIE_CIVILE = "partie_civile", "Partie civile"
    MIS_EN_EXAMEN = "mis_en_examen", "Mis en examen / prévenu"


class Partie(models.Model):
    """A party to the case as named in the order (a person or a company), enrolled or not."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey(Expertise, on_delete=models.CASCADE, related_name="parties")
    designation = models.CharField("désignation", max_length=200)
    qualite = models.CharField("qualité", max_length=20, choices=QualitePartie.choices)
    # The lawyer asked that the client not be enrolled (OPALEXE practice: clients would see every
    # document day by day): no invitation for the party itself, existing access removed.
    inscription_refusee = models.BooleanField("le conseil demande que la partie ne soit pas inscrite", default=False)
    ajoutee_le = models.DateTimeField(default=maintenant)

    class Meta:
        ordering = ["qualite", "id"]

    def __str__(self) -> str:
        return f"{self.designation} ({self.get_qualite_display().lower()})"


class Qualite(models.TextChoices):
    """A person's capacity in one case (what the transition table speaks of)."""

    MAGISTRAT = "magistrat", "Magistrat"
    GREFFIER = "greffier", "Greffier"
    EXPERT = "expert", "Expert"
    AVOCAT = "avocat", "Avocat"
    PARTIE = "partie", "Partie"


class Participant(models.Model):
    """A person who takes part in the case. Access ends at once when ``retire_le`` is set."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey(Expertise, on_delete=models.CASCADE, related_name="participants")
    utilisateur = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="participations_expertises")
    qualite = models.CharField("qualité", max_length=10, choices=Qualite.choices)
    partie = models.ForeignKey(Partie, null=True, blank=True, on_delete=models.PROTECT, related_name="participants")
    fiche_expert = models.ForeignKey("annuaire.Expert", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ajoute_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ajoute_le = models.DateTimeField(default=maintenant)
    retire_le = models.DateTimeField(null=True, blank=True)
    retire_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["ajoute_le", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["expertise", "utilisateur", "qualite"],
                condition=Q(retire_le__isnull=True),
                name="expertises_participant_actif_unique",
            ),
            models.CheckConstraint(
                condition=Q(partie__isnull=True) | Q(qualite__in=["avocat", "partie"]), name="expertises_partie_avocat_ou_partie"
            ),
            models.CheckConstraint(
                condition=Q(fiche_expert__isnull=True) | Q(qualite="expert"), name="expertises_fiche_pour_expert"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.utilisateur} ({self.get_qualite_display().lower()})"

    @property
    def est_actif(self) -> bool:
        return self.retire_le is None


class Historique(models.Model):
    """One fired transition (or incident) of the case, shown on its page; the same fact is in the
    evidence log with references only (``evenement``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey(Expertise, on_delete=models.CASCADE, related_name="historique")
    transition = models.CharField(max_length=40)
    etat_avant = models.CharField(max_length=30, choices=Etat.choices)
    etat_apres = models.CharField(max_length=30, choices=Etat.choices)
    acteur = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    qualite = models.CharField(max_length=10, blank=True)  # empty: the platform (periodic task)
    le = models.DateTimeField(default=maintenant)
    motif = models.TextField(blank=True)
    evenement = models.ForeignKey("preuves.Evenement", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["le", "id"]
        # Last activity of a case (controle's dashboard): the latest transition, from the index.
        indexes = [models.Index(fields=["expertise", "le"], name="historique_expertise_le")]


class Rappel(models.Model):
    """A warning already sent before a deadline (one per case, deadline kind, day and notice)."""

    expertise = models.ForeignKey(Expertise, on_delete=models.CASCADE, related_name="rappels")
    nature = models.CharField(max_length=30)
    echeance = models.DateField()
    preavis_jours = models.PositiveSmallIntegerField()
    envoye_le = models.DateTimeField(default=maintenant)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expertise", "nature", "echeance", "preavis_jours"], name="expertises_rappel_unique")
        ]


class GreffeParDefaut(models.Model):
    """The greffiers named on a new case of a juridiction when the designation names none, set by
    the juridiction's administrator: a case always has a greffe to notify the expert and record the
    consignation, so it can move."""

    juridiction = models.OneToOneField("comptes.Organisation", on_delete=models.CASCADE, related_name="greffe_expertises")
    greffiers = models.ManyToManyField("comptes.Utilisateur", related_name="+", blank=True)
    modifie_le = models.DateTimeField(default=maintenant)
    modifie_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Greffe des expertises — {self.juridiction}"


# --- Documents of the case (part 2) --------------------------------------------------------------


class TypeDocument(models.TextChoices):
    """Kinds of deposit (OPALEXE folders); who deposits which kind is in ``types_documents.py``."""

    CONVOCATION = "convocation", "Convocation"
    COMPTE_RENDU = "compte_rendu", "Compte rendu de réunion"
    NOTE = "note", "Note aux parties"
    DEMANDE_PIECES = "demande_pieces", "Demande de pièces"
    PIECE = "piece", "Pièce"
    PRE_RAPPORT = "pre_rapport", "Pré-rapport (note de synthèse)"
    DIRE = "dire", "Dire"
    REPONSE_DIRE = "reponse_dire", "Réponse à un dire"
    DIRE_RECAPITULATIF = "dire_recapitulatif", "Dire récapitulatif"
    RAPPORT = "rapport", "Rapport définitif"
    ANNEXE = "annexe", "Annexe"
    DEMANDE_REMUNERATION = "demande_remuneration", "Demande de rémunération"
    OBSERVATIONS = "observations", "Observations sur la demande de rémunération"
    ORDONNANCE_TAXE = "ordonnance_taxe", "Ordonnance de taxe"


class DepotQuerySet(models.QuerySet["Depot"]):
    def lisibles(self) -> DepotQuerySet:
        return self.filter(document__detruit_le__isnull=True)


class Depot(models.Model):
    """One document deposited in a case: its content is in the coffre (``document``), the fact of
    its deposit in the evidence log (``evenement``). The row stays after the content is purged."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey(Expertise, on_delete=models.CASCADE, related_name="depots")
    type = models.CharField(max_length=30, choices=TypeDocument.choices)
    document = models.OneToOneField("coffre.Document", on_delete=models.PROTECT, related_name="+")
    depose_par = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="+")
    qualite = models.CharField("qualité du déposant", max_length=10, choices=Qualite.choices)
    # The party on whose behalf a lawyer or a party deposits (pieces are numbered per party).
    partie = models.ForeignKey(Partie, null=True, blank=True, on_delete=models.PROTECT, related_name="depots")
    numero = models.PositiveIntegerField(null=True, blank=True)
    depose_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")
    # Health data (CPC 275, CSP L1110-4): visible to the expert and the magistrat of the case, to
    # the depositor, and to the participants the depositor names (``autorises``) only.
    medical = models.BooleanField("document médical", default=False)
    autorises = models.ManyToManyField(Participant, blank=True, related_name="documents_medicaux")
    # A dire deposited after the dires deadline: accepted, but the expert may disregard it (CPC 276).
    en_retard = models.BooleanField(default=False)
    repond_a = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reponses")
    # Convocation: the meeting.
    reunion_le = models.DateTimeField(null=True, blank=True)
    reunion_lieu = models.CharField(max_length=300, blank=True)
    reunion_lien = models.URLField(max_length=500, blank=True)
    # Pré-rapport: end of the dires; demande de rémunération: end of the observations (CPC 282).
    date_limite = models.DateField(null=True, blank=True)
    # Rapport définitif: the signature verdict (preuves.signatures.Verdict.en_dict()).
    verdict = models.JSONField(null=True, blank=True)
    # Sealed PDFs the platform drew up (convocation): when the certificate of the last document
    # timestamp of the copy served expires (prolongation.py adds one before); NULL: not read yet.
    fin_horodatage = models.DateTimeField(null=True, blank=True)

    objects = DepotQuerySet.as_manager()

    class Meta:
        ordering = ["depose_le", "id"]
        # Last activity of a case (controle's dashboard): the latest deposit, from the index.
        indexes = [models.Index(fields=["expertise", "depose_le"], name="depot_expertise_depose_le")]
        constraints = [
            models.UniqueConstraint(
                fields=["expertise", "partie", "type", "numero"],
                condition=Q(numero__isnull=False),
                name="expertises_depot_numero_unique",
            ),
            models.CheckConstraint(condition=Q(type__in=TypeDocument.values), name="expertises_depot_type_connu"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}{f' n° {self.numero}' if self.numero else ''}"

    @property
    def libelle(self) -> str:
        if self.type == TypeDocument.PIECE and self.partie_id and self.numero:
            return f"Pièce n° {self.numero}"
        return self.get_type_display()


class Ouverture(models.Model):
    """The first opening of a document by a person (later downloads are not new facts)."""

    depot = models.ForeignKey(Depot, on_delete=models.CASCADE, related_name="ouvertures")
    utilisateur = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["le", "id"]
        constraints = [models.UniqueConstraint(fields=["depot", "utilisateur"], name="expertises_ouverture_unique")]


class ModeNotification(models.TextChoices):
    IMMEDIAT = "immediat", "Un courriel à chaque dépôt"
    QUOTIDIEN = "quotidien", "Un récapitulatif par jour"


class PreferenceNotification(models.Model):
    """How a person wants to hear of new deposits in their cases (default: at once)."""

    utilisateur = models.OneToOneField("comptes.Utilisateur", on_delete=models.CASCADE, related_name="preference_expertises")
    mode = models.CharField(max_length=10, choices=ModeNotification.choices, default=ModeNotification.IMMEDIAT)


class AvisEnAttente(models.Model):
    """A deposit to mention in a person's next daily digest."""

    utilisateur = models.ForeignKey("comptes.Utilisateur", on_delete=models.CASCADE, related_name="+")
    depot = models.ForeignKey(Depot, on_delete=models.CASCADE, related_name="+")
    cree_le = models.DateTimeField(default=maintenant)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["utilisateur", "depot"], name="expertises_avis_unique")]


class Relance(models.Model):
    """A reminder sent by a judge of the control (CPC 155-1) to the expert of a case: a dated
    message kept in the case, which the expert acknowledges. Both facts are in the evidence log."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expertise = models.ForeignKey(Expertise, on_delete=models.CASCADE, related_name="relances")
    expert = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="relances_recues")
    auteur = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="+")
    message = models.TextField("message")
    envoyee_le = models.DateTimeField(default=maintenant)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")
    accusee_le = models.DateTimeField(null=True, blank=True)
    evenement_accuse = models.ForeignKey("preuves.Evenement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-envoyee_le", "-id"]
        indexes = [models.Index(fields=["expert", "accusee_le"], name="expertises_relance_a_accuser")]

    def __str__(self) -> str:
        return f"Relance du {self.envoyee_le:%d/%m/%Y}"
