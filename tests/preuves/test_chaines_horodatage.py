"""Issue 17 items 1, 2 and 6: a timestamp token is trusted only through a valid certification path
to the configured roots (cryptography's path validator), close to the local clock when it arrives,
and after the checkpoint it is over. Each forged chain is refused by the platform when the token
arrives, by the offline tool (tools/verifier_accuse.py, run as a process) and by `openssl ts
-verify` on the same token, in the same test."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from justexpert.preuves import services
from justexpert.preuves.models import PointDeControle, StatutHorodatage
from justexpert.preuves.verificateur import PreuveInvalide, valider_chemin_horodatage

from .outils_horodatage import GENRES_FORGES, accuse_avec_jeton, autorite_http, openssl_ts_verify, pki

OUTIL = Path(django_settings.BASE_DIR) / "tools" / "verifier_accuse.py"
ANTIDATE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # the audit's back-dated checkpoint

# What openssl says of each forged chain (OpenSSL 3, X509_verify_cert and the timestamp purpose).
OPENSSL = {
    "emise_par_entite_finale": "invalid CA certificate",
    "sans_drapeau_ac": "invalid CA certificate",
    "sans_keycertsign": "invalid CA certificate",
    "longueur_depassee": "path length constraint exceeded",
    "intermediaire_expire": "certificate has expired",
    "eku_non_critique": "unsuitable certificate purpose",
    "eku_en_plus": "unsuitable certificate purpose",
}


def _outil(dossier: Path, accuse: dict, *args: str) -> subprocess.CompletedProcess:
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / "accuse.json").write_text(json.dumps(accuse))
    return subprocess.run(
        [sys.executable, "-I", str(OUTIL), str(dossier / "accuse.json"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=dossier,
    )


def _plateforme(settings, monkeypatch, consigner, p, le=None):
    """Record an event while the configured authority (plain HTTP, roots = p's root) answers with
    p's key; returns the event and its checkpoint as stored."""
    monkeypatch.setenv("JUSTEXPERT_TSA_AC", p.racine_pem().decode())
    with autorite_http(p, le) as url:
        settings.TSA_URL = url
        (evenement,) = consigner()
    return evenement, PointDeControle.objects.get()


@pytest.mark.parametrize("genre", GENRES_FORGES)
def test_forged_chain_is_refused_by_the_platform_the_tool_and_openssl(genre, settings, monkeypatch, consigner, tmp_path):
    p = pki(genre)
    le = ANTIDATE if genre == "emise_par_entite_finale" else None
    evenement, point = _plateforme(settings, monkeypatch, consigner, p, le)
    # The platform: the token is not stored, the checkpoint stays pending for the retry task.
    assert point.statut == StatutHorodatage.EN_ATTENTE and point.jeton is None
    assert point.derniere_erreur.startswith("jeton refusé :"), point.derniere_erreur

    # The tool, given the trusted root, on a receipt carrying that token.
    accuse = accuse_avec_jeton(services.accuse(evenement), p, le)
    (tmp_path / "racine.pem").write_bytes(p.racine_pem())
    resultat = _outil(tmp_path / "outil", accuse, "--ac", str(tmp_path / "racine.pem"))
    assert resultat.returncode == 1, resultat.stdout + resultat.stderr
    assert "[NON PROUVÉ] Date certaine non prouvée" in resultat.stdout
    assert "tout est prouvé" not in resultat.stdout

    # openssl, on the same token and the same data.
    sortie = openssl_ts_verify(tmp_path / "openssl", p, base64.b64decode(accuse["horodatage"]["jeton"]), point.note.encode())
    assert sortie.returncode != 0 and "Verification: OK" not in sortie.stdout
    assert OPENSSL[genre] in sortie.stdout + sortie.stderr, sortie.stdout + sortie.stderr


@pytest.mark.parametrize("genre", GENRES_FORGES)
def test_the_path_validator_itself_refuses_each_forged_chain(genre):
    """Not only the signer checks done before it: cryptography's validator with our policy."""
    p = pki(genre)
    with pytest.raises(PreuveInvalide, match="ne remonte pas"):
        valider_chemin_horodatage(p.tsa.certificat, list(p.intermediaires), [p.racine], dt.datetime.now(dt.UTC))


def test_good_chain_is_accepted_by_all_three_and_the_tool_says_when_it_validated(settings, monkeypatch, consigner, tmp_path):
    p = pki("bonne")
    evenement, point = _plateforme(settings, monkeypatch, consigner, p)
    assert point.statut == StatutHorodatage.FAIT, point.derniere_erreur
    accuse = services.accuse(evenement)
    (tmp_path / "racine.pem").write_bytes(p.racine_pem())
    (tmp_path / "document").write_bytes(b"contenu")
    resultat = _outil(
        tmp_path / "outil",
        accuse,
        *("--ac", str(tmp_path / "racine.pem"), "--document", str(tmp_path / "document")),
        *("--cle", accuse["point_de_controle"]["cle_publique"]),
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "tout est prouvé" in resultat.stdout
    assert "validé à la date du jeton" in resultat.stdout
    assert "« CN=Autorité d'horodatage d'essai,O=Essai Justexpert » → « CN=AC intermédiaire d'essai" in resultat.stdout
    sortie = openssl_ts_verify(tmp_path / "openssl", p, bytes(point.jeton), point.note.encode())
    assert "Verification: OK" in sortie.stdout, sortie.stdout + sortie.stderr


def test_back_dated_token_under_a_good_chain_is_refused_on_receipt_and_flagged_by_the_tool(
    settings, monkeypatch, consigner, tmp_path
):
    """A genuine authority's key answering 2020: the chain is fine (openssl says OK), the time is not."""
    p = pki("bonne")
    evenement, point = _plateforme(settings, monkeypatch, consigner, p, ANTIDATE)
    assert point.statut == StatutHorodatage.EN_ATTENTE
    assert "à plus de 120 s de l'horloge de ce serveur" in point.derniere_erreur
    accuse = accuse_avec_jeton(services.accuse(evenement), p, ANTIDATE)
    (tmp_path / "racine.pem").write_bytes(p.racine_pem())
    resultat = _outil(tmp_path / "outil", accuse, "--ac", str(tmp_path / "racine.pem"))
    assert resultat.returncode == 1
    assert "est daté d'avant le point de contrôle qu'il horodate" in resultat.stdout
    sortie = openssl_ts_verify(tmp_path / "openssl", p, base64.b64decode(accuse["horodatage"]["jeton"]), point.note.encode())
    assert "Verification: OK" in sortie.stdout  # openssl knows nothing of the checkpoint's time


def test_token_within_tolerance_is_taken_and_beyond_it_is_refused(settings, monkeypatch, consigner):
    p = pki("bonne")
    monkeypatch.setenv("JUSTEXPERT_TSA_TOLERANCE_SECONDES", "600")
    _, point = _plateforme(settings, monkeypatch, consigner, p, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    assert point.statut == StatutHorodatage.FAIT
    monkeypatch.setenv("JUSTEXPERT_TSA_TOLERANCE_SECONDES", "60")
    PointDeControle.objects.all().delete()
    _, point = _plateforme(settings, monkeypatch, consigner, p, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    assert point.statut == StatutHorodatage.EN_ATTENTE
    assert "à plus de 60 s" in point.derniere_erreur
