"""The import of candidatures from Démarches Simplifiées (DS).

``lancer`` records a run and queues it (a background task of the tasks API); ``executer`` runs it:
it reads the procedure's files page by page (``dossiers(first, after)`` and ``pageInfo``), checks
each page against the DS schema, and imports each file on its own:

- a file never seen becomes a deposited candidature of the procedure's kind, on the court's list,
  with its pieces downloaded into the vault (encrypted, SHA-256, a deposit event and its receipt per
  piece); its DS number, state and last-modification date are kept (``DossierDS``);
- a file already imported is skipped while its ``dateDerniereModification`` is unchanged, and
  updates its candidature when it changed (new values, new pieces only), never a second one;
- a file whose piece cannot be downloaded (or arrives different from the checksum DS announced)
  is reported and not imported at all: nothing of it is written, whatever was already stored in the
  vault for it is removed; the next files go on, and the next run tries it again;
- a file that violates the schema is refused, with the place of the violation in the report.

Everything that could not be mapped is reported file by file, in French (``ImportDS.rapport``).
A failure that stops the run (token, network, a page that violates the schema outside any file)
ends it as « interrompu » with its message; the files imported before stay, each complete.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from justexpert.candidatures import externes
from justexpert.candidatures.models import Candidature, TypeCandidature
from justexpert.coffre.services import Depot, RefusDepot
from justexpert.comptes.models import Organisation, Utilisateur
from justexpert.comptes.services import RefusService

from . import correspondance as corr
from .client import ClientDS, ErreurDS, lire_jeton
from .models import DossierDS, EtatDS, EtatImport, ImportDS

logger = logging.getLogger(__name__)

MORCEAU = 1024 * 1024
# A run with no progress for this long was cut (worker stopped or killed): it stops blocking.
SILENCE_MAX = dt.timedelta(minutes=30)
MESSAGE_COUPE = "L'import s'est arrêté sans finir (traitement de fond interrompu) ; relancez-le : rien ne sera importé deux fois."
TYPES: dict[str, str] = {
    TypeCandidature.INITIALE: "inscription initiale",
    TypeCandidature.REINSCRIPTION: "réinscription",
    TypeCandidature.EXTENSION: "extension",
}


def demarches_de(cour: Organisation) -> dict[str, int]:
    """The DS procedure number of each kind of candidature for this court (settings.DS_DEMARCHES)."""
    conf = settings.DS_DEMARCHES.get(cour.code) or {}
    return {t: int(str(conf[t])) for t in TYPES if conf.get(t)}


def probleme_configuration(cour: Organisation) -> str:
    """Why an import of this court cannot run now (token file, mapping file), or ""."""
    try:
        lire_jeton()
        corr.charger(corr.chemin_pour(cour.code))
    except (ErreurDS, corr.ErreurCorrespondance) as exc:
        return str(exc)
    return ""


def creer(*, acteur: Utilisateur, cour: Organisation, type_candidature: str) -> ImportDS:
    """Record a run (not started). Refuses (French message) a kind without procedure, a configuration
    to correct, or a second run of the same procedure while one is under way."""
    numero = demarches_de(cour).get(type_candidature)
    if numero is None:
        raise RefusService(
            "Aucune démarche Démarches Simplifiées n'est configurée pour les candidatures "
            f"« {TYPES.get(type_candidature, type_candidature)} » de la {cour}."
        )
    probleme = probleme_configuration(cour)
    if probleme:
        raise RefusService(probleme)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=cour.pk)
        en_cours = ImportDS.objects.filter(cour=cour, demarche=numero, etat__in=[EtatImport.EN_ATTENTE, EtatImport.EN_COURS])
        limite = timezone.now() - SILENCE_MAX
        en_cours.filter(Q(avance_le__lt=limite) | Q(avance_le__isnull=True, cree_le__lt=limite)).update(
            etat=EtatImport.ECHEC, message=MESSAGE_COUPE, fin=timezone.now()
        )
        if en_cours.exists():
            raise RefusService("Un import de cette démarche est déjà en cours : suivez-le avant d'en lancer un autre.")
        return ImportDS.objects.create(cour=cour, type_candidature=type_candidature, demarche=numero, lance_par=acteur)


def lancer(*, acteur: Utilisateur, cour: Organisation, type_candidature: str) -> ImportDS:
    """Record a run and queue it for the worker after commit (the page then follows its progress)."""
    from .tasks import importer

    with transaction.atomic():
        imp = creer(acteur=acteur, cour=cour, type_candidature=type_candidature)
        transaction.on_commit(lambda: importer.enqueue(str(imp.uuid)))
    return imp


def _avancer(imp: ImportDS, **champs: Any) -> None:
    champs["avance_le"] = timezone.now()
    for k, v in champs.items():
        setattr(imp, k, v)
    ImportDS.objects.filter(pk=imp.pk).update(**champs)


def _rapporter(imp: ImportDS, numero: Any, titre: str, lignes: list[str]) -> None:
    imp.rapport = [*imp.rapport, {"numero": numero if isinstance(numero, int) else None, "titre": titre, "lignes": lignes}]
    ImportDS.objects.filter(pk=imp.pk).update(rapport=imp.rapport)


def _echec(imp: ImportDS, message: str) -> ImportDS:
    _avancer(imp, etat=EtatImport.ECHEC, message=message, fin=timezone.now())
    return imp


def executer(imp: ImportDS, *, client: ClientDS | None = None) -> ImportDS:
    """Run an import (the background task calls it; so does ``manage.py importer_ds``)."""
    imp = ImportDS.objects.select_related("cour", "lance_par").get(pk=imp.pk)
    if imp.etat not in (EtatImport.EN_ATTENTE, EtatImport.EN_COURS):
        return imp
    _avancer(imp, etat=EtatImport.EN_COURS, debut=timezone.now())
    try:
        correspondance = corr.charger(corr.chemin_pour(imp.cour.code))
        client = client or ClientDS(jeton=lire_jeton())
    except (corr.ErreurCorrespondance, ErreurDS) as exc:
        return _echec(imp, str(exc))
    acteur = imp.lance_par
    if acteur is None:
        return _echec(imp, "La personne qui a lancé l'import n'a plus de compte.")
    apres: str | None = None
    while True:
        try:
            donnees, violations = client.page(imp.demarche, premiers=settings.DS_TAILLE_PAGE, apres=apres)
        except ErreurDS as exc:
            return _echec(imp, str(exc))
        hors_dossier = [v for v in violations if v.indice_dossier is None]
        if hors_dossier:
            _rapporter(
                imp,
                None,
                "Réponse refusée : elle ne respecte pas le schéma de Démarches Simplifiées",
                [str(v) for v in hors_dossier],
            )
            return _echec(
                imp, "Une réponse de Démarches Simplifiées ne respecte pas son schéma : l'import s'arrête (voir le rapport)."
            )
        connexion = donnees["demarche"]["dossiers"]
        par_dossier: dict[int, list[str]] = {}
        for v in violations:
            par_dossier.setdefault(v.indice_dossier, []).append(str(v))  # type: ignore[arg-type]
        for i, dossier in enumerate(connexion.get("nodes") or []):
            numero = dossier.get("number") if isinstance(dossier, dict) else None
            if i in par_dossier:
                _rapporter(
                    imp,
                    numero,
                    f"Dossier n° {numero} refusé : la réponse ne respecte pas le schéma de Démarches Simplifiées"
                    if isinstance(numero, int)
                    else f"Dossier en position {i + 1} de la page {imp.pages + 1} refusé : la réponse ne respecte pas le schéma",
                    par_dossier[i],
                )
                _avancer(imp, lus=imp.lus + 1, ecartes=imp.ecartes + 1)
                continue
            if dossier is None:
                continue
            issue, lignes = importer_dossier(imp, dossier, correspondance=correspondance, client=client, acteur=acteur)
            compteur = {"cree": "crees", "maj": "mis_a_jour", "inchange": "inchanges", "ecarte": "ecartes"}[issue]
            if lignes:
                titre = {
                    "cree": f"Dossier n° {numero} importé, avec des points à reprendre",
                    "maj": f"Dossier n° {numero} mis à jour, avec des points à reprendre",
                    "inchange": f"Dossier n° {numero} inchangé",
                    "ecarte": f"Dossier n° {numero} non importé",
                }[issue]
                _rapporter(imp, numero, titre, lignes)
            _avancer(imp, lus=imp.lus + 1, **{compteur: getattr(imp, compteur) + 1})
        _avancer(imp, pages=imp.pages + 1)
        info = connexion["pageInfo"]
        if not info["hasNextPage"]:
            break
        suivant = info.get("endCursor")
        if not suivant or suivant == apres:
            return _echec(imp, "Démarches Simplifiées annonce une page suivante sans curseur nouveau : l'import s'arrête.")
        apres = suivant
    _avancer(imp, etat=EtatImport.TERMINE, fin=timezone.now())
    return imp


def _date_heure(valeur: str) -> dt.datetime:
    return dt.datetime.fromisoformat(valeur)


def _telecharger(client: ClientDS, fichier: corr.Fichier) -> Depot:
    """One attached file into the vault (encrypted as it arrives), checked against DS's checksum
    (base64 MD5 of the content, as Active Storage computes it) and size. Raises ErreurDS."""
    try:
        depot = Depot(fichier.nom, taille_annoncee=fichier.taille or None)
    except RefusDepot as exc:
        raise ErreurDS(str(exc)) from None
    md5 = hashlib.md5(usedforsecurity=False)
    try:
        with client.ouvrir(fichier.url) as flux:
            while morceau := flux.read(MORCEAU):
                md5.update(morceau)
                depot.ecrire(morceau)
        depot.terminer()
    except RefusDepot as exc:
        depot.abandonner()
        raise ErreurDS(str(exc)) from None
    except ErreurDS:
        depot.abandonner()
        raise
    except Exception as exc:  # a connection cut in the middle of the body
        depot.abandonner()
        raise ErreurDS(f"le téléchargement a été interrompu ({exc.__class__.__name__})") from None
    if fichier.checksum and base64.b64encode(md5.digest()).decode() != fichier.checksum:
        depot.abandonner()
        raise ErreurDS("le contenu reçu diffère de celui annoncé par Démarches Simplifiées (somme de contrôle)")
    if fichier.taille and depot.taille != fichier.taille:
        depot.abandonner()
        raise ErreurDS(f"{depot.taille} octets reçus au lieu des {fichier.taille} annoncés")
    return depot


def importer_dossier(
    imp: ImportDS, dossier: dict[str, Any], *, correspondance: corr.Correspondance, client: ClientDS, acteur: Utilisateur
) -> tuple[str, list[str]]:
    """Import one file (checked against the schema): « cree », « maj », « inchange » or « ecarte »,
    and the French lines of its report."""
    numero = int(dossier["number"])
    etat_ds = str(dossier["state"])
    modifie = _date_heure(dossier["dateDerniereModification"])
    existant = DossierDS.objects.select_related("candidature").filter(numero=numero).first()
    libelle_etat = EtatDS(etat_ds).label if etat_ds in EtatDS.values else etat_ds
    if existant is not None:
        if existant.demarche != imp.demarche or existant.candidature.liste_id != imp.cour_id:
            return "ecarte", ["Ce numéro de dossier a déjà été importé depuis une autre démarche ou pour une autre cour."]
        if existant.modifie_ds_le >= modifie:
            return "inchange", []
    elif etat_ds not in correspondance.etats:
        return "ecarte", [
            f"Dossier « {libelle_etat.lower()} » sur Démarches Simplifiées : cet état n'est pas importé (fichier de correspondance, « etats »)."
        ]
    resultat = corr.appliquer(correspondance, dossier)
    lignes = list(resultat.lignes)
    valeurs = dict(resultat.valeurs)
    if resultat.specialite:
        specialite = externes.specialite_par_code_ou_libelle(resultat.specialite)
        if specialite is None:
            lignes.append(
                f"Spécialité « {resultat.specialite} » introuvable dans la nomenclature en vigueur : à choisir par l'instruction."
            )
        else:
            valeurs["specialite"] = specialite
    elif existant is None:
        lignes.append("Aucune spécialité demandée n'a été reprise : à choisir par l'instruction.")
    if etat_ds in (EtatDS.ACCEPTE, EtatDS.REFUSE, EtatDS.SANS_SUITE):
        lignes.append(
            f"Sur Démarches Simplifiées, le dossier est « {libelle_etat.lower()} » : la décision se prend ici, elle n'est pas reprise."
        )
    if existant is not None and existant.candidature.etat not in externes.ETATS_MIS_A_JOUR:
        DossierDS.objects.filter(pk=existant.pk).update(etat_ds=etat_ds, modifie_ds_le=modifie, dernier_import=imp)
        ici = existant.candidature.get_etat_display().lower()
        return "inchange", [
            *lignes,
            f"La candidature est « {ici} » ici : les modifications faites sur Démarches Simplifiées ne sont pas reprises.",
        ]

    # Pieces first, outside any transaction: nothing is written unless every one arrived whole.
    deja = dict(existant.fichiers) if existant is not None else {}
    a_telecharger = [f for f in resultat.fichiers if not f.checksum or f.checksum not in deja]
    depots: list[tuple[corr.Fichier, Depot]] = []
    for f in a_telecharger:
        try:
            depots.append((f, _telecharger(client, f)))
        except ErreurDS as exc:
            for _, d in depots:
                d.abandonner()
            return "ecarte", [
                *lignes,
                f"Pièce « {f.libelle} » ({f.nom}) : {exc}. Le dossier n'est pas importé ; il le sera au prochain import.",
            ]
    reference = f"ds:{numero}"
    try:
        with transaction.atomic():
            if existant is None:
                candidat = externes.candidat_pour(str(dossier["usager"]["email"]), acteur=acteur)
                candidature: Candidature = externes.enregistrer_importee(
                    acteur=acteur,
                    candidat=candidat,
                    type_=imp.type_candidature,
                    liste=imp.cour,
                    valeurs=valeurs,
                    depose_le=_date_heure(dossier["dateDepot"]),
                    en_instruction=etat_ds != EtatDS.EN_CONSTRUCTION,
                    reference=reference,
                )
            else:
                candidature = externes.mettre_a_jour_importee(
                    existant.candidature, acteur=acteur, valeurs=valeurs, reference=reference
                )
            for f, depot in depots:
                piece = externes.ajouter_piece_importee(candidature, acteur=acteur, depot=depot, type_piece=f.type_piece)
                deja[f.checksum or str(piece.uuid)] = str(piece.uuid)
            DossierDS.objects.update_or_create(
                numero=numero,
                defaults={
                    "demarche": imp.demarche,
                    "candidature": candidature,
                    "etat_ds": etat_ds,
                    "modifie_ds_le": modifie,
                    "fichiers": deja,
                    "champs_ds": resultat.saisie,
                    "dernier_import": imp,
                },
            )
    except Exception:
        logger.exception("passerelles: DS file %s not imported", numero)
        for _, d in depots:
            d.abandonner()
        return "ecarte", [
            *lignes,
            "Erreur inattendue à l'enregistrement : le dossier n'est pas importé (rien n'a été enregistré).",
        ]
    return ("cree" if existant is None else "maj"), lignes
