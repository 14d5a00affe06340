"""The expert's record of activity, their training ledger, and what each court expects.

The record is made of facts pushed by the modules that know them (``expertises`` today: missions
accepted or refused, reports filed on time or late, dires received and answered, fee requests and
the amounts taxed; ``frais`` will push fee requests with their amounts when it exists), exactly as
the open-missions counter is (services.mettre_a_jour_compteurs). ``candidatures`` reads it for a
réinscription. Facts, never a score: the record counts them per year and nothing here weighs
them; the expert sees exactly the lines the commission sees and may comment on each.

The training ledger holds the trainings the expert declares, each with its certificate (stored in
the coffre by ``candidatures``, which receives the upload: annuaire does not use the coffre, and
knows the certificate by its reference and hash). Each cour d'appel sets on its settings page the
hours it expects per year (``ReglesCour``) and whether, before refusing a réinscription, the
reasons envisaged are first sent to the expert (the platform's rule of good practice, on by
default; docs/candidatures.md).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from justexpert.comptes.models import Organisation, Utilisateur
from justexpert.comptes.services import RefusService
from justexpert.preuves import services as preuves

from .models import CommentaireReleve, Expert, FaitActivite, Formation, NatureFait, NatureFormation, ReglesCour
from .permissions import peut_gerer_liste

HEURES = "heures_formation"  # the record's line of training hours (from the ledger, not from facts)
LIBELLE_HEURES = "Heures de formation suivies"
MAX_HEURES = Decimal("999.9")


class SaisieInvalide(RefusService):
    """Some fields are wrong: ``erreurs`` maps each field to its French message."""

    def __init__(self, erreurs: dict[str, str]) -> None:
        self.erreurs = erreurs
        super().__init__(" ".join(erreurs.values()))


# --- Facts pushed by other modules --------------------------------------------------------------


def consigner_fait(
    expert: Expert, nature: str, *, jour: dt.date, reference: object, montant: Decimal | None = None
) -> FaitActivite | None:
    """Record one fact of ``expert``'s activity (called by expertises inside its own transaction).
    The same (nature, reference) twice is recorded once: a replayed push changes nothing."""
    if nature not in NatureFait.values:
        raise ValueError(f"nature de fait inconnue : {nature}")
    if FaitActivite.objects.filter(expert=expert, nature=nature, reference=str(reference)).exists():
        return None
    try:
        with transaction.atomic():
            return FaitActivite.objects.create(expert=expert, nature=nature, jour=jour, reference=str(reference), montant=montant)
    except IntegrityError:  # the same push raced us: it is recorded
        return None


# --- The record ---------------------------------------------------------------------------------


@dataclass
class Cellule:
    annee: int
    nombre: int = 0
    montant: Decimal | None = None
    commentaire: str = ""


@dataclass
class Ligne:
    nature: str
    libelle: str
    cellules: list[Cellule] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(c.nombre for c in self.cellules)

    @property
    def commentaires(self) -> list[Cellule]:
        return [c for c in self.cellules if c.commentaire]


def annees_par_defaut(le: dt.date | None = None, nombre: int = 5) -> list[int]:
    fin = (le or timezone.localdate()).year
    return list(range(fin - nombre + 1, fin + 1))


def releve(expert: Expert, annees: list[int]) -> list[Ligne]:
    """The record of ``expert`` over ``annees``: one line per kind of fact, one cell per year (the
    number of facts, the amount for taxations), the training hours from the ledger, and the
    expert's comment on each cell. The same function serves the expert and the commission."""
    faits = (
        FaitActivite.objects.filter(expert=expert, jour__year__in=annees)
        .annotate(annee=ExtractYear("jour"))
        .values("nature", "annee")
        .annotate(nombre=Count("id"), montant=Sum("montant"))
    )
    chiffres = {(f["nature"], f["annee"]): f for f in faits}
    commentaires = {(c.nature, c.annee): c.texte for c in CommentaireReleve.objects.filter(expert=expert, annee__in=annees)}
    lignes: list[Ligne] = []
    for nature, libelle in NatureFait.choices:
        ligne = Ligne(nature, libelle)
        for annee in annees:
            f = chiffres.get((nature, annee), {})
            montant = f.get("montant") if nature == NatureFait.REMUNERATION_TAXEE else None
            if nature == NatureFait.REMUNERATION_TAXEE and montant is None:
                montant = Decimal("0.00")
            ligne.cellules.append(Cellule(annee, f.get("nombre", 0), montant, commentaires.get((nature, annee), "")))
        lignes.append(ligne)
    heures = heures_par_annee(expert, annees)
    ligne = Ligne(HEURES, LIBELLE_HEURES)
    for annee in annees:
        ligne.cellules.append(Cellule(annee, 0, heures[annee], commentaires.get((HEURES, annee), "")))
    lignes.append(ligne)
    return lignes


