"""Throttling of the public endpoints (issue 18, item 3): per client address and per target, counted
in the database (shared by every process and server), limits in settings, French 429 answers.

Time is moved by replacing ``services.horloge``; nothing sleeps. Limits are made small per test."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings as reglages
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from justexpert.comptes import invitations
from justexpert.comptes.models import EchecConnexion
from justexpert.lib.env import ConfigurationError, env_limite
from justexpert.lib.limitation import services
from justexpert.lib.limitation.models import Compteur
from justexpert.preuves.horodatage import demande
from tests.conftest import MOT_DE_PASSE, texte

T0 = 1_800_000_000.0  # a fixed instant, aligned on every period used here
RACINE = Path(reglages.BASE_DIR)
FILS, PAR_FIL = 6, 20


@pytest.fixture
def horloge(monkeypatch):
    """A clock the test moves by hand."""

    class Horloge:
        t = T0

        def __call__(self) -> float:
            return self.t

    h = Horloge()
    monkeypatch.setattr(services, "horloge", h)
    return h


@pytest.fixture
def limites(settings):
    """Small limits, one rule at a time (the others keep their defaults)."""

    def poser(regle: str, **portees: tuple[int, int]) -> None:
        settings.LIMITES = {**settings.LIMITES, regle: portees}

    return poser


def _est_429_francais(reponse) -> None:
    assert reponse.status_code == 429
    assert int(reponse["Retry-After"]) >= 1
    assert "Trop de demandes" in texte(reponse) and "Réessayez dans" in texte(reponse)


# --- The counter ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sliding_window_lets_through_the_limit_and_then_as_the_period_slides(horloge):
    def un() -> services.Decision:
        return services.compter("essai", "client", "203.0.113.7", limite=3, periode=60)

    assert [un().depassee for _ in range(4)] == [False, False, False, True]
    assert un().reessayer_dans == 60 + 24  # next window, then until 5 × (1 - x) <= 3
    horloge.t = T0 + 60  # next window: the previous 5 still weigh in full
    assert un().depassee
    horloge.t = T0 + 60 + 48  # 5 × 0.2 + 2 = 3: back under the limit
    assert not un().depassee
    horloge.t = T0 + 600
    assert [un().depassee for _ in range(3)] == [False, False, False]


@pytest.mark.django_db
def test_counters_are_rows_of_the_database_holding_no_address_in_clear(horloge):
    services.compter("reinitialisation", "cible", "victime@exemple.fr", limite=3, periode=3600)
    services.compter("reinitialisation", "cible", "victime@exemple.fr", limite=3, periode=3600)
    (ligne,) = Compteur.objects.all()
    assert ligne.nombre == 2 and len(ligne.cle) == 64 and "victime" not in ligne.cle
    horloge.t = T0 + 2 * 3600
    assert services.purger() == 1 and not Compteur.objects.exists()


COMPTER = """
import sys, django
django.setup()
from justexpert.lib.limitation import services
for _ in range(int(sys.argv[1])):
    services.compter("course", "client", "198.51.100.1", limite=10_000, periode=3600)
"""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a database that waits for locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_lose_a_count_on_postgresql():
    """Threads, each with its own connection (as several processes or servers have), count under
    one key at once: every request is counted (a cache's get-then-set would lose some)."""
    erreurs: list[BaseException] = []
    depart = threading.Barrier(FILS)

    def compter() -> None:
        try:
            depart.wait()
            for _ in range(PAR_FIL):
                services.compter("course", "client", "198.51.100.1", limite=10_000, periode=3600)
        except BaseException as exc:  # noqa: B036 (reported by the main thread)
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=compter) for _ in range(FILS)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert not erreurs, erreurs
    assert sum(Compteur.objects.values_list("nombre", flat=True)) == FILS * PAR_FIL


