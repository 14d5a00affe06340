"""The referential: the versioned nomenclature (branche > rubrique > specialite) and its
reclassement tables; expert fiches, their inscriptions on the lists, their history, and the
published annual lists."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone


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


# --- Expert fiches and inscriptions ---------------------------------------------------------------


class StatutInscription(models.TextChoices):
    PROBATOIRE = "probatoire", "Inscrit à titre probatoire (3 ans)"
    INSCRIT = "inscrit", "Inscrit (5 ans)"
    HONORAIRE = "honoraire", "Honoraire"
    SUSPENDU = "suspendu", "Suspendu"
    RADIE = "radie", "Radié"
    RETIRE = "retire", "Retiré"


# Statuses under which an expert can be solicited and designated (D2004: radiation and suspension
# take effect at once; honorariat keeps the title, not the list).
STATUTS_ACTIFS = (StatutInscription.PROBATOIRE, StatutInscription.INSCRIT)


class Civilite(models.TextChoices):
    MADAME = "Mme", "Madame"
    MONSIEUR = "M.", "Monsieur"


class ExpertQuerySet(models.QuerySet["Expert"]):
    def designables(self, le: dt.date | None = None) -> ExpertQuerySet:
        """Experts holding at least one inscription in force on ``le`` (today by default): the only
        ones recherche may propose and expertises may designate."""
        inscriptions = Inscription.objects.actives(le)
        return self.filter(pk__in=inscriptions.values("expert_id"))


class Expert(models.Model):
    """The fiche of one judicial expert in the national referential."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        "référence", max_length=40, unique=True, null=True, blank=True, help_text="Identifiant dans la liste importée."
    )
    # Identity: changed only by the court.
    civilite = models.CharField("civilité", max_length=4, choices=Civilite.choices, blank=True)
    nom = models.CharField(max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    profession = models.CharField(max_length=200, blank=True)
    diplomes = models.TextField("diplômes", blank=True)
    langues = models.CharField("langues (traducteurs et interprètes)", max_length=300, blank=True)
    date_serment = models.DateField("date de prestation de serment", null=True, blank=True)
    # Addresses: the professional département places the expert in a cour d'appel ressort.
    adresse_pro = models.CharField("adresse professionnelle", max_length=300, blank=True)
    code_postal_pro = models.CharField("code postal professionnel", max_length=10, blank=True)
    ville_pro = models.CharField("ville (adresse professionnelle)", max_length=150, blank=True)
    departement = models.CharField("département", max_length=3, blank=True)
    cour_appel = models.ForeignKey(
        "comptes.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts_du_ressort",
        verbose_name="cour d'appel du ressort",
    )
    adresse_postale = models.CharField("adresse postale", max_length=400, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    # Kept by the expert.
    telephone_fixe = models.CharField("téléphone fixe", max_length=30, blank=True)
    telephone_mobile = models.CharField("téléphone mobile", max_length=30, blank=True)
    compagnie = models.CharField("compagnie d'experts", max_length=200, blank=True)
    matiere_civile = models.BooleanField("accepte les missions en matière civile", default=True)
    matiere_penale = models.BooleanField("accepte les missions en matière pénale", default=True)
    echange_securise = models.BooleanField("utilise l'échange sécurisé de la plateforme", default=False)
    specialites_fines = models.TextField("spécialités fines et compétences", blank=True)
    zone_intervention = models.CharField("zone géographique d'intervention", max_length=300, blank=True)
    # Link to the expert's login: made by invitation only (comptes.invitations, objet annuaire.fiche).
    utilisateur = models.OneToOneField(
        "comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="fiche_expert"
    )
    # Figures pushed by other modules (services.mettre_a_jour_compteurs), read by recherche.
    missions_en_cours = models.PositiveIntegerField(default=0)
    derniere_designation = models.DateField(null=True, blank=True)
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["nom", "prenom", "id"]
        # modifie_le: "fiches changed since" (recherche's index freshness) at 10⁵ fiches.
        indexes = [models.Index(fields=["nom", "prenom"]), models.Index(fields=["modifie_le"], name="annuaire_expert_modifie_le")]

    def __str__(self) -> str:
        return self.nom_complet

    @property
    def nom_complet(self) -> str:
        return f"{self.nom.upper()} {self.prenom}".strip()


class InscriptionQuerySet(models.QuerySet["Inscription"]):
    def actives(self, le: dt.date | None = None) -> InscriptionQuerySet:
        jour = le or timezone.localdate()
        return self.filter(statut__in=STATUTS_ACTIFS, debut__lte=jour).filter(
            models.Q(fin__isnull=True) | models.Q(fin__gte=jour)
        )

    def de_l_annee(self, annee: int) -> InscriptionQuerySet:
        """Inscriptions in force on some day of ``annee`` and still in force (annual list)."""
        return self.filter(statut__in=STATUTS_ACTIFS, debut__lte=dt.date(annee, 12, 31)).filter(
            models.Q(fin__isnull=True) | models.Q(fin__gte=dt.date(annee, 1, 1))
        )


class Inscription(models.Model):
    """An expert listed in one specialite on one list (a cour d'appel, or the national list kept by
    the Cour de cassation). One row per (expert, list, specialite); renewals and decisions update it
    and the history keeps every former state."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="inscriptions")
    liste = models.ForeignKey(
        "comptes.Organisation",
        on_delete=models.PROTECT,
        related_name="inscriptions_experts",
        limit_choices_to={"type__in": ["cour_appel", "cour_cassation"]},
    )
    specialite = models.ForeignKey(ElementNomenclature, on_delete=models.PROTECT, related_name="inscriptions")
    statut = models.CharField(max_length=12, choices=StatutInscription.choices)
    statut_precedent = models.CharField(max_length=12, choices=StatutInscription.choices, blank=True)
    debut = models.DateField("début de la période en cours")
    fin = models.DateField("fin de la période en cours", null=True, blank=True)
    inscrit_depuis = models.DateField(
        "inscrit sans interruption depuis", help_text="Remis à zéro après une radiation ou un retrait (L1971 art. 6-2)."
    )
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = InscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["liste__nom", "specialite__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "liste", "specialite"], name="inscription_unique"),
            models.CheckConstraint(
                condition=models.Q(fin__isnull=True) | models.Q(fin__gte=models.F("debut")),
                name="inscription_dates_ordonnees",
            ),
            models.CheckConstraint(
                condition=models.Q(inscrit_depuis__lte=models.F("debut")), name="inscription_depuis_avant_debut"
            ),
        ]
        indexes = [
            models.Index(fields=["statut", "debut", "fin"]),
            # Covering indexes of recherche's ranking query (the inscriptions in force of one list,
            # of one fiche, in some specialites), read without touching the table.
            models.Index(fields=["liste", "statut", "debut", "fin", "expert", "specialite"], name="annuaire_ins_par_liste"),
            models.Index(fields=["expert", "statut", "debut", "fin", "liste", "specialite"], name="annuaire_ins_par_expert"),
            models.Index(fields=["specialite", "statut", "debut", "fin", "liste", "expert"], name="annuaire_ins_par_specialite"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} — {self.specialite.code} ({self.get_statut_display()})"

    @property
    def est_active(self) -> bool:
        jour = timezone.localdate()
        return self.statut in STATUTS_ACTIFS and self.debut <= jour and (self.fin is None or self.fin >= jour)


class ActionHistorique(models.TextChoices):
    FICHE_CREEE = "fiche_creee", "Fiche créée"
    FICHE_MODIFIEE = "fiche_modifiee", "Fiche modifiée"
    COMPTE_LIE = "compte_lie", "Compte de l'expert lié à la fiche"
    INVITATION_ENVOYEE = "invitation_envoyee", "Invitation envoyée à l'expert"
    INSCRIPTION_CREEE = "inscription_creee", "Inscription"
    REINSCRIPTION = "reinscription", "Réinscription"
    STATUT_CHANGE = "statut_change", "Changement de statut"
    RECLASSEMENT = "reclassement", "Reclassement de la spécialité"
    IMPORT = "import", "Import d'une liste"


class Historique(models.Model):
    """One change of a fiche or of one of its inscriptions: who, when, what (before → after)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="historique")
    inscription = models.ForeignKey(Inscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    le = models.DateTimeField(default=timezone.now, db_index=True)
    acteur = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acteur_libelle = models.CharField(max_length=300, help_text="Qui, tel qu'au moment du changement.")
    action = models.CharField(max_length=30, choices=ActionHistorique.choices)
    changements = models.JSONField(default=dict, blank=True, help_text="champ → [avant, après]")
    motif = models.TextField(blank=True)

    class Meta:
        ordering = ["-le", "-id"]
        verbose_name = "entrée d'historique"

    def __str__(self) -> str:
        return f"{self.le:%Y-%m-%d %H:%M} {self.get_action_display()}"


class ListeAnnuelle(models.Model):
    """A published annual list (a cour d'appel's, or the national one) for one year."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    liste = models.ForeignKey("comptes.Organisation", on_delete=models.PROTECT, related_name="listes_annuelles")
    annee = models.PositiveIntegerField("année")
    publiee_le = models.DateTimeField(default=timezone.now)
    publiee_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-annee", "liste__nom"]
        constraints = [models.UniqueConstraint(fields=["liste", "annee"], name="liste_annuelle_unique")]

    def __str__(self) -> str:
        return f"Liste {self.annee} — {self.liste}"


# --- The expert's record of activity, training ledger, and each court's expectations ---------------


class NatureFait(models.TextChoices):
    """One kind of fact of an expert's activity, pushed by the module that knows it (expertises
    today, frais when it exists). Facts, never a score: the record counts them, nothing weighs them."""

    MISSION_ACCEPTEE = "mission_acceptee", "Missions acceptées"
    MISSION_REFUSEE = "mission_refusee", "Missions refusées"
    RAPPORT_DEPOSE = "rapport_depose", "Rapports déposés"
    DELAI_RESPECTE = "delai_respecte", "Rapports déposés dans le délai imparti"
    DELAI_DEPASSE = "delai_depasse", "Rapports déposés après le délai imparti"
    DIRE_RECU = "dire_recu", "Dires reçus"
    DIRE_REPONDU = "dire_repondu", "Dires auxquels l'expert a répondu"
    REMUNERATION_DEMANDEE = "remuneration_demandee", "Demandes de rémunération déposées"
    REMUNERATION_TAXEE = "remuneration_taxee", "Ordonnances de taxe (montant taxé)"


class FaitActivite(models.Model):
    """One fact of the expert's activity (a mission accepted, a report filed on time…), dated in the
    court's time zone. ``reference`` is the opaque reference of what it is about (a case, a dire, a
    deposit): pushing the same fact twice changes nothing."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="faits")
    nature = models.CharField(max_length=30, choices=NatureFait.choices)
    jour = models.DateField()
    reference = models.CharField(max_length=64)
    montant = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["jour", "id"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "nature", "reference"], name="fait_activite_unique"),
            models.CheckConstraint(condition=models.Q(nature__in=NatureFait.values), name="fait_activite_nature_connue"),
        ]
        indexes = [models.Index(fields=["expert", "nature", "jour"])]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} — {self.jour:%d/%m/%Y}"


