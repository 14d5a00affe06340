"""Import of an existing list of experts from CSV (columns in docs/annuaire.md).

The whole file is checked first; a bad row is reported with its line number and nothing at all is
written. Then everything is written in one transaction with one bulk statement per table, so a
national list (about 13,000 experts) imports in seconds. Importing the same file again changes
nothing: fiches are matched by ``reference``, inscriptions by (fiche, list, specialite), and only
differing values are written, each change with its history row. A row naming an older
nomenclature version is moved to the version in force through the reclassement table.

The rules of the décret (70 years, probation) govern new decisions, not the import of lists the
courts already decided: statuses and dates are taken as the file gives them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from justexpert.comptes.models import Organisation, TypeOrganisation, Utilisateur
from justexpert.preuves import services as preuves

from . import abonnements, nomenclature, services
from .models import (
    ActionHistorique,
    Civilite,
    ElementNomenclature,
    Expert,
    Historique,
    Inscription,
    Niveau,
    StatutInscription,
)

COLONNES = [
    "reference",
    "civilite",
    "nom",
    "prenom",
    "date_naissance",
    "profession",
    "adresse_pro",
    "code_postal_pro",
    "ville_pro",
    "email",
    "telephone_fixe",
    "telephone_mobile",
    "compagnie",
    "date_serment",
    "liste",
    "specialite",
    "nomenclature",
    "statut",
    "debut",
    "fin",
    "inscrit_depuis",
]
# Optional last column: the expert's fine competences (issue 21), so that a list imported in bulk
# is searchable on them at once. The first non-empty value of a reference is taken.
COLONNE_FINES = "specialites_fines"
OBLIGATOIRES = ("reference", "nom", "prenom", "liste", "specialite", "statut", "debut")
# Fields the court's file decides; the others (kept by the expert) are only filled when empty.
CHAMPS_COUR = (
    "civilite",
    "nom",
    "prenom",
    "date_naissance",
    "profession",
    "adresse_pro",
    "code_postal_pro",
    "ville_pro",
    "email",
    "date_serment",
)
CHAMPS_EXPERT = ("telephone_fixe", "telephone_mobile", "compagnie", COLONNE_FINES)
LISTE_NATIONALE = ("NATIONALE", "COUR_CASSATION")
MAX_LIGNES = 200_000
LOT = 2000


class ImportInvalide(Exception):
    def __init__(self, erreurs: list[str]) -> None:
        super().__init__("\n".join(erreurs))
        self.erreurs = erreurs


@dataclass
class Rapport:
    fiches_creees: int = 0
    fiches_modifiees: int = 0
    inscriptions_creees: int = 0
    inscriptions_modifiees: int = 0
    reclassements: int = 0
    lignes: int = 0
    avertissements: list[str] = field(default_factory=list)

    @property
    def inchange(self) -> bool:
        return not (self.fiches_creees or self.fiches_modifiees or self.inscriptions_creees or self.inscriptions_modifiees)


@dataclass
class _Ligne:
    numero: int
    fiche: dict[str, object]
    liste: Organisation
    specialite: ElementNomenclature
    statut: str
    debut: dt.date
    fin: dt.date | None
    inscrit_depuis: dt.date
    reclassee: bool


def _date(valeur: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(valeur, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise ValueError(valeur)


class _Resolveur:
    """Specialite codes of the file → items of the version in force (cached per code)."""

    def __init__(self, cible: str) -> None:
        self.cible = cible
        self.cache: dict[tuple[str, str], list[ElementNomenclature]] = {}
        self.courants = {e.code: e for e in ElementNomenclature.objects.filter(version__code=cible)}
        self.versions = set(nomenclature.VersionNomenclature.objects.values_list("code", flat=True))

    def resoudre(self, code: str, version: str) -> list[ElementNomenclature]:
        if not version or version == self.cible:
            e = self.courants.get(code)
            return [e] if e else []
        cle = (version, code)
        if cle not in self.cache:
            self.cache[cle] = nomenclature.reclasser(code, de=version, vers=self.cible)
        return self.cache[cle]


def _lire(contenu: str, *, cible: str) -> tuple[list[_Ligne], list[str]]:
    lecteur = csv.DictReader(io.StringIO(contenu))
    entete = [c.strip() for c in lecteur.fieldnames or []]
    if entete not in (COLONNES, [*COLONNES, COLONNE_FINES]):
        return [], [f"ligne 1 : en-tête attendu « {','.join(COLONNES)} » (suivi, si vous le souhaitez, de « {COLONNE_FINES} »)"]
    fines: dict[str, str] = {}
    listes = {o.code: o for o in Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL)}
    nationale = Organisation.objects.filter(type=TypeOrganisation.COUR_CASSATION).first()
    resolveur = _Resolveur(cible)
    erreurs: list[str] = []
    lignes: list[_Ligne] = []
    identites: dict[str, tuple[int, dict[str, object]]] = {}
    vues: dict[tuple[str, str, int], int] = {}
    for numero, brut in enumerate(lecteur, start=2):
        if numero > MAX_LIGNES:
            erreurs.append(f"ligne {numero} : fichier trop long (au plus {MAX_LIGNES} lignes)")
            break
        if None in brut or any(v is None for v in brut.values()):
            erreurs.append(f"ligne {numero} : nombre de colonnes incorrect ({len(entete)} attendues)")
            continue
        r = {k.strip(): (v or "").strip() for k, v in brut.items()}
        r.setdefault(COLONNE_FINES, "")
        if len(r[COLONNE_FINES]) > 5000:
            erreurs.append(f"ligne {numero} : {COLONNE_FINES} trop long (au plus 5000 caractères)")
            continue
        if r[COLONNE_FINES] and r["reference"]:
            fines.setdefault(r["reference"], r[COLONNE_FINES])
        avant = len(erreurs)

        def erreur(message: str, numero: int = numero) -> None:
            erreurs.append(f"ligne {numero} : {message}")

        for nom in OBLIGATOIRES:
            if not r[nom]:
                erreur(f"la colonne « {nom} » est obligatoire")
        dates: dict[str, dt.date | None] = {}
        for nom in ("date_naissance", "date_serment", "debut", "fin", "inscrit_depuis"):
            dates[nom] = None
            if r[nom]:
                try:
                    dates[nom] = _date(r[nom])
                except ValueError:
                    erreur(f"{nom} « {r[nom]} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)")
        if r["civilite"] and r["civilite"] not in Civilite.values:
            erreur(f"civilité « {r['civilite']} » inconnue (Mme ou M.)")
        if r["email"]:
            try:
                validate_email(r["email"])
            except ValidationError:
                erreur(f"adresse électronique « {r['email']} » invalide")
        if r["code_postal_pro"] and not services.departement_du_code_postal(r["code_postal_pro"]):
            erreur(f"code postal « {r['code_postal_pro']} » invalide (cinq chiffres)")
        code_liste = r["liste"].upper()
        liste = nationale if code_liste in LISTE_NATIONALE else listes.get(code_liste)
        if r["liste"] and liste is None:
            erreur(f"liste « {r['liste']} » inconnue (code d'une cour d'appel, par exemple PARIS, ou NATIONALE)")
        if r["statut"] and r["statut"] not in StatutInscription.values:
            erreur(f"statut « {r['statut']} » inconnu ({', '.join(StatutInscription.values)})")
        if r["nomenclature"] and r["nomenclature"] not in resolveur.versions:
            erreur(f"version de nomenclature « {r['nomenclature']} » inconnue")
        specialite = None
        if r["specialite"] and (not r["nomenclature"] or r["nomenclature"] in resolveur.versions):
            cibles = resolveur.resoudre(r["specialite"].upper(), r["nomenclature"])
            if not cibles:
                erreur(f"spécialité « {r['specialite']} » absente de la nomenclature {r['nomenclature'] or cible}")
            elif len(cibles) > 1:
                codes = ", ".join(c.code for c in cibles)
                erreur(f"la spécialité {r['specialite']} est reclassée dans plusieurs spécialités ({codes}) : précisez laquelle")
            elif cibles[0].niveau != Niveau.SPECIALITE:
                erreur(f"« {r['specialite']} » n'est pas une spécialité (code à trois niveaux attendu)")
            else:
                specialite = cibles[0]
        debut, fin, depuis = dates["debut"], dates["fin"], dates["inscrit_depuis"]
        if debut and fin and fin < debut:
            erreur("la date de fin précède la date de début")
        if debut and depuis and depuis > debut:
            erreur("inscrit_depuis est postérieure au début de la période")
        if len(erreurs) > avant:
            continue
        assert liste is not None and specialite is not None and debut is not None  # noqa: S101 (checked above)
        fiche = {c: r[c] for c in CHAMPS_COUR + CHAMPS_EXPERT if c not in ("date_naissance", "date_serment", COLONNE_FINES)}
        fiche["date_naissance"], fiche["date_serment"] = dates["date_naissance"], dates["date_serment"]
        reference = r["reference"]
        if reference in identites and identites[reference][1] != fiche:
            erreur(f"la référence {reference} a une identité différente de celle de la ligne {identites[reference][0]}")
            continue
        identites.setdefault(reference, (numero, fiche))
        cle = (reference, liste.code, specialite.pk)
        if cle in vues:
            erreur(f"inscription en double ({reference}, {liste.code}, {specialite.code}) : déjà ligne {vues[cle]}")
            continue
        vues[cle] = numero
        if fin is None and r["statut"] in (StatutInscription.PROBATOIRE, StatutInscription.INSCRIT, StatutInscription.SUSPENDU):
            if liste.type == TypeOrganisation.COUR_CASSATION:
                duree = services.DUREE_NATIONALE
            elif r["statut"] == StatutInscription.PROBATOIRE:
                duree = services.DUREE_PROBATOIRE
            else:
                duree = services.DUREE_INSCRIPTION
            fin = services.fin_de_periode(debut, duree)
        lignes.append(
            _Ligne(
                numero=numero,
                fiche={"reference": reference, **fiche},
                liste=liste,
                specialite=specialite,
                statut=r["statut"],
                debut=debut,
                fin=fin,
                inscrit_depuis=depuis or debut,
                reclassee=bool(r["nomenclature"]) and r["nomenclature"] != cible,
            )
        )
    for ligne in lignes:
        ligne.fiche[COLONNE_FINES] = fines.get(str(ligne.fiche["reference"]), "")
    return lignes, erreurs


def importer(contenu: str | bytes, *, acteur: Utilisateur | None = None, version: str | None = None) -> Rapport:
    """Check then import a list; raises ImportInvalide (every bad row, with its line) before any write."""
    if isinstance(contenu, bytes):
        empreinte = hashlib.sha256(contenu).hexdigest()
        try:
            contenu = contenu.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportInvalide(["le fichier n'est pas en UTF-8"]) from None
    else:
        empreinte = hashlib.sha256(contenu.encode()).hexdigest()
    courante = nomenclature.version_courante()
    cible = version or (courante.code if courante else "")
    if not cible:
        raise ImportInvalide(["aucune nomenclature n'est importée : importez-la d'abord (importer_nomenclature)"])
    lignes, erreurs = _lire(contenu, cible=cible)
    if erreurs:
        raise ImportInvalide(erreurs)
    rapport = Rapport(lignes=len(lignes))
    libelle = services.libelle_acteur(acteur)
    with transaction.atomic():
        cours = services.cours_par_departement()
        references = {ligne.fiche["reference"] for ligne in lignes}
        existants = {e.reference: e for e in Expert.objects.select_for_update().filter(reference__in=references)}
        historique: list[Historique] = []
        nouveaux: list[Expert] = []
        modifies: list[Expert] = []
        traites: set[str] = set()
        for ligne in lignes:
            ref = str(ligne.fiche["reference"])
            if ref in traites:
                continue
            traites.add(ref)
            donnees = dict(ligne.fiche)
            departement = services.departement_du_code_postal(str(donnees["code_postal_pro"]))
            cour = cours.get(departement)
            expert = existants.get(ref)
            if expert is None:
                expert = Expert(departement=departement, cour_appel=cour, **donnees)
                nouveaux.append(expert)
                existants[ref] = expert
                continue
            changements: dict[str, list[object]] = {}
            for nom in CHAMPS_COUR:
                if getattr(expert, nom) != donnees[nom]:
                    changements[nom] = [services._valeur(getattr(expert, nom)), services._valeur(donnees[nom])]
                    setattr(expert, nom, donnees[nom])
            for nom in CHAMPS_EXPERT:
                if donnees[nom] and not getattr(expert, nom):
                    changements[nom] = ["", donnees[nom]]
                    setattr(expert, nom, donnees[nom])
            if expert.departement != departement or expert.cour_appel_id != (cour.pk if cour else None):
                changements["departement"] = [expert.departement, departement]
                expert.departement, expert.cour_appel = departement, cour
            if changements:
                modifies.append(expert)
                historique.append(
                    Historique(
                        expert=expert,
                        acteur=acteur,
                        acteur_libelle=libelle,
                        action=ActionHistorique.IMPORT,
                        changements=changements,
                    )
                )
        Expert.objects.bulk_create(nouveaux, batch_size=LOT)
        if modifies:
            # bulk_update skips auto_now: set modifie_le so readers of "fiches changed since"
            # (recherche's index) see these changes.
            maintenant = timezone.now()
            for expert in modifies:
                expert.modifie_le = maintenant
            champs = [*CHAMPS_COUR, *CHAMPS_EXPERT, "departement", "cour_appel", "modifie_le"]
            Expert.objects.bulk_update(modifies, champs, batch_size=LOT)
        for expert in nouveaux:
            historique.append(
                Historique(
                    expert=expert,
                    acteur=acteur,
                    acteur_libelle=libelle,
                    action=ActionHistorique.FICHE_CREEE,
                    changements={"reference": [None, expert.reference]},
                    motif="Import d'une liste",
                )
            )
        rapport.fiches_creees, rapport.fiches_modifiees = len(nouveaux), len(modifies)

        ids = [e.pk for e in existants.values()]
        inscriptions = {
            (i.expert_id, i.liste_id, i.specialite_id): i
            for i in Inscription.objects.select_for_update().filter(expert_id__in=ids)
        }
        a_creer: list[Inscription] = []
        a_modifier: list[Inscription] = []
        for ligne in lignes:
            expert = existants[str(ligne.fiche["reference"])]
            cle = (expert.pk, ligne.liste.pk, ligne.specialite.pk)
            valeurs = {"statut": ligne.statut, "debut": ligne.debut, "fin": ligne.fin, "inscrit_depuis": ligne.inscrit_depuis}
            rapport.reclassements += int(ligne.reclassee)
            inscription = inscriptions.get(cle)
            if inscription is None:
                inscription = Inscription(
                    uuid=uuid.uuid4(), expert=expert, liste=ligne.liste, specialite=ligne.specialite, **valeurs
                )
                a_creer.append(inscription)
                inscriptions[cle] = inscription
                changements = {"liste": [None, ligne.liste.code], "specialite": [None, ligne.specialite.code]}
                changements.update({k: [None, services._valeur(v)] for k, v in valeurs.items()})
                action = ActionHistorique.INSCRIPTION_CREEE
            else:
                changements = {
                    k: [services._valeur(getattr(inscription, k)), services._valeur(v)]
                    for k, v in valeurs.items()
                    if getattr(inscription, k) != v
                }
                if not changements:
                    continue
                for k, v in valeurs.items():
                    setattr(inscription, k, v)
                a_modifier.append(inscription)
                action = ActionHistorique.IMPORT
            motif = f"Import, ligne {ligne.numero}"
            if ligne.reclassee:
                motif += " (spécialité reclassée)"
            historique.append(
                Historique(
                    expert=expert,
                    inscription=inscription,
                    acteur=acteur,
                    acteur_libelle=libelle,
                    action=action,
                    changements=changements,
                    motif=motif,
                )
            )
        Inscription.objects.bulk_create(a_creer, batch_size=LOT)
        if a_modifier:
            Inscription.objects.bulk_update(a_modifier, ["statut", "debut", "fin", "inscrit_depuis"], batch_size=LOT)
        Historique.objects.bulk_create(historique, batch_size=LOT)
        # Every fiche of the file (its fields or its inscriptions may have changed): derived copies
        # such as the search index follow in this transaction.
        abonnements.fiches_modifiees(sorted({e.pk for e in existants.values()}))
        rapport.inscriptions_creees, rapport.inscriptions_modifiees = len(a_creer), len(a_modifier)
        if not rapport.inchange:
            # One event for the whole import: the file's hash and the counts, no personal data.
            preuves.enregistrer(
                "annuaire.import",
                acteur_ref=acteur.uuid if acteur else "import",
                objet_ref=uuid.uuid4(),
                document_sha256=empreinte,
                details={"fiches": len(nouveaux) + len(modifies), "inscriptions": len(a_creer) + len(a_modifier)},
            )
    return rapport
