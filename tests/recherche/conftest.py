"""A small hand-written world: experts whose fine specialities are written as experts write them."""

from __future__ import annotations

import datetime as dt

import pytest

from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import Expert, StatutInscription
from justexpert.comptes.models import Role
from tests.annuaire.conftest import lier, nomenclature_2022, nouvelle_fiche, spe  # noqa: F401
from tests.conftest import creer_utilisateur


@pytest.fixture(autouse=True)
def index_sans_delai(settings):
    settings.RECHERCHE_FRAICHEUR_S = 0


@pytest.fixture
def greffier_ca(orgs):
    return creer_utilisateur("greffier.ca@test.fr", (Role.GREFFIER, orgs["PARIS"], []))


def fiche_inscrite(acteur, liste, code: str, **champs) -> Expert:
    f = nouvelle_fiche(acteur, **champs)
    annuaire.inscrire(f, acteur=acteur, liste=liste, specialite=spe(code), debut=dt.date(2024, 1, 1))
    return f


@pytest.fixture
def monde(orgs, nomenclature_2022, greffier_ca) -> dict[str, Expert]:  # noqa: F811
    paris, versailles = orgs["PARIS"], orgs["VERSAILLES"]
    e = {}
    e["batisseur"] = fiche_inscrite(
        greffier_ca,
        paris,
        "C.2.1",
        nom="Maçon",
        prenom="Bernard",
        email="expert@test.fr",
        code_postal_pro="75011",
        specialites_fines="Pathologie du bâtiment : Fissures, lézardes et désordres structurels des MAISONS individuelles ; "
        "constructions neuves, garantie décennale.",
    )
    e["couvreur"] = fiche_inscrite(
        greffier_ca,
        paris,
        "C.2.2",
        nom="Toit",
        prenom="Claire",
        email="autre.expert@test.fr",
        code_postal_pro="93100",
        specialites_fines="Infiltrations en toiture, étanchéité, humidité dans les murs",
    )
    e["comptable"] = fiche_inscrite(
        greffier_ca,
        paris,
        "D.1.1",
        nom="Chiffre",
        prenom="Denis",
        email="d@test.fr",
        code_postal_pro="75008",
        specialites_fines="Comptabilité générale, audit des comptes annuels, nouvelles normes comptables, évaluation de fonds.",
    )
    e["medecin"] = fiche_inscrite(
        greffier_ca,
        paris,
        "F.1.1",
        nom="Soin",
        prenom="Eve",
        email="e@test.fr",
        code_postal_pro="75005",
        specialites_fines="Dommage corporel, évaluation des séquelles, blessures par accident de la circulation",
    )
    e["traducteur"] = fiche_inscrite(
        greffier_ca,
        paris,
        "H.1.1",
        nom="Langue",
        prenom="Farid",
        email="f@test.fr",
        code_postal_pro="75010",
        langues="anglais, allemand",
        specialites_fines="Traduction juridique anglais-français",
    )
    e["versaillais"] = fiche_inscrite(
        greffier_ca,
        versailles,
        "C.2.1",
        nom="Loin",
        prenom="Gilles",
        email="g@test.fr",
        code_postal_pro="78000",
        specialites_fines="Fissures des maisons neuves",
    )
    e["radie"] = fiche_inscrite(
        greffier_ca,
        paris,
        "C.2.1",
        nom="Radié",
        prenom="Hugo",
        email="h@test.fr",
        code_postal_pro="75012",
        specialites_fines="Fissures des maisons neuves",
    )
    annuaire.changer_statut(
        e["radie"].inscriptions.get(), StatutInscription.RADIE, acteur=greffier_ca, motif="Sanction disciplinaire"
    )
    e["suspendu"] = fiche_inscrite(
        greffier_ca,
        paris,
        "C.2.1",
        nom="Suspendu",
        prenom="Inès",
        email="i@test.fr",
        code_postal_pro="75013",
        specialites_fines="Fissures des maisons neuves",
    )
    annuaire.changer_statut(
        e["suspendu"].inscriptions.get(), StatutInscription.SUSPENDU, acteur=greffier_ca, motif="Enquête en cours"
    )
    return e