def natures_commentables() -> list[str]:
    return [*NatureFait.values, HEURES]


def commenter(expert: Expert, *, acteur: Utilisateur, nature: str, annee: int, texte: str) -> CommentaireReleve | None:
    """The expert comments (or clears the comment on) one cell of their record."""
    if expert.utilisateur_id != acteur.pk:
        raise RefusService("Seul l'expert commente son relevé d'activité.")
    if nature not in natures_commentables():
        raise RefusService("Choisissez la ligne du relevé que vous commentez.")
    texte = (texte or "").strip()
    with transaction.atomic():
        Expert.objects.select_for_update().get(pk=expert.pk)
        existant = CommentaireReleve.objects.filter(expert=expert, nature=nature, annee=annee).first()
        preuves.enregistrer(
            "annuaire.releve_commente",
            acteur_ref=acteur.uuid,
            objet_ref=expert.uuid,
            dossier_ref=expert.uuid,
            details={"nature": nature, "annee": annee, "efface": not texte},
        )
        if not texte:
            if existant is not None:
                existant.delete()
            return None
        c, _ = CommentaireReleve.objects.update_or_create(
            expert=expert, nature=nature, annee=annee, defaults={"texte": texte, "modifie_le": timezone.now()}
        )
    return c


# --- Training ledger ----------------------------------------------------------------------------


def verifier_formation(
    *, intitule: str, organisme: str, jour: dt.date | None, heures: object, nature: str, aujourd_hui: dt.date | None = None
) -> dict[str, object]:
    """Check a training as typed: the clean values, or SaisieInvalide with a French message per
    field. Called before the certificate is stored, so a refused entry stores nothing."""
    erreurs: dict[str, str] = {}
    if not (intitule or "").strip():
        erreurs["intitule"] = "Indiquez l'intitulé de la formation."
    if not (organisme or "").strip():
        erreurs["organisme"] = "Indiquez l'organisme de formation."
    if jour is None:
        erreurs["jour"] = "Indiquez la date de la formation."
    elif jour > (aujourd_hui or timezone.localdate()):
        erreurs["jour"] = "La date de la formation ne peut pas être dans le futur : enregistrez-la une fois suivie."
    try:
        nombre = Decimal(str(heures).replace(",", ".")) if heures not in (None, "") else None
    except InvalidOperation:
        nombre = None
    if nombre is None or not nombre.is_finite():
        erreurs["heures"] = "Indiquez le nombre d'heures (par exemple 7 ou 3,5)."
    elif nombre <= 0:
        erreurs["heures"] = "Le nombre d'heures doit être supérieur à zéro."
    elif nombre > MAX_HEURES:
        erreurs["heures"] = "Le nombre d'heures paraît trop élevé : une ligne par formation."
    if nature not in NatureFormation.values:
        erreurs["nature"] = "Choisissez la nature de la formation : procédure ou spécialité."
    if erreurs:
        raise SaisieInvalide(erreurs)
    return {
        "intitule": intitule.strip()[:300],
        "organisme": organisme.strip()[:300],
        "jour": jour,
        "heures": nombre.quantize(Decimal("0.1")),  # type: ignore[union-attr]
        "nature": nature,
    }


