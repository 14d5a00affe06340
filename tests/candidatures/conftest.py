"""Fixtures of candidatures: the nomenclature, instructors of two courts, candidates, an inscribed
expert, and helpers to build a complete draft with its pieces."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from justexpert.annuaire import nomenclature
from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import ElementNomenclature, Expert
from justexpert.candidatures import services
from justexpert.candidatures.models import Candidature, TypeCandidature
from justexpert.coffre.services import Depot
from justexpert.coffre.stockage import _stockage
from justexpert.comptes import invitations
from justexpert.comptes.models import Habilitation, Role
from tests.conftest import creer_utilisateur

DATA = Path(nomenclature.__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def coffre_isole(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "donnees"
    settings.STOCKAGE_BACKEND = "local"
    _stockage.cache_clear()
    yield settings.DATA_DIR
    _stockage.cache_clear()


@pytest.fixture(autouse=True)
def nomenclature_2022(db):
    for fichier in ("nomenclature-2022-fragment.csv", "nomenclature-demo-complement.csv"):
        nomenclature.importer((DATA / fichier).read_bytes(), version="2022", debut=dt.date(2024, 1, 1))


def spe(code: str) -> ElementNomenclature:
    return ElementNomenclature.objects.get(version__code="2022", code=code)


@pytest.fixture
def instructeur(orgs, nomenclature_2022):
    """Greffier of the cour d'appel de Paris holding the habilitation (the demo instructor)."""
    return creer_utilisateur("instructeur.paris@test.fr", (Role.GREFFIER, orgs["PARIS"], [Habilitation.INSTRUCTEUR_CANDIDATURES]))


@pytest.fixture
def instructeur_tj(orgs):
    """Magistrat of a tribunal of the Paris ressort holding the habilitation."""
    return creer_utilisateur(
        "instructeur.tj@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.INSTRUCTEUR_CANDIDATURES])
    )


@pytest.fixture
def instructeur_lyon(orgs):
    return creer_utilisateur("greffier.lyon@test.fr", (Role.GREFFIER, orgs["LYON"], []))


@pytest.fixture
def instructeur_cassation(orgs):
    return creer_utilisateur("greffier.cassation@test.fr", (Role.GREFFIER, orgs["COUR_CASSATION"], []))


@pytest.fixture
def autre_candidat(orgs):
    return creer_utilisateur("autre.candidat@test.fr", (Role.CANDIDAT, None, []))


def texte_piece(nom: str = "piece.txt", contenu: bytes = b"Contenu de la piece\n") -> Depot:
    depot = Depot(nom, taille_annoncee=len(contenu))
    depot.ecrire(contenu)
    depot.terminer()
    return depot


CHAMPS = {
    "civilite": "Mme",
    "nom": "Lemaire",
    "prenom": "Claire",
    "profession": "Ingénieure hydraulicienne",
    "adresse_pro": "3 quai de la Seine",
    "code_postal_pro": "75019",
    "ville_pro": "Paris",
    "telephone": "06 12 34 56 78",
    "diplomes": "Diplôme d'ingénieur (2000)",
    "activites": "Bureau d'études, 2000-2026",
    "motivation": "Mettre mon expérience au service de la justice.",
    "declaration_honneur": True,
}


def annee() -> int:
    return services.annee_ouverte()


def brouillon(candidat, type_: str = TypeCandidature.INITIALE, *, pieces: bool = True, **champs) -> Candidature:
    from justexpert.comptes.models import Organisation

    c = services.creer_brouillon(acteur=candidat, type_=type_)
    valeurs = {**CHAMPS, "specialite": spe("C.2.8"), "date_naissance": dt.date(annee() - 50, 6, 1)}
    if type_ != TypeCandidature.NATIONALE:
        valeurs["liste"] = Organisation.objects.get(code="PARIS")
    valeurs.update(champs)
    c = services.enregistrer_brouillon(c, acteur=candidat, saisie={}, valeurs=valeurs)
    if pieces:
        for t in c.pieces_requises:
            services.deposer_piece(c, acteur=candidat, depot=texte_piece(f"{t}.txt"), type_piece=t)
    return c


def deposee(candidat, type_: str = TypeCandidature.INITIALE, **champs) -> Candidature:
    return services.deposer(brouillon(candidat, type_, **champs), acteur=candidat)


def nouvelle_fiche(acteur, **champs) -> Expert:
    valeurs = {
        "nom": "Durand",
        "prenom": "Alix",
        "date_naissance": dt.date(1970, 5, 1),
        "adresse_pro": "12 rue de la Paix",
        "code_postal_pro": "75002",
        "ville_pro": "Paris",
        "email": "expert@test.fr",
    }
    valeurs.update(champs)
    return annuaire.creer_fiche(acteur=acteur, **valeurs)


def lier(fiche: Expert, acteur, utilisateur) -> Expert:
    lien = annuaire.inviter_expert(fiche, acteur=acteur)
    invitations.accepter(None, secret=lien.rstrip("/").rsplit("/", 1)[1], utilisateur=utilisateur)
    fiche.refresh_from_db()
    return fiche


def fiche_inscrite_depuis(instructeur, utilisateur, orgs, depuis: dt.date, **champs) -> Expert:
    """A fiche linked to ``utilisateur``, inscribed on the Paris list in C.2.8 since ``depuis``."""
    fiche = nouvelle_fiche(instructeur, email=utilisateur.email, **champs)
    inscription = annuaire.inscrire(fiche, acteur=instructeur, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=depuis)
    # Continuous inscription: renew until the first day of the list year is covered.
    while inscription.fin is not None and inscription.fin < max(timezone.localdate(), dt.date(annee(), 1, 1)):
        inscription = annuaire.reinscrire(inscription, acteur=instructeur)
    return lier(fiche, instructeur, utilisateur)


@pytest.fixture
def fiche_expert(instructeur, expert, orgs) -> Expert:
    """The ``expert`` account's fiche, inscribed in C.2.8 on the Paris list for six years."""
    return fiche_inscrite_depuis(instructeur, expert, orgs, dt.date(annee() - 7, 1, 1))


@pytest.fixture
def sans_instruction_contradictoire(orgs):
    """The Paris court disables the fair-instruction rule: the walks over the transition table then
    fire ``refuser`` straight after the commission's opinion (the rule has its own tests)."""
    from justexpert.annuaire.models import ReglesCour

    ReglesCour.objects.create(cour=orgs["PARIS"], instruction_contradictoire=False)
