"""The database goes away under the documented server (deploy/gunicorn.conf.py, production settings):
whoever asks, whatever the page, the answer is the French 503 — never the generic 500 — and the
service comes back by itself when the database does.

The database is a private PostgreSQL cluster (never the shared one) that the test stops.
"""

from __future__ import annotations

import html
import json

import pytest

from tests.outils_processus import (
    Multipart,
    attendre,
    cluster_prive,
    commencer_depot,
    fichiers,
    get,
    manage,
    postgres_disponible,
    python_django,
)

from .conftest import PREPARER
from .test_pannes_depot import MIO, deposer, pdf

pytestmark = [pytest.mark.lent, pytest.mark.skipif(not postgres_disponible(), reason="PostgreSQL 15 binaries missing")]

PREPARER_EXPERTISE = """
import datetime as dt, json
from pathlib import Path
from django.contrib.sessions.backends.db import SessionStore
from justexpert.annuaire import nomenclature
from justexpert.comptes.models import Organisation, Role
from justexpert.comptes.services import SESSION_MFA
from tests.conftest import creer_utilisateur
from tests.expertises.conftest import DATA, fiche_pour, nouvelle_expertise
nomenclature.importer((DATA / "nomenclature-2022-fragment.csv").read_bytes(), version="2022", debut=dt.date(2024, 1, 1))
orgs = {o.code: o for o in Organisation.objects.all()}
magistrat = creer_utilisateur("magistrat@fiabilite.test", (Role.MAGISTRAT, orgs["TJ_PARIS"], []))
greffier = creer_utilisateur("greffier@fiabilite.test", (Role.GREFFIER, orgs["PARIS"], []))
greffier_tj = creer_utilisateur("greffier.tj@fiabilite.test", (Role.GREFFIER, orgs["TJ_PARIS"], []))
expert = creer_utilisateur("expert@fiabilite.test", (Role.EXPERT, None, []))
fiche = fiche_pour(expert, orgs, "Durand", greffier)
e = nouvelle_expertise(acteur=magistrat, fiche=fiche, juridiction=orgs["TJ_PARIS"], greffiers=[greffier_tj])
s = SessionStore()
s["_auth_user_id"] = str(expert.pk)
s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
s["_auth_user_hash"] = expert.get_session_auth_hash()
s[SESSION_MFA] = True
s.create()
print(json.dumps({"session": s.session_key, "expertise": str(e.uuid)}))
"""

INDISPONIBLE = "Le service est momentanément indisponible"
DEPOT_NON_ENREGISTRE = "Le service est momentanément indisponible : le document n'a pas été enregistré"


def _texte(corps: bytes) -> str:
    return html.unescape(corps.decode())


def test_database_down_gives_the_french_503_to_everyone_everywhere_then_service_resumes(fabrique):
    with cluster_prive() as cluster:
        instance = fabrique(database_url=cluster.url(), JUSTEXPERT_WEB_WORKERS="1")
        manage(instance.env, "migrate", "-v0")
        plex = json.loads(python_django(instance.env, PREPARER))
        cas = json.loads(python_django(instance.env, PREPARER_EXPERTISE))
        instance.session, instance.echange = plex["session"], plex["echange"]
        expert = cas["session"]
        chemin_depot = f"/expertises/{cas['expertise']}/documents/deposer/"
        instance.demarrer()
        try:
            assert get(instance.port, "/mon-compte/", expert)[0] == 200

            # An expertise deposit streams while the database goes away (item 6 of the audit).
            contenu = pdf(4 * MIO)
            corps = Multipart.pour({"type": "note"}, "note.pdf")
            connexion = commencer_depot(instance.port, chemin_depot, expert, corps, len(contenu))
            connexion.send(contenu[: len(contenu) // 2])
            staging = instance.dossier / "coffre" / "staging"
            attendre(lambda: sum(p.stat().st_size > MIO for p in fichiers(staging)) >= 1)  # the file is streaming in
            cluster.arreter()
            connexion.send(contenu[len(contenu) // 2 :])
            connexion.send(corps.fin)
            reponse = connexion.getresponse()
            texte = _texte(reponse.read())
            connexion.close()
            assert reponse.status == 503, texte[:3000]
            assert DEPOT_NON_ENREGISTRE in texte
            assert reponse.getheader("Retry-After")
            # Nothing was recorded, so the stored object went at once (no wait for the cleanup task).
            assert fichiers(instance.dossier / "coffre" / "staging") == []
            assert fichiers(instance.dossier / "coffre" / "objets") == []

            # The database is already down: pages of a logged-in person (the session and the user
            # are read by middleware before any view), deposits, the API, the health check.
            for session, chemin in [
                (expert, "/mon-compte/"),
                (expert, f"/expertises/{cas['expertise']}/"),
                (instance.session, f"/echanges/{instance.echange}/"),
                ("", "/listes/"),
            ]:
                statut, corps_page = get(instance.port, chemin, session)
                assert statut == 503, (chemin, _texte(corps_page)[:2000])
                assert INDISPONIBLE in _texte(corps_page)
                assert "Erreur inattendue" not in _texte(corps_page)
            for chemin in ("/", "/connexion/"):  # anonymous pages that need no database still answer
                assert get(instance.port, chemin, "")[0] == 200
            statut, corps_api = get(instance.port, f"/api/v1/expertises/{cas['expertise']}", expert)
            assert statut == 503 and json.loads(corps_api)["detail"].startswith(INDISPONIBLE)
            for session in (expert, ""):
                statut, corps_sante = get(instance.port, "/sante/", session)
                assert statut == 503 and json.loads(corps_sante)["base"] == "base de données injoignable"
            statut, _, texte = deposer(instance, pdf(MIO), "pendant-la-panne.pdf")
            assert statut == 503 and INDISPONIBLE in texte

            # The database comes back: the same server answers again, without a restart.
            cluster.demarrer()
            assert get(instance.port, "/mon-compte/", expert)[0] == 200
            assert get(instance.port, "/sante/", "")[0] in (200, 503)  # 503 only for the worker check
            statut, corps_sante = get(instance.port, "/sante/", "")
            assert json.loads(corps_sante)["base"] == "ok"
        finally:
            instance.arreter()
