"""recherche owns no truth about experts: it reads annuaire. It owns what the expert says about
their availability, a derived text index over the fiches, the thesaurus, and the requests
(solicitations) sent to experts with their answers."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class EtatDisponibilite(models.TextChoices):
    DISPONIBLE = "disponible", "Disponible"
    INDISPONIBLE_JUSQU_AU = "indisponible_jusqu_au", "Indisponible jusqu'à une date"
    INDISPONIBLE = "indisponible", "Indisponible sans date de retour"


class Disponibilite(models.Model):
    """Set by the expert. No row means « disponible » with no maximum (the default)."""

    expert = models.OneToOneField("annuaire.Expert", on_delete=models.CASCADE, related_name="disponibilite")
    etat = models.CharField(max_length=24, choices=EtatDisponibilite.choices, default=EtatDisponibilite.DISPONIBLE)
    jusqu_au = models.DateField("indisponible jusqu'au (inclus)", null=True, blank=True)
    max_missions = models.PositiveSmallIntegerField("nombre maximum de missions en cours", null=True, blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(etat="indisponible_jusqu_au", jusqu_au__isnull=False)
                | (~models.Q(etat="indisponible_jusqu_au") & models.Q(jusqu_au__isnull=True)),
                name="disponibilite_date_selon_etat",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert_id}: {self.get_etat_display()}"


class DocumentExpert(models.Model):
    """Derived search text of one fiche (fine specialities, competences, profession). Rebuilt
    from annuaire by ``index.actualiser`` (see docs/recherche.md); never edited by hand.

    On PostgreSQL the migration adds a generated ``document tsvector`` column (configuration
    ``recherche_fr``: unaccent + French stemmer) with a GIN index; on SQLite ``texte_normalise``
    holds the same stems, separated by spaces."""

    expert = models.OneToOneField(
        "annuaire.Expert", on_delete=models.CASCADE, primary_key=True, related_name="document_recherche"
    )
    texte = models.TextField(blank=True)
    texte_normalise = models.TextField(blank=True)
    racines_libelles = models.TextField(
        blank=True, default=" ", help_text="Racines des libellés de ses spécialités (rareté des mots seulement)."
    )
    source_modifie_le = models.DateTimeField(db_index=True, help_text="modifie_le de la fiche indexée.")
    # Copies of what the ranking filters and sorts on, so that the ranking query reads one narrow
    # row per candidate instead of joining the fiche and the availability (docs/recherche.md,
    # "Mesures"). The fiche's columns follow ``modifie_le`` (index.actualiser); the availability
    # columns are written with the expert's statement (services.definir_disponibilite).
    nom = models.CharField(max_length=150, blank=True)
    prenom = models.CharField(max_length=150, blank=True)
    cour_appel = models.ForeignKey(
        "comptes.Organisation", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    departement = models.CharField(max_length=3, blank=True)
    langues = models.CharField(max_length=300, blank=True)
    matiere_civile = models.BooleanField(default=True)
    matiere_penale = models.BooleanField(default=True)
    echange_securise = models.BooleanField(default=False)
    missions_en_cours = models.PositiveIntegerField(default=0)
    derniere_designation = models.DateField(null=True)
    cle_charge = models.BigIntegerField(default=0, help_text="Charge puis dernière désignation, en un entier (index.cle_charge).")
    etat_disponibilite = models.CharField(max_length=24, default="disponible")
    indisponible_jusqu_au = models.DateField(null=True)
    max_missions = models.PositiveSmallIntegerField(null=True)

    def __str__(self) -> str:
        return f"document {self.expert_id}"


class LigneClassement(models.Model):
    """One row per inscription in force or probatoire, with its document's ranking columns: the
    candidates of a specialite the mission reaches, read in one range of an index instead of one
    document per inscription (issue 21: 6,300 primary-key reads were two thirds of a national
    search on PostgreSQL). Derived from the inscriptions and the documents by ``index`` (rewritten
    with the documents, on every save of an inscription, and reconciled by the periodic task);
    never edited by hand. The dates are copied, not filtered: « in force on the day » is decided by
    the query."""

    inscription = models.OneToOneField("annuaire.Inscription", on_delete=models.CASCADE, primary_key=True, related_name="+")
    expert = models.ForeignKey("annuaire.Expert", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    liste = models.ForeignKey(
        "comptes.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    specialite = models.ForeignKey(
        "annuaire.ElementNomenclature", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    statut = models.CharField(max_length=12)
    debut = models.DateField()
    fin = models.DateField(null=True)
    # The document's columns (DocumentExpert), the same names.
    nom = models.CharField(max_length=150, blank=True)
    prenom = models.CharField(max_length=150, blank=True)
    cour_appel = models.ForeignKey(
        "comptes.Organisation", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    departement = models.CharField(max_length=3, blank=True)
    langues = models.CharField(max_length=300, blank=True)
    matiere_civile = models.BooleanField(default=True)
    matiere_penale = models.BooleanField(default=True)
    echange_securise = models.BooleanField(default=False)
    missions_en_cours = models.PositiveIntegerField(default=0)
    cle_charge = models.BigIntegerField(default=0)
    etat_disponibilite = models.CharField(max_length=24, default="disponible")
    indisponible_jusqu_au = models.DateField(null=True)
    max_missions = models.PositiveSmallIntegerField(null=True)
    texte_normalise = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["specialite", "liste"], name="recherche_lignes_specialite")]

    def __str__(self) -> str:
        return f"ligne {self.inscription_id}"


def codes_du_thesaurus(codes: str) -> list[str]:
    """The nomenclature codes of a thesaurus entry (« C.2 C.5 » or « C.2, C.5 »)."""
    return [c.strip().upper() for c in codes.replace(",", " ").split() if c.strip()]


class EntreeThesaurus(models.Model):
    """A word or expression a judge writes, bridged to the specialites that answer it, by label
    (« démence » → « Psychiatrie ») and by code where the code is known (``thesaurus``). A code or
    a label unknown to the imported nomenclature is reported (system check, loading command)."""

    mot = models.CharField("mot ou expression", max_length=100, unique=True)
    codes = models.CharField(
        "codes de la nomenclature",
        max_length=300,
        blank=True,
        help_text="Codes de spécialités, séparés par des espaces ou des virgules, ex. « C.2.1 F.1.2 ».",
    )
    specialites = models.TextField(
        "libellés de spécialités",
        blank=True,
        help_text="Libellés de spécialités, séparés par « | » (la casse, les accents et une mention « (démo) » ne comptent pas).",
    )
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["mot"]
        verbose_name = "entrée du thésaurus"
        verbose_name_plural = "thésaurus"

    def __str__(self) -> str:
        return f"{self.mot} → {self.codes}"

    @property
    def liste_codes(self) -> list[str]:
        return codes_du_thesaurus(self.codes)

    @property
    def liste_specialites(self) -> list[str]:
        return [s.strip() for s in self.specialites.split("|") if s.strip()]


class FrequenceRacine(models.Model):
    """How many fiches of the whole referential hold a stem (their fine competences, and the labels
    of the specialites they are inscribed in): the rarity of a mission's words, the same whatever
    the filters of a search. The row with ``racine = TOTAL`` holds the number of fiches.
    Recomputed by ``index.calculer_frequences`` (rebuild, hourly reconciliation), kept up to date
    for fine competences by every document write."""

    TOTAL = "_"
    racine = models.CharField(max_length=64, primary_key=True)
    fiches = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.racine}: {self.fiches}"


class TypeProcedure(models.TextChoices):
    REFERE = "refere", "Procédure de référé"
    CIVILE = "civile", "Procédure civile (autre que référé)"
    CONTROLE_CIVIL = "controle_civil", "Procédure de contrôle des expertises (civile)"
    CONTROLE_PENAL = "controle_penal", "Procédure de contrôle des expertises (pénale)"
    PENALE = "penale", "Procédure pénale"


PROCEDURES_PENALES = (TypeProcedure.CONTROLE_PENAL, TypeProcedure.PENALE)


class Demande(models.Model):
    """A request sent by justice staff to one or several experts about one mission."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    demandeur = models.ForeignKey("comptes.Utilisateur", on_delete=models.PROTECT, related_name="demandes_experts")
    organisation = models.ForeignKey("comptes.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resume_mission = models.TextField("résumé de la mission")
    type_procedure = models.CharField("type de procédure", max_length=20, choices=TypeProcedure.choices)
    delai_mission = models.DateField("date attendue du dépôt du rapport")
    date_limite_reponse = models.DateTimeField("réponse attendue avant le")
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-cree_le", "-id"]

    def __str__(self) -> str:
        return f"Demande du {self.cree_le:%d/%m/%Y}"


class EtatSollicitation(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente de réponse"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"
    EXPIREE = "expiree", "Expirée sans réponse"


# Allowed transitions (services.py walks this table; a test walks every pair).
TRANSITIONS: dict[str, frozenset[str]] = {
    EtatSollicitation.EN_ATTENTE: frozenset({EtatSollicitation.ACCEPTEE, EtatSollicitation.REFUSEE, EtatSollicitation.EXPIREE}),
    EtatSollicitation.ACCEPTEE: frozenset(),
    EtatSollicitation.REFUSEE: frozenset(),
    EtatSollicitation.EXPIREE: frozenset(),
}


class Sollicitation(models.Model):
    """The request as addressed to one expert, and that expert's answer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="sollicitations")
    expert = models.ForeignKey("annuaire.Expert", on_delete=models.PROTECT, related_name="sollicitations")
    etat = models.CharField(max_length=12, choices=EtatSollicitation.choices, default=EtatSollicitation.EN_ATTENTE)
    conflit_interets = models.BooleanField("conflit d'intérêts déclaré", default=False)
    conflit_details = models.TextField("précisions sur le conflit d'intérêts", blank=True)
    motif = models.TextField("motif", blank=True)
    repondu_le = models.DateTimeField(null=True, blank=True)
    repondu_par = models.ForeignKey("comptes.Utilisateur", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["demande", "id"]
        constraints = [models.UniqueConstraint(fields=["demande", "expert"], name="sollicitation_unique")]
        indexes = [models.Index(fields=["etat", "expert"])]

    def __str__(self) -> str:
        return f"{self.expert_id} — {self.get_etat_display()}"
