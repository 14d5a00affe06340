"""Candidatures (RPJ): application files for inscription on a list, their pieces, messages, the
history of their instruction, and the experts' annual activity reports.

The workflow itself (which state may follow which, for whom) is the table in ``workflow.py``;
every change of state goes through ``services.py``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from justexpert.annuaire.models import Formation


class TypeCandidature(models.TextChoices):
    INITIALE = "initiale", "Inscription initiale sur la liste d'une cour d'appel"
    REINSCRIPTION = "reinscription", "Réinscription"
    EXTENSION = "extension", "Extension à une autre spécialité"
    NATIONALE = "nationale", "Inscription sur la liste nationale (Cour de cassation)"


class Etat(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSEE = "deposee", "Déposée"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    COMPLEMENTS_DEMANDES = "complements_demandes", "Compléments demandés"
    COMPLEMENTS_APPORTES = "complements_apportes", "Compléments apportés"
    AVIS_PARQUET = "avis_parquet", "Avis du parquet enregistré"
    AVIS_COMMISSION = "avis_commission", "Avis de la commission enregistré"
    MOTIFS_ENVISAGES = "motifs_envisages", "Motifs de refus envisagés communiqués au candidat"
    REPONSE_APPORTEE = "reponse_apportee", "Réponse du candidat aux motifs envisagés reçue"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    CLASSEE = "classee", "Classée sans suite"
    RETIREE = "retiree", "Retirée par le candidat"


ETATS_FINAUX = frozenset({Etat.ACCEPTEE, Etat.REFUSEE, Etat.CLASSEE, Etat.RETIREE})
ETATS_DECISION = frozenset({Etat.ACCEPTEE, Etat.REFUSEE, Etat.CLASSEE})


class TypePiece(models.TextChoices):
    LETTRE_MOTIVATION = "lettre_motivation", "Lettre de motivation signée"
    IDENTITE = "identite", "Pièce d'identité (carte nationale d'identité, passeport, titre de séjour)"
    DIPLOMES = "diplomes", "Diplômes et titres"
    JUSTIFICATIF_ACTIVITE = "justificatif_activite", "Justificatif de l'activité professionnelle"
    JUSTIFICATIF_ADRESSE = "justificatif_adresse", "Justificatif d'adresse (activité principale ou domicile)"
    FORMATIONS = "formations", "Attestations des formations suivies"
    COMPTES_RENDUS = "comptes_rendus", "Comptes rendus annuels d'activité"
    AUTRE = "autre", "Autre pièce"


# Required pieces by kind (D2004 art. 6; the courts' lists of pieces; trainings are mandatory in
# practice for a réinscription, with the annual activity reports of the period).
PIECES_REQUISES: dict[str, tuple[str, ...]] = {
    TypeCandidature.INITIALE: (
        TypePiece.LETTRE_MOTIVATION,
        TypePiece.IDENTITE,
        TypePiece.DIPLOMES,
        TypePiece.JUSTIFICATIF_ACTIVITE,
        TypePiece.JUSTIFICATIF_ADRESSE,
    ),
    TypeCandidature.REINSCRIPTION: (
        TypePiece.LETTRE_MOTIVATION,
        TypePiece.IDENTITE,
        TypePiece.JUSTIFICATIF_ACTIVITE,
        TypePiece.JUSTIFICATIF_ADRESSE,
        TypePiece.FORMATIONS,
        TypePiece.COMPTES_RENDUS,
    ),
    TypeCandidature.EXTENSION: (
        TypePiece.LETTRE_MOTIVATION,
        TypePiece.IDENTITE,
        TypePiece.DIPLOMES,
        TypePiece.JUSTIFICATIF_ACTIVITE,
    ),
    TypeCandidature.NATIONALE: (
        TypePiece.LETTRE_MOTIVATION,
        TypePiece.IDENTITE,
        TypePiece.DIPLOMES,
        TypePiece.JUSTIFICATIF_ACTIVITE,
    ),
}


class CandidatureQuerySet(models.QuerySet["Candidature"]):
    def de_cours(self, cours: set[int]) -> CandidatureQuerySet:
        """Deposited files of these courts (drafts stay the candidate's own business)."""
        return self.filter(liste_id__in=cours).exclude(etat=Etat.BROUILLON)


class Candidature(models.Model):
    """One application file: one kind, one list (a cour d'appel, or the Cour de cassation for the
    national list), one specialite."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidat = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="candidatures")
    type = models.CharField("nature de la demande", max_length=16, choices=TypeCandidature.choices)
    etat = models.CharField(max_length=24, choices=Etat.choices, default=Etat.BROUILLON)
    liste = models.ForeignKey(
        "comptes.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidatures",
        verbose_name="liste demandée",
    )
    specialite = models.ForeignKey(
        "annuaire.ElementNomenclature", null=True, blank=True, on_delete=models.PROTECT, related_name="candidatures"
    )
    annee_liste = models.PositiveIntegerField("année de la liste")
    # Identity and activity as entered by the candidate (copied to the fiche on acceptance).
    civilite = models.CharField("civilité", max_length=4, blank=True)
    nom = models.CharField(max_length=150, blank=True)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    profession = models.CharField("profession exercée", max_length=200, blank=True)
    retraite = models.BooleanField("je suis retraité (le domicile remplace le lieu d'activité)", default=False)
    adresse_pro = models.CharField("adresse de l'activité principale", max_length=300, blank=True)
    code_postal_pro = models.CharField("code postal de l'activité principale", max_length=10, blank=True)
    ville_pro = models.CharField("ville de l'activité principale", max_length=150, blank=True)
    adresse_domicile = models.CharField("adresse du domicile", max_length=300, blank=True)
    code_postal_domicile = models.CharField("code postal du domicile", max_length=10, blank=True)
    ville_domicile = models.CharField("ville du domicile", max_length=150, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    diplomes = models.TextField("diplômes et titres", blank=True)
    travaux = models.TextField("travaux scientifiques, techniques ou professionnels", blank=True)
    activites = models.TextField("activités professionnelles exercées (employeurs, fonctions)", blank=True)
    moyens = models.TextField("moyens et installations dont vous disposez", blank=True)
    formations = models.TextField("formations suivies (intitulé, organisme, date)", blank=True)
    experience_judiciaire = models.TextField("expérience judiciaire (expertises réalisées)", blank=True)
    motivation = models.TextField("motivation (résumé)", blank=True)
    declaration_honneur = models.BooleanField(
        "je déclare sur l'honneur l'exactitude des renseignements fournis et ne faire l'objet d'aucune "
        "condamnation ni sanction visée à l'article 2 du décret n° 2004-1463",
        default=False,
    )
    # What the candidate last typed, as typed (invalid values included), so nothing is lost.
    saisie = models.JSONField(default=dict, blank=True)
    # Instruction.
    alertes = models.JSONField("points d'attention pour l'instructeur", default=list, blank=True)
    avis_parquet = models.TextField("avis du parquet", blank=True)
    avis_commission = models.TextField("avis motivé de la commission", blank=True)
    motifs_decision = models.TextField("motifs de la décision", blank=True)
    # Fair instruction of a réinscription (the platform's rule of good practice, docs/candidatures.md):
    # the reasons of refusal envisaged, the deadline to answer (court's day), the answer.
    motifs_envisages = models.TextField("motifs de refus envisagés", blank=True)
    date_limite_reponse = models.DateField("date limite de réponse du candidat", null=True, blank=True)
    reponse_motifs = models.TextField("réponse du candidat aux motifs envisagés", blank=True)
    reponse_le = models.DateTimeField(null=True, blank=True)
    reponse_en_retard = models.BooleanField("réponse reçue après la date limite", default=False)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)
    depose_le = models.DateTimeField(null=True, blank=True)
    decide_le = models.DateTimeField(null=True, blank=True)
    notifie_le = models.DateTimeField(null=True, blank=True)
    pieces_detruites_le = models.DateTimeField(null=True, blank=True)
    # The fiche this file concerns (candidate's own fiche for a réinscription / extension / national
    # list; the fiche created at acceptance for an inscription initiale).
    expert = models.ForeignKey("annuaire.Expert", null=True, blank=True, on_delete=models.SET_NULL, related_name="candidatures")

    objects = CandidatureQuerySet.as_manager()

    class Meta:
        ordering = ["-modifie_le"]
        indexes = [models.Index(fields=["liste", "etat"]), models.Index(fields=["annee_liste", "type"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(etat__in=["brouillon", "retiree"]) | Q(depose_le__isnull=False), name="candidature_deposee_a_une_date"
            ),
            models.CheckConstraint(condition=~Q(etat="refusee") | ~Q(motifs_decision=""), name="candidature_refus_motive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.nom} {self.prenom} ({self.get_etat_display()})"

    @property
    def est_finale(self) -> bool:
        return self.etat in ETATS_FINAUX

    @property
    def pieces_requises(self) -> tuple[str, ...]:
        return PIECES_REQUISES[self.type]

    def pieces_manquantes(self) -> list[str]:
        presentes = set(self.pieces.values_list("type", flat=True))
        if self.type == TypeCandidature.REINSCRIPTION and self.expert_id is not None:
            # What the platform already holds stands for the piece: the certificates of the training
            # ledger (annuaire), the annual activity reports filed here.
            if Formation.objects.filter(expert_id=self.expert_id).exists():
                presentes.add(TypePiece.FORMATIONS)
            if CompteRenduActivite.objects.filter(expert_id=self.expert_id).exists():
                presentes.add(TypePiece.COMPTES_RENDUS)
        return [t for t in self.pieces_requises if t not in presentes]


class Piece(models.Model):
    """A piece of a file: the document lives encrypted in coffre; its deposit is an event of the
    evidence log, whose receipt the candidate downloads (kept after the document is destroyed)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidature = models.ForeignKey(Candidature, on_delete=models.CASCADE, related_name="pieces")
    type = models.CharField(max_length=32, choices=TypePiece.choices)
    document = models.OneToOneField("coffre.Document", on_delete=models.PROTECT, related_name="+")
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")
    depose_par = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    depose_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["type", "depose_le"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.uuid})"


