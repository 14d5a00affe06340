"""Fixtures of the echanges tests: the actors of the permission matrix, a civil and a penal folder
with a file each, a private coffre folder per test and a frozen clock."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest
from django.utils import timezone

from justexpert.coffre.services import Depot
from justexpert.coffre.stockage import _stockage
from justexpert.comptes.models import Habilitation, Invitation, Role, Utilisateur
from justexpert.echanges import services
from justexpert.echanges.models import Echange, Fichier, Matiere
from tests.conftest import creer_utilisateur


@pytest.fixture(autouse=True)
def coffre_isole(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "donnees"
    settings.COFFRE_TAILLE_SEGMENT = 4096
    settings.STOCKAGE_BACKEND = "local"
    _stockage.cache_clear()
    yield settings.DATA_DIR
    _stockage.cache_clear()


class Horloge:
    """Replaces django.utils.timezone.now (time-machine is not installed)."""

    def __init__(self, instant: dt.datetime) -> None:
        self.instant = instant

    def __call__(self) -> dt.datetime:
        return self.instant

    def avancer(self, **delta: float) -> None:
        self.instant += dt.timedelta(**delta)


@pytest.fixture
def horloge(monkeypatch) -> Horloge:
    h = Horloge(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", h)
    return h


def pdf(contenu: bytes = b"") -> bytes:
    return b"%PDF-1.7\n" + contenu + b"\n%%EOF\n"


def depot(nom: str = "piece.pdf", contenu: bytes | None = None) -> Depot:
    d = Depot(nom)
    d.ecrire(contenu if contenu is not None else pdf(os.urandom(2000)))
    d.terminer()
    return d


def ajouter_invite(echange: Echange, user: Utilisateur, par: Utilisateur) -> None:
    """What accepting an invitation does (the handler), without the mail round trip."""
    services.accepter_invitation(Invitation(objet_ref=str(echange.uuid), cree_par=par), user)


def avec_totp(user: Utilisateur) -> Utilisateur:
    user.totp_actif = True
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    user.save(update_fields=["totp_actif", "totp_secret"])
    return user


@pytest.fixture
def invite(orgs):
    return avec_totp(creer_utilisateur("invite@test.fr", (Role.INVITE, None, [])))


@pytest.fixture
def autre_invite(orgs):
    return avec_totp(creer_utilisateur("autre.invite@test.fr", (Role.INVITE, None, [])))


@pytest.fixture
def agent_juridiction(orgs):
    """Another agent of TJ_PARIS, without the penal habilitation."""
    return creer_utilisateur("agent.civil@test.fr", (Role.AGENT, orgs["TJ_PARIS"], []))


@pytest.fixture
def agent_penal(orgs):
    """Another agent of TJ_PARIS holding the penal habilitation, in no folder."""
    return creer_utilisateur("agent.penal@test.fr", (Role.AGENT, orgs["TJ_PARIS"], [Habilitation.MATIERE_PENALE]))


@pytest.fixture
def agent_lyon(orgs):
    return creer_utilisateur("agent.lyon@test.fr", (Role.AGENT, orgs["TJ_LYON"], [Habilitation.MATIERE_PENALE]))


@dataclass
class Dossier:
    echange: Echange
    fichier: Fichier


def _dossier(agent, invite, orgs, matiere: str, titre: str, nom_fichier: str) -> Dossier:
    echange = services.creer_echange(acteur=agent, titre=titre, juridiction=orgs["TJ_PARIS"], matiere=matiere)
    ajouter_invite(echange, invite, agent)
    fichier = services.deposer(acteur=agent, echange=echange, depot=depot(nom_fichier), jours=7)
    return Dossier(echange, fichier)


@pytest.fixture
def civil(agent, invite, orgs) -> Dossier:
    return _dossier(agent, invite, orgs, Matiere.CIVILE, "Expertise comptable SARL Dupont", "rapport-civil.pdf")


@pytest.fixture
def penal(agent, invite, orgs) -> Dossier:
    return _dossier(agent, invite, orgs, Matiere.PENALE, "Scellés affaire X", "scelles-penal.pdf")


@pytest.fixture
def dossier_autre_invite(agent, autre_invite, orgs) -> Dossier:
    """A folder of another invitee, so that 'other invitee' is a real participant somewhere."""
    return _dossier(agent, autre_invite, orgs, Matiere.CIVILE, "Autre échange", "autre.pdf")
