"""Demo candidatures (manage.py charger_demo): a few files of the Paris campaign in various states,
filed by demo candidates who are not among the demo logins; the demo expert's training ledger and
the Paris court's expected training hours. Idempotent."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

from django.utils import timezone

from justexpert.annuaire import activite
from justexpert.annuaire.models import ElementNomenclature, Formation, NatureFormation, ReglesCour
from justexpert.coffre import services as coffre
from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.comptes.services import ajouter_appartenance

from . import services
from .models import Candidature, Piece, TypeCandidature

# email, prénom, nom, specialite, code postal, transitions fired by the instructor
DOSSIERS = [
    ("camille.fabre@demo.justexpert.fr", "Camille", "Fabre", "C.2.8", "75011", []),
    ("yanis.perrin@demo.justexpert.fr", "Yanis", "Perrin", "C.4.3", "92100", ["passer_en_instruction"]),
    ("ines.marchand@demo.justexpert.fr", "Inès", "Marchand", "A.1.6", "69003", ["passer_en_instruction", "demander_complements"]),
    ("hugo.colin@demo.justexpert.fr", "Hugo", "Colin", "C.10.2", "75015", ["passer_en_instruction", "enregistrer_avis_parquet"]),
]
TEXTES = {
    "demander_complements": "Joignez l'attestation de votre dernière formation à la procédure civile.",
    "enregistrer_avis_parquet": "Avis favorable du parquet général.",
}


def _piece(c: Candidature, candidat: Utilisateur, type_piece: str) -> None:
    document = coffre.deposer(
        io.BytesIO(f"Pièce de démonstration : {type_piece}\n".encode()),
        nom=f"{type_piece}.txt",
        proprietaire=f"candidature:{c.uuid}",
    )
    reference = uuid.uuid4()
    evenement = services._evenement(
        "piece_deposee", c, acteur=candidat, objet=reference, document_sha256=document.sha256, details={"type": type_piece}
    )
    Piece.objects.create(
        uuid=reference, candidature=c, type=type_piece, document=document, evenement=evenement, depose_par=candidat
    )


# The demo expert's trainings: (years ago, month, day, title, organisation, hours, kind).
FORMATIONS = [
    (
        2,
        3,
        14,
        "Le contradictoire dans l'expertise civile",
        "Compagnie des experts près la cour d'appel de Paris",
        "7",
        NatureFormation.PROCEDURE,
    ),
    (
        2,
        11,
        20,
        "Pathologie des toitures-terrasses",
        "Centre scientifique et technique du bâtiment",
        "14",
        NatureFormation.SPECIALITE,
    ),
    (
        1,
        5,
        22,
        "Rédiger le rapport et répondre aux dires",
        "Conseil national des compagnies d'experts de justice",
        "6",
        NatureFormation.PROCEDURE,
    ),
]


def charger_formations(*, expert_email: str, instructeur: Utilisateur) -> int:
    """Paris expects 10 hours of training a year; the demo expert has followed three trainings
    (certificates in the coffre), so their record shows one year above and one below it."""
    paris = Organisation.objects.get(code="PARIS")
    if not ReglesCour.objects.filter(cour=paris).exists():
        activite.regler_cour(
            paris,
            acteur=instructeur,
            heures_formation_annuelles=Decimal("10"),
            instruction_contradictoire=True,
            delai_reponse_jours=15,
        )
    expert = Utilisateur.objects.filter(email=expert_email).first()
    fiche = services.fiche_de(expert) if expert is not None else None
    if fiche is None or Formation.objects.filter(expert=fiche).exists():
        return 0
    annee = timezone.localdate().year
    for il_y_a, mois, jour, intitule, organisme, heures, nature in FORMATIONS:
        depot = coffre.Depot(f"attestation-{il_y_a}-{mois:02d}.txt")
        depot.ecrire(f"Attestation de formation : {intitule} ({organisme}), {heures} heures.\n".encode())
        depot.terminer()
        services.deposer_formation(
            acteur=expert,  # type: ignore[arg-type]
            depot=depot,
            intitule=intitule,
            organisme=organisme,
            jour=dt.date(annee - il_y_a, mois, jour),
            heures=heures,
            nature=nature,
        )
    return len(FORMATIONS)


def charger(*, instructeur: Utilisateur, mot_de_passe: str) -> int:
    charger_formations(expert_email="expert@demo.justexpert.fr", instructeur=instructeur)
    paris = Organisation.objects.get(code="PARIS")
    crees = 0
    for email, prenom, nom, code, cp, transitions in DOSSIERS:
        candidat = Utilisateur.objects.filter(email=email).first()
        if candidat is None:
            candidat = Utilisateur.objects.create_user(email, mot_de_passe, prenom=prenom, nom=nom, email_verifie=True)
            ajouter_appartenance(None, acteur=None, utilisateur=candidat, role=Role.CANDIDAT, organisation=None)
        if Candidature.objects.filter(candidat=candidat).exists():
            continue
        c = services.creer_brouillon(acteur=candidat, type_=TypeCandidature.INITIALE)
        specialite = ElementNomenclature.objects.filter(code=code).order_by("-version__debut").first()
        valeurs = {
            "liste": paris,
            "specialite": specialite,
            "annee_liste": services.annee_ouverte(),
            "nom": nom,
            "prenom": prenom,
            "date_naissance": dt.date(timezone.localdate().year - 48, 3, 12),
            "profession": "Ingénieur",
            "adresse_pro": "1 rue de la Démonstration",
            "code_postal_pro": cp,
            "ville_pro": "Ville",
            "activites": "Bureau d'études depuis 2005.",
            "motivation": "Mettre mon expérience au service de la justice.",
            "declaration_honneur": True,
        }
        c = services.enregistrer_brouillon(c, acteur=candidat, saisie={}, valeurs=valeurs)
        for type_piece in c.pieces_requises:
            _piece(c, candidat, type_piece)
        c = services.deposer(c, acteur=candidat)
        for transition in transitions:
            c = services.executer(c, transition, acteur=instructeur, texte=TEXTES.get(transition, ""))
        crees += 1
    return crees