class Message(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidature = models.ForeignKey(Candidature, on_delete=models.CASCADE, related_name="messages")
    auteur = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    de_l_instruction = models.BooleanField(default=False)
    demande_complements = models.BooleanField(default=False)
    corps = models.TextField()
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cree_le", "id"]

    def __str__(self) -> str:
        return f"Message {self.uuid}"


class Traitement(models.Model):
    """One transition of the workflow: who, when, from which state to which, why."""

    candidature = models.ForeignKey(Candidature, on_delete=models.CASCADE, related_name="traitements")
    transition = models.CharField(max_length=40)
    de = models.CharField(max_length=24, choices=Etat.choices)
    vers = models.CharField(max_length=24, choices=Etat.choices)
    acteur = models.ForeignKey("comptes.Utilisateur", null=True, on_delete=models.SET_NULL, related_name="+")
    motif = models.TextField(blank=True)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")
    le = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["le", "id"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.de} → {self.vers}"


class CompteRenduActivite(models.Model):
    """The expert's annual activity report (D2004 art. 23), filed before 1 March for the past year."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expert = models.ForeignKey("annuaire.Expert", on_delete=models.CASCADE, related_name="comptes_rendus")
    annee = models.PositiveIntegerField("année d'activité")
    nombre_rapports = models.PositiveIntegerField("nombre de rapports déposés dans l'année")
    expertises_en_cours = models.PositiveIntegerField("nombre d'expertises en cours")
    detail_expertises = models.TextField(
        "expertises en cours (date de la décision de désignation, juridiction, délai imparti)", blank=True
    )
    formations = models.TextField("formations suivies (intitulé, organisme)", blank=True)
    depose_le = models.DateTimeField(auto_now_add=True)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-annee"]
        constraints = [models.UniqueConstraint(fields=["expert", "annee"], name="compte_rendu_unique_par_annee")]

    def __str__(self) -> str:
        return f"Compte rendu {self.annee} ({self.expert_id})"
