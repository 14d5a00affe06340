"""A local Démarches Simplifiées: a real HTTP server on 127.0.0.1 (a thread) answering the GraphQL
endpoint with the recorded answers of ``reponses/`` (one file per page, chosen by scenario and
cursor) and serving the attached files of ``reponses/fichiers/``."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from justexpert.comptes.models import Habilitation, Role
from tests.candidatures.conftest import coffre_isole, nomenclature_2022  # noqa: F401 (fixtures)
from tests.conftest import creer_utilisateur

REPONSES = Path(__file__).resolve().parent / "reponses"
JETON = "jeton-de-test-ds"
CURSEURS = {None: 1, "MQ": 2}


class ServeurDS(ThreadingHTTPServer):
    daemon_threads = True
    scenario = "import"
    requetes: list[dict]
    telechargements: list[str]


class Gestionnaire(BaseHTTPRequestHandler):
    server: ServeurDS

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _repondre(self, statut: int, corps: bytes, type_: str = "application/json") -> None:
        self.send_response(statut)
        self.send_header("Content-Type", type_)
        self.send_header("Content-Length", str(len(corps)))
        self.end_headers()
        self.wfile.write(corps)

    def do_POST(self) -> None:  # noqa: N802
        corps = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if urlsplit(self.path).path != "/api/v2/graphql":
            return self._repondre(404, b"{}")
        if self.headers.get("Authorization") != f"Bearer {JETON}":
            return self._repondre(
                401, json.dumps({"errors": [{"message": "Without a token, only persisted queries are allowed"}]}).encode()
            )
        self.server.requetes.append(corps)
        page = CURSEURS.get(corps["variables"].get("apres"))
        fichier = REPONSES / f"{self.server.scenario}-page-{page}.json"
        if page is None or not fichier.exists():
            return self._repondre(200, json.dumps({"errors": [{"message": "curseur inconnu"}]}).encode())
        texte = fichier.read_text(encoding="utf-8").replace("{serveur}", f"http://127.0.0.1:{self.server.server_port}")
        self._repondre(200, texte.encode())

    def do_GET(self) -> None:  # noqa: N802
        chemin = urlsplit(self.path).path
        self.server.telechargements.append(chemin)
        nom = chemin.removeprefix("/fichiers/")
        fichier = REPONSES / "fichiers" / nom
        if not chemin.startswith("/fichiers/") or "/" in nom or not fichier.exists():
            return self._repondre(404, b"introuvable", "text/plain")
        self._repondre(200, fichier.read_bytes(), "text/plain")


@pytest.fixture
def serveur_ds():
    serveur = ServeurDS(("127.0.0.1", 0), Gestionnaire)
    serveur.requetes = []
    serveur.telechargements = []
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield serveur
    serveur.shutdown()
    serveur.server_close()
    fil.join(5)


@pytest.fixture
def ds(settings, serveur_ds, tmp_path):
    """Settings pointing at the local DS: the Paris court's three procedures, a token file."""
    jeton = tmp_path / "ds-jeton"
    jeton.write_text(JETON + "\n", encoding="utf-8")
    settings.DS_API_URL = f"http://127.0.0.1:{serveur_ds.server_port}/api/v2/graphql"
    settings.DS_JETON_FICHIER = str(jeton)
    settings.DS_DEMARCHES = {"PARIS": {"initiale": 101, "reinscription": 102, "extension": 103}}
    settings.DS_TAILLE_PAGE = 2
    settings.DS_DELAI_SECONDES = 5
    return serveur_ds


@pytest.fixture
def instructeur(orgs):
    """Greffier of the cour d'appel de Paris holding the habilitation."""
    return creer_utilisateur("instructeur.paris@test.fr", (Role.GREFFIER, orgs["PARIS"], [Habilitation.INSTRUCTEUR_CANDIDATURES]))


@pytest.fixture
def instructeur_lyon(orgs):
    return creer_utilisateur("greffier.lyon@test.fr", (Role.GREFFIER, orgs["LYON"], []))
