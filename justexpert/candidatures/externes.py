"""Candidatures filed on another system (Démarches Simplifiées), recorded here by the import of
``passerelles`` — which calls these services and nothing else of candidatures to write.

Like every service of candidatures: the caller's transaction, the acting user as ``acteur`` (the
instructor who launched the import), an event in the evidence log for each change (references and
hashes only: ``candidatures.importee``, ``candidatures.importee_mise_a_jour``, and
``candidatures.piece_deposee`` for each piece, whose receipt is then served as for any piece).
The file arrives already deposited (state ``deposee``, or ``en_instruction`` when DS says so), with
its DS deposit date; the candidate is found by e-mail, or a candidate account without password is
opened (the candidate sets one with « mot de passe oublié »).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from justexpert.annuaire.models import ElementNomenclature, Niveau
from justexpert.annuaire.nomenclature import version_courante
from justexpert.coffre import services as coffre
from justexpert.coffre.services import Depot
from justexpert.comptes.models import Appartenance, EvenementSecurite, Organisation, Role, Utilisateur
from justexpert.comptes.services import journaliser

from .models import ETATS_FINAUX, Candidature, Etat, Piece, Traitement, TypeCandidature, TypePiece
from .services import CHAMPS_FORMULAIRE, _evenement, alertes, annee_ouverte

TYPES_IMPORTABLES = (TypeCandidature.INITIALE, TypeCandidature.REINSCRIPTION, TypeCandidature.EXTENSION)
ETATS_MIS_A_JOUR = frozenset({Etat.DEPOSEE, Etat.EN_INSTRUCTION, Etat.COMPLEMENTS_DEMANDES, Etat.COMPLEMENTS_APPORTES})


def specialite_par_code_ou_libelle(texte: str) -> ElementNomenclature | None:
    """The specialite of the current nomenclature whose code (« C.2.8 ») or label is ``texte``; a
    value such as « C.2.8 — Génie civil » is read by its code."""
    version = version_courante()
    if version is None or not texte.strip():
        return None
    qs = ElementNomenclature.objects.filter(version=version, niveau=Niveau.SPECIALITE)
    code = texte.strip().split(" ", 1)[0].rstrip(" -—:")
    return qs.filter(code__iexact=code).first() or qs.filter(libelle__iexact=texte.strip()).first()


def candidat_pour(email: str, *, acteur: Utilisateur) -> Utilisateur:
    """The account of this address, or a new candidate account without password."""
    email = email.strip().lower()
    existant = Utilisateur.objects.filter(email__iexact=email).first()
    if existant is not None:
        return existant
    user = Utilisateur(email=email, password=make_password(None))
    user.save()
    Appartenance.objects.create(utilisateur=user, role=Role.CANDIDAT)
    journaliser(EvenementSecurite.COMPTE_CREE, utilisateur=user, acteur=acteur, details={"role": Role.CANDIDAT, "source": "ds"})
    return user


def _champs(c: Candidature, valeurs: Mapping[str, Any]) -> None:
    for champ, valeur in valeurs.items():
        if champ in CHAMPS_FORMULAIRE and champ not in ("liste", "annee_liste"):
            setattr(c, champ, valeur)


def enregistrer_importee(
    *,
    acteur: Utilisateur,
    candidat: Utilisateur,
    type_: str,
    liste: Organisation,
    valeurs: Mapping[str, Any],
    depose_le: dt.datetime,
    en_instruction: bool,
    reference: str,
) -> Candidature:
    """A new deposited file from another system. ``reference`` (e.g. « ds:12345 ») goes to the
    evidence log's details; ``valeurs`` are candidature fields already converted."""
    if type_ not in TYPES_IMPORTABLES:
        raise ValueError(f"type {type_!r} cannot be imported")
    with transaction.atomic():
        c = Candidature(
            candidat=candidat,
            type=type_,
            liste=liste,
            annee_liste=int(valeurs.get("annee_liste") or annee_ouverte(depose_le.date())),
            etat=Etat.EN_INSTRUCTION if en_instruction else Etat.DEPOSEE,
            depose_le=depose_le,
        )
        _champs(c, valeurs)
        c.alertes = alertes(c, depose_le)
        c.save()
        evenement = _evenement("importee", c, acteur=acteur, details={"source": reference.split(":", 1)[0], "vers": c.etat})
        Traitement.objects.create(
            candidature=c,
            transition="importer",
            de=Etat.BROUILLON,
            vers=c.etat,
            acteur=acteur,
            motif=f"Importée depuis Démarches Simplifiées ({reference})",
            evenement=evenement,
        )
    return c


def mettre_a_jour_importee(
    candidature: Candidature, *, acteur: Utilisateur, valeurs: Mapping[str, Any], reference: str
) -> Candidature:
    """The file changed on the other system: copy its new values while the court has not decided."""
    with transaction.atomic():
        c = Candidature.objects.select_for_update().get(pk=candidature.pk)
        if c.etat in ETATS_FINAUX or c.etat not in ETATS_MIS_A_JOUR:
            raise ValueError("decided files are not updated")
        _champs(c, valeurs)
        if valeurs.get("annee_liste"):
            c.annee_liste = int(valeurs["annee_liste"])
        c.save()
        _evenement("importee_mise_a_jour", c, acteur=acteur, details={"source": reference.split(":", 1)[0]})
    return c


def ajouter_piece_importee(candidature: Candidature, *, acteur: Utilisateur, depot: Depot, type_piece: str) -> Piece:
    """A piece received from the other system (already encrypted in coffre by the caller's ``Depot``)."""
    if type_piece not in TypePiece.values:
        raise ValueError(f"unknown piece type {type_piece!r}")
    with transaction.atomic():
        document = coffre.enregistrer(depot, proprietaire=f"candidature:{candidature.uuid}")
        piece = Piece(candidature=candidature, type=type_piece, document=document, depose_par=None)
        piece.evenement = _evenement(
            "piece_deposee",
            candidature,
            acteur=acteur,
            objet=piece.uuid,
            document_sha256=document.sha256,
            details={"type": type_piece, "source": "import"},
        )
        piece.save()
    return piece
