"""A production-like instance per test: gunicorn started as documented (deploy/gunicorn.conf.py) on
`justexpert.settings.production`, keys from the environment, a migrated database copied from one prepared once per session (SQLite file, or a
PostgreSQL template database when DATABASE_URL names PostgreSQL), and one agent in one PLEX folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.outils_processus import Serveur, environnement_production, manage, python_django

PREPARER = """
import json
from django.contrib.sessions.backends.db import SessionStore
from justexpert.comptes import organisations
from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.comptes.services import SESSION_MFA, ajouter_appartenance
from justexpert.echanges import services
from justexpert.echanges.models import Matiere
organisations.charger_reference()
organisations.importer_tribunaux("code,nom,cour_appel,departement\\nTJ_PARIS,Tribunal judiciaire de Paris,PARIS,75\\n")
tj = Organisation.objects.get(code="TJ_PARIS")
agent = Utilisateur.objects.create_user("agent@fiabilite.test", "mot-de-passe-fiabilite-2026", prenom="Agent", nom="Test", email_verifie=True)
ajouter_appartenance(None, acteur=None, utilisateur=agent, role=Role.AGENT, organisation=tj)
echange = services.creer_echange(acteur=agent, titre="Fiabilité", juridiction=tj, matiere=Matiere.CIVILE)
s = SessionStore()
s["_auth_user_id"] = str(agent.pk)
s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
s["_auth_user_hash"] = agent.get_session_auth_hash()
s[SESSION_MFA] = True
s.create()
print(json.dumps({"session": s.session_key, "echange": str(echange.uuid)}))
"""

ETAT = """
import json
from justexpert.coffre.models import Document
from justexpert.echanges.models import Fichier
print(json.dumps({
    "documents": sorted(str(u) for u in Document.objects.filter(detruit_le__isnull=True).values_list("uuid", flat=True)),
    "fichiers": sorted(str(u) for u in Fichier.objects.values_list("document__uuid", flat=True)),
    "sha256": {str(f.uuid): f.sha256 for f in Fichier.objects.all()},
    "accuses": {str(f.uuid): str(f.evenement_depot.uuid) for f in Fichier.objects.select_related("evenement_depot")},
}))
"""

NETTOYER = "import json; from justexpert.coffre.tasks import nettoyer_orphelins; print(json.dumps(nettoyer_orphelins.call()))"


def _url_parente() -> str:
    return os.environ.get("DATABASE_URL", "")


def _sur_postgres() -> bool:
    return _url_parente().startswith(("postgres://", "postgresql://"))


def _psql(url: str, sql: str) -> None:
    parties = urlsplit(url)
    subprocess.run(
        [
            "psql",
            "-h",
            parties.hostname or "127.0.0.1",
            "-p",
            str(parties.port or 5432),
            "-U",
            parties.username or "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def _url_base(url: str, nom: str) -> str:
    return urlsplit(url)._replace(path=f"/{nom}").geturl()


@dataclass
class Modele:
    dossier: Path
    env: dict[str, str]
    session: str
    echange: str
    base_pg: str = ""  # name of the PostgreSQL template database, if any


@pytest.fixture(scope="session")
def modele(tmp_path_factory) -> Modele:
    """Migrate and prepare once; each test copies the result (migrating takes ~10 s)."""
    dossier = tmp_path_factory.mktemp("modele")
    donnees = dossier / "donnees"
    base_pg = ""
    if _sur_postgres():
        base_pg = f"justexpert_fiabilite_modele_{uuid.uuid4().hex[:8]}"
        _psql(_url_parente(), f"create database {base_pg}")
        url = _url_base(_url_parente(), base_pg)
    else:
        url = f"sqlite:///{dossier / 'modele.sqlite3'}"
    env = environnement_production(donnees, url)
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")  # production serves a hashed manifest (WhiteNoise)
    prepare = json.loads(python_django(env, PREPARER))
    yield Modele(donnees, env, prepare["session"], prepare["echange"], base_pg)
    if base_pg:
        _psql(_url_parente(), f"drop database if exists {base_pg} with (force)")


@dataclass
class Instance:
    dossier: Path
    env: dict[str, str]
    session: str
    echange: str
    serveur: Serveur | None = None
    bases: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        assert self.serveur is not None
        return self.serveur.port

    @property
    def chemin_depot(self) -> str:
        return f"/echanges/{self.echange}/deposer/"

    def demarrer(self, *, workers: int | None = None, **options) -> Serveur:
        """gunicorn as documented (deploy/gunicorn.conf.py), ``workers`` threaded workers if given."""
        env = {**self.env, "JUSTEXPERT_WEB_WORKERS": str(workers)} if workers else self.env
        self.serveur = Serveur(env, production=True, **options)
        return self.serveur

    def arreter(self) -> None:
        if self.serveur is not None:
            self.serveur.arreter()
            self.serveur = None

    def etat(self) -> dict:
        return json.loads(python_django(self.env, ETAT))

    def etat_puis_nettoyer(self) -> tuple[dict, dict[str, int]]:
        """The state, then the cleanup task of coffre run with a zero delay setting (one process)."""
        env = {**self.env, "JUSTEXPERT_COFFRE_DELAI_ORPHELINS": "0"}
        sortie = manage(env, "shell", "-c", ETAT + NETTOYER).stdout.strip().splitlines()
        return json.loads(sortie[-2]), json.loads(sortie[-1])

    def verifier(self) -> None:
        """Both verifiers, as an operator runs them, must pass."""
        for commande in ("verifier_journal", "verifier_coffre"):
            resultat = manage(self.env, commande, check=False)
            assert resultat.returncode == 0, (commande, resultat.stdout, resultat.stderr)


def nouvelle_instance(modele: Modele, dossier: Path, database_url: str | None = None, **extra: str) -> Instance:
    """A copy of the prepared instance: its data folder (keys of the built-in authority) and its
    database, unless ``database_url`` names another, already migrated and prepared, one."""
    shutil.copytree(modele.dossier, dossier)
    env = {
        **modele.env,
        "JUSTEXPERT_DATA_DIR": str(dossier),
        "JUSTEXPERT_PREUVES_REPERE": str(dossier / "preuves-repere.json"),
        **extra,
    }
    bases = []
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    elif modele.base_pg:
        nom = f"justexpert_fiabilite_{uuid.uuid4().hex[:8]}"
        _psql(_url_parente(), f"create database {nom} template {modele.base_pg}")
        env["DATABASE_URL"] = _url_base(_url_parente(), nom)
        bases.append(nom)
    else:
        copie = dossier.parent / f"{dossier.name}.sqlite3"
        shutil.copyfile("/" + urlsplit(modele.env["DATABASE_URL"]).path.lstrip("/"), copie)
        env["DATABASE_URL"] = f"sqlite:///{copie}"
    return Instance(dossier, env, modele.session, modele.echange, bases=bases)


@pytest.fixture
def fabrique(modele, tmp_path):
    """Makes instances (copies of the prepared one) and removes their servers and databases."""
    faites: list[Instance] = []

    def fabriquer(database_url: str | None = None, **extra: str) -> Instance:
        inst = nouvelle_instance(modele, tmp_path / f"donnees{len(faites)}", database_url, **extra)
        faites.append(inst)
        return inst

    yield fabriquer
    for inst in faites:
        inst.arreter()
        for nom in inst.bases:
            _psql(_url_parente(), f"drop database if exists {nom} with (force)")


@pytest.fixture
def instance(fabrique) -> Instance:
    return fabrique()