@pytest.mark.lent
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file variant")
def test_processes_share_one_count_on_a_sqlite_file(tmp_path):
    """Real processes (as several application workers would) count in one SQLite file."""
    fichier = tmp_path / "limitation.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "justexpert.settings.test",
        "DATABASE_URL": f"sqlite:///{fichier}",
        "JUSTEXPERT_DATA_DIR": str(tmp_path),
        "PYTHONWARNINGS": "ignore",
    }
    migration = subprocess.run(
        [sys.executable, "manage.py", "migrate", "limitation", "--no-input", "-v", "0"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migration.returncode == 0, migration.stderr
    processus = [
        subprocess.Popen([sys.executable, "-c", COMPTER, str(PAR_FIL)], cwd=RACINE, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(FILS)
    ]
    for p in processus:
        _, erreur = p.communicate(timeout=120)
        assert p.returncode == 0, erreur
    with sqlite3.connect(fichier) as base:
        assert base.execute("SELECT SUM(nombre) FROM limitation_compteur").fetchone()[0] == FILS * PAR_FIL


def test_limits_come_from_settings_and_malformed_ones_stop_start_up(monkeypatch):
    monkeypatch.setenv("JUSTEXPERT_LIMITE_X_CIBLE", "3/3600")
    assert env_limite("JUSTEXPERT_LIMITE_X_CIBLE", "1/1") == (3, 3600)
    assert env_limite("JUSTEXPERT_LIMITE_ABSENTE", "10/60") == (10, 60)
    for mauvaise in ("3", "trois/3600", "0/60", "3/0", "-1/60"):
        monkeypatch.setenv("JUSTEXPERT_LIMITE_X_CIBLE", mauvaise)
        with pytest.raises(ConfigurationError, match="JUSTEXPERT_LIMITE_X_CIBLE"):
            env_limite("JUSTEXPERT_LIMITE_X_CIBLE", "1/1")


def test_every_public_form_endpoint_has_default_limits(settings):
    for regle in ("connexion", "inscription", "reinitialisation", "invitation"):
        assert set(settings.LIMITES[regle]) == {"client", "cible"}, regle
    for regle in ("verification", "horodatage"):
        assert set(settings.LIMITES[regle]) == {"client"}, regle


# --- The endpoints -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_for_one_address_sends_a_few_mails_not_two_hundred(
    client, expert, limites, horloge, django_capture_on_commit_callbacks
):
    limites("reinitialisation", client=(100, 3600), cible=(3, 3600))
    statuts = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            statuts.append(client.post(reverse("comptes:reinitialisation"), {"email": "Expert@test.fr "}).status_code)
    assert statuts == [302] * 3 + [429] * 17
    assert len(mail.outbox) == 3
    _est_429_francais(client.post(reverse("comptes:reinitialisation"), {"email": "expert@test.fr"}))
    # An unknown address is counted the same way: the answer tells nothing about accounts.
    inconnue = [client.post(reverse("comptes:reinitialisation"), {"email": "personne@test.fr"}).status_code for _ in range(4)]
    assert inconnue == [302, 302, 302, 429]
    horloge.t = T0 + 2 * 3600
    assert client.post(reverse("comptes:reinitialisation"), {"email": "expert@test.fr"}).status_code == 302


@pytest.mark.django_db
def test_password_reset_from_one_client_address_is_limited_across_addresses(client, limites, horloge):
    limites("reinitialisation", client=(5, 3600), cible=(3, 3600))
    statuts = [client.post(reverse("comptes:reinitialisation"), {"email": f"p{i}@test.fr"}).status_code for i in range(7)]
    assert statuts == [302] * 5 + [429] * 2
    autre = Client(REMOTE_ADDR="192.0.2.44")
    assert autre.post(reverse("comptes:reinitialisation"), {"email": "p9@test.fr"}).status_code == 302


@pytest.mark.django_db
def test_sign_up_is_limited_per_address_and_per_client(client, limites, horloge, django_capture_on_commit_callbacks):
    limites("inscription", client=(5, 3600), cible=(2, 3600))

    def inscrire(c: Client, email: str) -> int:
        donnees = {"prenom": "Nina", "nom": "Roux", "email": email, "mot_de_passe": MOT_DE_PASSE, "confirmation": MOT_DE_PASSE}
        return c.post(reverse("comptes:inscription"), donnees).status_code

    with django_capture_on_commit_callbacks(execute=True):
        assert [inscrire(client, "nina@exemple.fr") for _ in range(3)] == [200, 200, 429]
        assert [inscrire(client, f"n{i}@exemple.fr") for i in range(3)] == [200, 200, 429]
        assert inscrire(Client(REMOTE_ADDR="192.0.2.45"), "nina@exemple.fr") == 429  # the address, from anywhere
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_login_is_limited_per_account_and_per_client_before_any_password_check(client, expert, limites, horloge):
    limites("connexion", client=(6, 300), cible=(3, 900))

    def connecter(c: Client, email: str, mdp: str = "mauvais") -> int:
        return c.post(reverse("comptes:connexion"), {"email": email, "mot_de_passe": mdp}).status_code

    assert [connecter(client, expert.email) for _ in range(3)] == [200, 200, 200]
    # Even the right password is not tried past the limit (no failure is recorded either).
    echecs = EchecConnexion.objects.count()
    reponse = client.post(reverse("comptes:connexion"), {"email": expert.email, "mot_de_passe": MOT_DE_PASSE})
    _est_429_francais(reponse)
    assert EchecConnexion.objects.count() == echecs
    assert [connecter(client, f"x{i}@test.fr") for i in range(3)] == [200, 200, 429]
    horloge.t = T0 + 3600
    assert connecter(Client(), expert.email, MOT_DE_PASSE) == 302


@pytest.mark.django_db
def test_the_client_address_comes_from_the_proxy_only_when_it_is_trusted(settings, limites, horloge):
    limites("reinitialisation", client=(2, 3600), cible=(100, 3600))

    def reinitialiser(c: Client, i: int, transmise: str) -> int:
        return c.post(reverse("comptes:reinitialisation"), {"email": f"q{i}@test.fr"}, HTTP_X_FORWARDED_FOR=transmise).status_code

    # A client forging X-Forwarded-For is still counted under its own address.
    direct = Client(REMOTE_ADDR="192.0.2.10")
    assert [reinitialiser(direct, i, f"203.0.113.{i}") for i in range(3)] == [302, 302, 429]
    # Behind the trusted proxy, each client is counted under the address the proxy appended.
    settings.PROXIES_DE_CONFIANCE = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert [reinitialiser(proxy, i, f"1.1.1.1, 198.51.100.{i}") for i in range(3)] == [302, 302, 302]
    assert [reinitialiser(proxy, 10 + i, "198.51.100.7") for i in range(3)] == [302, 302, 429]


@pytest.mark.django_db
def test_receipt_verification_is_limited_per_client(client, limites, horloge):
    limites("verification", client=(2, 60))
    statuts = [client.post(reverse("preuves:verifier"), {}).status_code for _ in range(3)]
    assert statuts == [200, 200, 429]
    assert client.get(reverse("preuves:verifier")).status_code == 200  # reading the page is not counted
    horloge.t = T0 + 120
    assert client.post(reverse("preuves:verifier"), {}).status_code == 200


@pytest.mark.django_db
def test_the_built_in_timestamp_authority_is_limited_and_not_public_in_production(client, settings, limites, horloge):
    limites("horodatage", client=(2, 60))
    url, corps = reverse("preuves:horodatage"), demande(b"document", 1).dump()
    statuts = [client.post(url, corps, content_type="application/timestamp-query") for _ in range(3)]
    assert [r.status_code for r in statuts] == [200, 200, 429]
    assert statuts[2]["Content-Type"].startswith("text/plain") and "Trop de demandes" in statuts[2].content.decode()
    assert int(statuts[2]["Retry-After"]) >= 1
    settings.DEBUG, settings.DEMO = False, False
    horloge.t = T0 + 120
    assert client.post(url, corps, content_type="application/timestamp-query").status_code == 404


@pytest.mark.django_db
def test_invitation_acceptance_is_limited_per_invitation(magistrat, limites, horloge):
    limites("invitation", client=(100, 3600), cible=(3, 3600))
    _inv, lien = invitations.inviter(acteur=magistrat, email="nouveau@exemple.fr", role="partie")
    secret = lien.rstrip("/").rsplit("/", 1)[1]
    statuts = []
    for i in range(4):
        c = Client(REMOTE_ADDR=f"192.0.2.{i + 1}")  # from several addresses: the invitation is the target
        c.get(reverse("comptes:invitation", args=[secret]))
        statuts.append(c.post(reverse("comptes:invitation_ouverte"), {"prenom": "", "nom": ""}).status_code)
    assert statuts == [200, 200, 200, 429]
