"""What the periodic task of controle precomputes for the statistics (``faits.py`` rebuilds it):
one flat row per case with the first date of each step, one row per counted event, one row per
solicitation of an expert, and the time of the last run (« chiffres arrêtés au … »).

These rows are a read model of ``expertises``, ``recherche``, ``annuaire`` and ``frais``: no
truth lives here, a run replaces them all. They hold no name, e-mail or RG number.
"""

from __future__ import annotations

from django.db import models

from justexpert.lib.temps import maintenant


class Arrete(models.Model):
    """One run of the precomputation; the statistics pages read the latest."""

    calcule_le = models.DateTimeField(default=maintenant)
    duree_ms = models.PositiveIntegerField(default=0)
    expertises = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-calcule_le", "-id"]


class FaitExpertise(models.Model):
    """One case: where, which specialité (rubrique of the designated expert), when each step first
    happened, and its money (provisions ordered, amount asked by the expert, amount taxed)."""

    expertise = models.OneToOneField("expertises.Expertise", on_delete=models.CASCADE, related_name="+")
    juridiction = models.ForeignKey("comptes.Organisation", on_delete=models.CASCADE, related_name="+")
    cour_appel = models.ForeignKey("comptes.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rubrique = models.CharField(max_length=300, blank=True)
    matiere = models.CharField(max_length=10)
    designee_le = models.DateTimeField()
    acceptee_le = models.DateTimeField(null=True, blank=True)
    consignee_le = models.DateTimeField(null=True, blank=True)
    premiere_reunion_le = models.DateTimeField(null=True, blank=True)
    pre_rapport_le = models.DateTimeField(null=True, blank=True)
    rapport_le = models.DateTimeField(null=True, blank=True)
    taxee_le = models.DateTimeField(null=True, blank=True)
    rapport_en_retard = models.BooleanField(null=True)
    provisions = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    montant_taxe = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    montant_demande = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["juridiction", "designee_le"], name="controle_fait_jur"),
            models.Index(fields=["cour_appel", "designee_le"], name="controle_fait_ca"),
        ]


class NatureEtape(models.TextChoices):
    DESIGNATION = "designation", "Expertises ordonnées"
    ACCEPTATION = "acceptation", "Missions acceptées"
    REFUS = "refus", "Missions refusées"
    CADUCITE = "caducite", "Désignations caduques"
    CLOTURE = "cloture", "Expertises closes"
    RAPPORT = "rapport", "Rapports déposés"


class FaitEtape(models.Model):
    """One counted event of a case (a case may be refused by two experts in turn: two rows)."""

    fait = models.ForeignKey(FaitExpertise, on_delete=models.CASCADE, related_name="etapes")
    nature = models.CharField(max_length=20, choices=NatureEtape.choices)
    le = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["nature", "le"], name="controle_etape_nature")]


class FaitSollicitation(models.Model):
    """One solicitation of an expert (recherche) and its answer."""

    juridiction = models.ForeignKey("comptes.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    cour_appel = models.ForeignKey("comptes.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rubrique = models.CharField(max_length=300, blank=True)
    envoyee_le = models.DateTimeField()
    repondue_le = models.DateTimeField(null=True, blank=True)
    etat = models.CharField(max_length=12)
    conflit_interets = models.BooleanField(default=False)