class CommentaireReleve(models.Model):
    """The expert's comment on one line of their record (a kind of fact in one year), shown to the
    commission beside the figure."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="commentaires_releve")
    nature = models.CharField(max_length=30)
    annee = models.PositiveIntegerField()
    texte = models.TextField()
    modifie_le = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["expert", "nature", "annee"], name="commentaire_releve_unique")]

    def __str__(self) -> str:
        return f"Commentaire {self.nature} {self.annee}"


class NatureFormation(models.TextChoices):
    PROCEDURE = "procedure", "Procédure et pratique de l'expertise"
    SPECIALITE = "specialite", "Spécialité (mise à jour des connaissances)"


class Formation(models.Model):
    """One training the expert followed, with its certificate deposited in the coffre and the
    evidence-log event of that deposit. annuaire does not use coffre (pyproject's contract): the
    certificate is known here by its opaque reference and hash; candidatures, which receives the
    upload, stores it (owner ``formations:<fiche uuid>``) and serves it after its own permission check."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="formations")
    intitule = models.CharField("intitulé", max_length=300)
    organisme = models.CharField("organisme de formation", max_length=300)
    jour = models.DateField("date de la formation")
    heures = models.DecimalField("nombre d'heures", max_digits=5, decimal_places=1)
    nature = models.CharField(max_length=12, choices=NatureFormation.choices)
    attestation_ref = models.UUIDField("référence de l'attestation (coffre)", unique=True)
    attestation_nom = models.CharField("nom du fichier de l'attestation", max_length=255)
    attestation_sha256 = models.CharField(max_length=64)
    evenement = models.ForeignKey("preuves.Evenement", on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-jour", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(heures__gt=0), name="formation_heures_positives"),
            models.CheckConstraint(condition=models.Q(nature__in=NatureFormation.values), name="formation_nature_connue"),
        ]

    def __str__(self) -> str:
        return f"{self.intitule} ({self.jour:%d/%m/%Y})"


class ReglesCour(models.Model):
    """What one cour d'appel (or the Cour de cassation) sets for its own list, on its settings page."""

    cour = models.OneToOneField("comptes.Organisation", on_delete=models.CASCADE, related_name="regles_experts")
    heures_formation_annuelles = models.DecimalField(
        "heures de formation attendues par an",
        max_digits=5,
        decimal_places=1,
        default=0,
        help_text="0 : la cour n'attend pas un nombre d'heures.",
    )
    instruction_contradictoire = models.BooleanField(
        "avant de refuser une réinscription, communiquer les motifs envisagés à l'expert et recueillir sa réponse",
        default=True,
    )
    delai_reponse_jours = models.PositiveIntegerField("délai de réponse de l'expert (jours)", default=15)
    modifie_le = models.DateTimeField(default=timezone.now)
    modifie_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(heures_formation_annuelles__gte=0), name="regles_cour_heures_positives"),
            models.CheckConstraint(condition=models.Q(delai_reponse_jours__gte=8), name="regles_cour_delai_raisonnable"),
        ]

    def __str__(self) -> str:
        return f"Règles de {self.cour}"