def enregistrer_formation(
    expert: Expert,
    *,
    acteur: Utilisateur,
    reference: uuid.UUID,
    attestation_ref: uuid.UUID,
    attestation_nom: str,
    attestation_sha256: str,
    **champs: object,
) -> Formation:
    """Add a training to the ledger of ``expert`` (the caller already stored its certificate)."""
    if expert.utilisateur_id != acteur.pk:
        raise RefusService("Seul l'expert tient son registre de formations.")
    valeurs = verifier_formation(**champs)  # type: ignore[arg-type]
    with transaction.atomic():
        Expert.objects.select_for_update().get(pk=expert.pk)
        existante = Formation.objects.filter(attestation_ref=attestation_ref).first()
        if existante is not None:  # the same upload sent twice
            return existante
        evenement = preuves.enregistrer(
            "annuaire.formation_enregistree",
            acteur_ref=acteur.uuid,
            objet_ref=reference,
            dossier_ref=expert.uuid,
            document_sha256=attestation_sha256,
            details={"nature": valeurs["nature"], "heures": str(valeurs["heures"])},
        )
        return Formation.objects.create(
            uuid=reference,
            expert=expert,
            attestation_ref=attestation_ref,
            attestation_nom=attestation_nom[:255],
            attestation_sha256=attestation_sha256,
            evenement=evenement,
            **valeurs,
        )


def heures_par_annee(expert: Expert, annees: list[int]) -> dict[int, Decimal]:
    lignes = (
        Formation.objects.filter(expert=expert, jour__year__in=annees)
        .annotate(annee=ExtractYear("jour"))
        .values("annee")
        .annotate(total=Sum("heures"))
    )
    totaux = {ligne["annee"]: ligne["total"] for ligne in lignes}
    return {a: totaux.get(a) or Decimal("0.0") for a in annees}


@dataclass
class AnneeFormation:
    annee: int
    heures: Decimal
    attendues: Decimal

    @property
    def manque(self) -> Decimal:
        return max(Decimal("0.0"), self.attendues - self.heures)

    @property
    def atteint(self) -> bool:
        return self.heures >= self.attendues


def heures_contre_attente(expert: Expert, cour: Organisation | None, annees: list[int]) -> list[AnneeFormation]:
    """Hours followed each year against the hours the court expects (0 when it expects none)."""
    attendues = regles_de(cour).heures_formation_annuelles if cour is not None else Decimal("0.0")
    heures = heures_par_annee(expert, annees)
    return [AnneeFormation(a, heures[a], attendues) for a in annees]


# --- Each court's settings ------------------------------------------------------------------------


def regles_de(cour: Organisation) -> ReglesCour:
    """The court's settings (defaults until it sets them: no expected hours, the fair-instruction
    rule on, 15 days to answer)."""
    regles = ReglesCour.objects.filter(cour=cour).first()
    return regles if regles is not None else ReglesCour(cour=cour)


def regler_cour(
    cour: Organisation,
    *,
    acteur: Utilisateur,
    heures_formation_annuelles: Decimal,
    instruction_contradictoire: bool,
    delai_reponse_jours: int,
) -> ReglesCour:
    if not peut_gerer_liste(acteur, cour):
        raise RefusService("Seul le service des experts de cette cour règle ses paramètres.")
    with transaction.atomic():
        regles, _ = ReglesCour.objects.select_for_update().get_or_create(cour=cour)
        regles.heures_formation_annuelles = heures_formation_annuelles
        regles.instruction_contradictoire = instruction_contradictoire
        regles.delai_reponse_jours = delai_reponse_jours
        regles.modifie_le = timezone.now()
        regles.modifie_par = acteur
        regles.save()
        preuves.enregistrer(
            "annuaire.regles_cour_modifiees",
            acteur_ref=acteur.uuid,
            objet_ref=cour.uuid,
            dossier_ref=cour.uuid,
            details={
                "heures": str(heures_formation_annuelles),
                "instruction_contradictoire": instruction_contradictoire,
                "delai_jours": delai_reponse_jours,
            },
        )
    return regles
