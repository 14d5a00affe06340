"""Fixtures of the annuaire: the 2022 nomenclature, greffiers of two cours d'appel, fiches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from justexpert.annuaire import nomenclature, services
from justexpert.annuaire.models import ElementNomenclature, Expert
from justexpert.comptes import invitations
from justexpert.comptes.models import Habilitation, Role
from tests.conftest import creer_utilisateur

DATA = Path(nomenclature.__file__).resolve().parent / "data"


@pytest.fixture
def nomenclature_2022(db):
    for fichier in ("nomenclature-2022-fragment.csv", "nomenclature-demo-complement.csv"):
        nomenclature.importer((DATA / fichier).read_bytes(), version="2022", debut=dt.date(2024, 1, 1))


def spe(code: str, version: str = "2022") -> ElementNomenclature:
    return ElementNomenclature.objects.get(version__code=version, code=code)


@pytest.fixture
def greffier_paris(orgs):
    return creer_utilisateur("greffier.paris@test.fr", (Role.GREFFIER, orgs["PARIS"], []))


@pytest.fixture
def greffier_lyon(orgs):
    return creer_utilisateur("greffier.lyon@test.fr", (Role.GREFFIER, orgs["LYON"], []))


@pytest.fixture
def greffier_cassation(orgs):
    return creer_utilisateur("greffier.cassation@test.fr", (Role.GREFFIER, orgs["COUR_CASSATION"], []))


@pytest.fixture
def instructeur_tj(orgs):
    """A greffier of a tribunal of the Paris ressort holding the instructeur habilitation."""
    return creer_utilisateur("instructeur@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], [Habilitation.INSTRUCTEUR_CANDIDATURES]))


def nouvelle_fiche(acteur, **champs) -> Expert:
    valeurs = {
        "nom": "Durand",
        "prenom": "Alix",
        "date_naissance": dt.date(1970, 5, 1),
        "adresse_pro": "12 rue de la Paix",
        "code_postal_pro": "75002",
        "ville_pro": "Paris",
        "email": "expert@test.fr",
        "telephone_fixe": "01 23 45 67 89",
        "profession": "Ingénieur hydraulicien",
    }
    valeurs.update(champs)
    return services.creer_fiche(acteur=acteur, **valeurs)


@pytest.fixture
def fiche(greffier_paris, nomenclature_2022) -> Expert:
    return nouvelle_fiche(greffier_paris)


@pytest.fixture
def fiche_inscrite(fiche, greffier_paris, orgs) -> Expert:
    services.inscrire(fiche, acteur=greffier_paris, liste=orgs["PARIS"], specialite=spe("C.2.8"), debut=dt.date(2024, 1, 1))
    return fiche


def lier(fiche: Expert, acteur, utilisateur) -> Expert:
    """Link through the real invitation flow (the only way)."""
    lien = services.inviter_expert(fiche, acteur=acteur)
    secret = lien.rstrip("/").rsplit("/", 1)[1]
    invitations.accepter(None, secret=secret, utilisateur=utilisateur)
    fiche.refresh_from_db()
    return fiche


@pytest.fixture
def fiche_liee(fiche_inscrite, greffier_paris, expert) -> Expert:
    return lier(fiche_inscrite, greffier_paris, expert)


@pytest.fixture
def fiche_autre(greffier_lyon, nomenclature_2022, orgs) -> Expert:
    f = nouvelle_fiche(greffier_lyon, nom="Martin", prenom="Lou", code_postal_pro="69003", ville_pro="Lyon", email="lou@test.fr")
    services.inscrire(f, acteur=greffier_lyon, liste=orgs["LYON"], specialite=spe("A.1.6"), debut=dt.date(2024, 1, 1))
    return f
