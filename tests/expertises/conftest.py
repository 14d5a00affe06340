"""Fixtures of expertises: expert fiches, the people around a case, a civil and a penal case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from justexpert.annuaire import nomenclature
from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import ElementNomenclature, Expert
from justexpert.comptes import invitations
from justexpert.comptes.models import Habilitation, Role, Utilisateur
from justexpert.expertises import participants, services
from justexpert.expertises.models import Expertise, Matiere, Partie, Qualite, QualitePartie
from justexpert.lib.temps import date_locale, maintenant
from tests.conftest import creer_utilisateur

DATA = Path(nomenclature.__file__).resolve().parent / "data"


def aujourd_hui(fuseau: str = "Europe/Paris") -> dt.date:
    return date_locale(maintenant(), fuseau)


def dans(jours: int) -> dt.date:
    return aujourd_hui() + dt.timedelta(days=jours)


@pytest.fixture
def nomenclature_2022(db):
    nomenclature.importer((DATA / "nomenclature-2022-fragment.csv").read_bytes(), version="2022", debut=dt.date(2024, 1, 1))


def fiche_pour(utilisateur: Utilisateur | None, orgs, nom: str, acteur: Utilisateur) -> Expert:
    fiche = annuaire.creer_fiche(
        acteur=acteur, nom=nom, prenom="Alix", date_naissance=dt.date(1970, 5, 1), code_postal_pro="75002", ville_pro="Paris"
    )
    specialite = ElementNomenclature.objects.filter(version__code="2022", code__regex=r"^[A-I]\.\d+\.\d+$").first()
    annuaire.inscrire(fiche, acteur=acteur, liste=orgs["PARIS"], specialite=specialite, debut=dt.date(2024, 1, 1))
    if utilisateur is not None:
        # Tests link directly; production links only by invitation (annuaire.inviter_expert).
        Expert.objects.filter(pk=fiche.pk).update(utilisateur=utilisateur)
        fiche.refresh_from_db()
    return fiche


@pytest.fixture
def greffier_ca(orgs):
    return creer_utilisateur("greffier.ca@test.fr", (Role.GREFFIER, orgs["PARIS"], []))


@pytest.fixture
def fiche_expert(expert, orgs, nomenclature_2022, greffier_ca) -> Expert:
    return fiche_pour(expert, orgs, "Durand", greffier_ca)


@pytest.fixture
def fiche_autre_expert(autre_expert, orgs, nomenclature_2022, greffier_ca) -> Expert:
    return fiche_pour(autre_expert, orgs, "Martin", greffier_ca)


@pytest.fixture
def juge_controle(orgs):
    """A judge of the control of the case's juridiction, not named on the case."""
    return creer_utilisateur("juge.controle@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.CONTROLE_EXPERTISES]))


@pytest.fixture
def magistrat_sans_habilitation(orgs):
    return creer_utilisateur("magistrat.simple@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], []))


@pytest.fixture
def magistrat_autre_cour(orgs):
    return creer_utilisateur("magistrat.lyon@test.fr", (Role.MAGISTRAT, orgs["TJ_LYON"], [Habilitation.CONTROLE_EXPERTISES]))


@pytest.fixture
def greffier_juridiction(orgs):
    """A greffier of the same tribunal, not named on the case."""
    return creer_utilisateur("greffier.tj@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], []))


@pytest.fixture
def greffier_autre_cour(orgs):
    return creer_utilisateur("greffier.lyon@test.fr", (Role.GREFFIER, orgs["TJ_LYON"], []))


@pytest.fixture
def avocat_partie_b(orgs):
    return creer_utilisateur("avocat.b@test.fr", (Role.AVOCAT, None, []))


@pytest.fixture
def invitee(orgs):
    """Has an account and a pending invitation to the case, not yet accepted."""
    return creer_utilisateur("invitee@test.fr", (Role.AVOCAT, None, []))


@pytest.fixture
def magistrat_penal(orgs):
    return creer_utilisateur(
        "juge.instruction@test.fr",
        (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.MATIERE_PENALE, Habilitation.CONTROLE_EXPERTISES]),
    )


@pytest.fixture
def greffier_penal(orgs):
    return creer_utilisateur("greffier.penal@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], [Habilitation.MATIERE_PENALE]))


def secret(lien: str) -> str:
    return lien.rstrip("/").rsplit("/", 1)[1]


def inscrire(e: Expertise, acteur: Utilisateur, utilisateur: Utilisateur, qualite: str, partie: Partie) -> None:
    """Enrol through the real invitation flow."""
    _invitation, lien = participants.inviter_participant(
        acteur=acteur, expertise=e, email=utilisateur.email, qualite=qualite, partie=partie
    )
    invitations.accepter(None, secret=secret(lien), utilisateur=utilisateur)


def nouvelle_expertise(
    *, acteur, fiche, juridiction, greffiers=(), matiere=Matiere.CIVILE, consignation=True, numero_rg="26/00001", **kwargs
) -> Expertise:
    return services.designer(
        acteur=acteur,
        juridiction=juridiction,
        numero_rg=numero_rg,
        matiere=matiere,
        type_procedure="refere" if matiere == Matiere.CIVILE else "instruction",
        fiche_expert=fiche,
        mission="Décrire les désordres affectant la toiture.",
        questions=["Décrire les désordres", "En rechercher les causes"],
        date_ordonnance=aujourd_hui() - dt.timedelta(days=1),
        date_limite_rapport=dans(180),
        greffiers=greffiers,
        consignation_montant=Decimal("1500.00") if consignation and matiere == Matiere.CIVILE else None,
        consignation_date_limite=dans(30) if consignation and matiere == Matiere.CIVILE else None,
        parties=[
            ("SCI Les Tilleuls", QualitePartie.DEMANDEUR if matiere == Matiere.CIVILE else QualitePartie.PARTIE_CIVILE),
            ("Entreprise Toitures", QualitePartie.DEFENDEUR if matiere == Matiere.CIVILE else QualitePartie.MIS_EN_EXAMEN),
        ],
        **kwargs,
    )


def parties(e: Expertise) -> tuple[Partie, Partie]:
    a, b = list(e.parties.order_by("id"))
    return a, b


@pytest.fixture
def dossier(magistrat, greffier, expert, fiche_expert, avocat_partie_a, avocat_partie_b, partie_b, invitee, orgs) -> Expertise:
    """A civil case at TJ Paris: magistrat and greffier named, the expert, lawyers of A and B, party
    B enrolled, and a pending invitation for ``invitee``."""
    e = nouvelle_expertise(acteur=magistrat, fiche=fiche_expert, juridiction=orgs["TJ_PARIS"], greffiers=[greffier])
    a, b = parties(e)
    inscrire(e, expert, avocat_partie_a, Qualite.AVOCAT, a)
    inscrire(e, expert, avocat_partie_b, Qualite.AVOCAT, b)
    inscrire(e, expert, partie_b, Qualite.PARTIE, b)
    participants.inviter_participant(acteur=expert, expertise=e, email=invitee.email, qualite=Qualite.AVOCAT, partie=a)
    return e


@pytest.fixture
def dossier_penal(magistrat_penal, greffier_penal, expert, fiche_expert, avocat_partie_a, orgs) -> Expertise:
    e = nouvelle_expertise(
        acteur=magistrat_penal,
        fiche=fiche_expert,
        juridiction=orgs["TJ_PARIS"],
        greffiers=[greffier_penal],
        matiere=Matiere.PENALE,
        numero_rg="P26/0042",
    )
    a, _b = parties(e)
    inscrire(e, expert, avocat_partie_a, Qualite.AVOCAT, a)
    return e
