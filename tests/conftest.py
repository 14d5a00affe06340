"""Shared fixtures: named actors (STYLE.md) and organisations; the hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

from justexpert.comptes import organisations
from justexpert.comptes.models import Habilitation, Organisation, Role, Utilisateur
from justexpert.comptes.services import ajouter_appartenance

MOT_DE_PASSE = "mot-de-passe-de-test-2026"

# Property and fuzz tests (hypothesis, schemathesis) give the same answer twice on the same commit:
# by default every example is derived from the test itself (derandomize), with no example database
# carried between runs. `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws new random examples, ten times
# as many, and prints the seed of any failure so that it can be replayed.
FACTEUR_FUZZ = 10
hypothesis_settings.register_profile("deterministe", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("fuzz", derandomize=False, database=None, print_blob=True, max_examples=100 * FACTEUR_FUZZ)
PROFIL_HYPOTHESIS = os.environ.get("HYPOTHESIS_PROFILE", "deterministe")
hypothesis_settings.load_profile(PROFIL_HYPOTHESIS)


def exemples(n: int) -> int:
    """A test's number of examples: ``n`` in the deterministic suite, more under `make fuzz`."""
    return n * FACTEUR_FUZZ if PROFIL_HYPOTHESIS == "fuzz" else n


@pytest.fixture(autouse=True)
def repere_isole(tmp_path_factory, monkeypatch):
    """The evidence log's high-water mark lives outside the database (preuves/repere.py); every
    test starts with an empty log, so every test gets its own mark."""
    monkeypatch.setenv("JUSTEXPERT_PREUVES_REPERE", str(tmp_path_factory.mktemp("repere") / "preuves-repere.json"))


@pytest.fixture
def orgs(db) -> dict[str, Organisation]:
    organisations.charger_reference()
    organisations.importer_tribunaux(
        "code,nom,cour_appel,departement\nTJ_PARIS,Tribunal judiciaire de Paris,PARIS,75\n"
        "TJ_LYON,Tribunal judiciaire de Lyon,LYON,69\n"
    )
    return {o.code: o for o in Organisation.objects.all()}


def creer_utilisateur(email: str, *roles: tuple[str, Organisation | None, list[str]], totp: bool = False) -> Utilisateur:
    user = Utilisateur.objects.create_user(
        email, MOT_DE_PASSE, prenom=email.split("@")[0].capitalize(), nom="Test", email_verifie=True
    )
    for role, org, habs in roles:
        ajouter_appartenance(None, acteur=None, utilisateur=user, role=role, organisation=org, habilitations=habs)
    return user


@pytest.fixture
def magistrat(orgs):
    return creer_utilisateur("magistrat@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.CONTROLE_EXPERTISES]))


@pytest.fixture
def greffier(orgs):
    return creer_utilisateur("greffier@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], []))


@pytest.fixture
def agent(orgs):
    return creer_utilisateur("agent@test.fr", (Role.AGENT, orgs["TJ_PARIS"], [Habilitation.MATIERE_PENALE]))


@pytest.fixture
def expert(orgs):
    return creer_utilisateur("expert@test.fr", (Role.EXPERT, None, []))


@pytest.fixture
def autre_expert(orgs):
    return creer_utilisateur("autre.expert@test.fr", (Role.EXPERT, None, []))


@pytest.fixture
def candidat(orgs):
    return creer_utilisateur("candidat@test.fr", (Role.CANDIDAT, None, []))


@pytest.fixture
def avocat_partie_a(orgs):
    return creer_utilisateur("avocat.a@test.fr", (Role.AVOCAT, None, []))


@pytest.fixture
def partie_b(orgs):
    return creer_utilisateur("partie.b@test.fr", (Role.PARTIE, None, []))


@pytest.fixture
def invite(orgs):
    return creer_utilisateur("invite@test.fr", (Role.INVITE, None, []))


@pytest.fixture
def administrateur(orgs):
    return creer_utilisateur("admin@test.fr", (Role.ADMINISTRATEUR, orgs["MINISTERE"], []))


def texte(reponse) -> str:
    """A page's HTML with entities decoded, so assertions can use plain French text (l'organisation)."""
    import html

    return html.unescape(reponse.content.decode())


def texte_pdf(contenu: bytes) -> str:
    """The text of a PDF the platform produced (read with pypdf), lines joined by spaces."""
    import io

    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(contenu)).pages)
