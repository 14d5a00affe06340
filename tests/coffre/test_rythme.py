"""Pace rules of uploads (coffre/rythme.py): too long or too slow is cut with a French 408, at each
chunk and by the watchdog that cuts a socket whose reads are blocked."""

from __future__ import annotations

import socket

import pytest
from django.urls import reverse

from justexpert.coffre import rythme
from justexpert.coffre.models import Document
from justexpert.coffre.rythme import Envoi, RefusRythme, Surveillant

from .conftest import fichiers_sous, pdf


class Horloge:
    """A monotonic clock that moves ``pas`` seconds at each reading."""

    def __init__(self, pas: float) -> None:
        self.t = 1000.0
        self.pas = pas

    def __call__(self) -> float:
        self.t += self.pas
        return self.t


@pytest.fixture
def horloge(monkeypatch):
    def regler(pas: float) -> Horloge:
        h = Horloge(pas)
        monkeypatch.setattr(rythme.time, "monotonic", h)
        return h

    return regler


@pytest.fixture
def client_expert(client, expert):
    client.force_login(expert)
    return client


def _poster(client, contenu: bytes):
    return client.post(reverse("coffre:deposer"), {"fichier": _fichier(contenu)}, HTTP_ACCEPT="application/json")


def _fichier(contenu: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("lent.pdf", contenu, content_type="application/pdf")


def test_upload_lasting_longer_than_the_limit_is_refused_408_in_french(client_expert, settings, horloge, coffre_isole):
    settings.ENVOI_DUREE_MAX = 5
    horloge(2.0)  # each 64 KiB chunk "takes" 2 s
    reponse = _poster(client_expert, pdf(b"x" * 400_000))
    assert reponse.status_code == 408
    assert "L'envoi a duré plus de 5 secondes : le document n'a pas été enregistré" in reponse.json()["erreur"]
    assert not Document.objects.exists()
    assert fichiers_sous(coffre_isole / "coffre") == []


def test_upload_slower_than_the_minimum_after_the_grace_delay_is_refused(client_expert, settings, horloge, coffre_isole):
    settings.ENVOI_DELAI_GRACE = 10
    settings.ENVOI_DEBIT_MIN = 16 * 1024
    horloge(8.0)  # 64 KiB per 8 s: 8 Kio/s
    reponse = _poster(client_expert, pdf(b"x" * 400_000))
    assert reponse.status_code == 408
    assert "L'envoi est trop lent (moins de 16 Kio par seconde en moyenne)" in reponse.json()["erreur"]
    assert fichiers_sous(coffre_isole / "coffre") == []


def test_upload_at_a_steady_pace_above_the_minimum_goes_through(client_expert, settings, horloge):
    settings.ENVOI_DELAI_GRACE = 1
    settings.ENVOI_DEBIT_MIN = 16 * 1024
    horloge(3.0)  # 64 KiB per 3 s: about 21 Kio/s
    reponse = _poster(client_expert, pdf(b"x" * 400_000))
    assert reponse.status_code == 201, reponse.content
    assert Document.objects.count() == 1


def test_raw_upload_follows_the_same_rules(client_expert, settings, horloge):
    settings.ENVOI_DUREE_MAX = 5
    horloge(2.0)
    contenu = pdf(b"x" * 400_000)
    reponse = client_expert.post(
        reverse("coffre:deposer"),
        data=contenu,
        content_type="application/octet-stream",
        HTTP_X_NOM_FICHIER="brut.pdf",
        HTTP_ACCEPT="application/json",
    )
    assert reponse.status_code == 408
    assert not Document.objects.exists()


def test_a_chunk_still_arriving_is_not_held_against_a_client_at_the_minimum_pace(settings):
    settings.ENVOI_DELAI_GRACE = 10
    settings.ENVOI_DEBIT_MIN = 1000
    envoi = Envoi(debut=0.0)
    envoi.recus = 20_000
    envoi._marge = 64 * 1024
    assert envoi._motif(40.0) is None  # 20,000 bytes + a chunk in flight ≥ 1,000 B/s × 40 s
    envoi._marge = 0
    assert envoi._motif(40.0) is not None


def test_watchdog_cuts_the_reading_side_of_a_stalled_upload_and_spares_the_others(settings):
    settings.ENVOI_DELAI_GRACE = 10
    settings.ENVOI_DEBIT_MIN = 1000
    settings.ENVOI_DUREE_MAX = 3600
    serveur_lent, client_lent = socket.socketpair()
    serveur_ok, client_ok = socket.socketpair()
    try:
        surveillant = Surveillant()
        lent = Envoi(serveur_lent, debut=0.0)
        ok = Envoi(serveur_ok, debut=0.0)
        ok.recus = 100_000
        surveillant._envois.update({lent, ok})
        assert surveillant.tour(maintenant=5.0) == 0  # within the grace delay
        assert surveillant.tour(maintenant=30.0) == 1
        assert lent.motif and "trop lent" in lent.motif and ok.motif is None
        serveur_lent.settimeout(5)
        assert serveur_lent.recv(10) == b""  # a read blocked on that socket returns at once
        with pytest.raises(RefusRythme) as refus:
            lent.verifier()
        assert refus.value.statut == 408
        assert surveillant.tour(maintenant=31.0) == 0  # cut once
        client_ok.sendall(b"encore")
        assert serveur_ok.recv(10) == b"encore"
    finally:
        for s in (serveur_lent, client_lent, serveur_ok, client_ok):
            s.close()


def test_watchdog_thread_is_started_once_and_forgets_finished_uploads():
    surveillant = Surveillant(periode=3600)
    envois = [Envoi() for _ in range(3)]
    for envoi in envois:
        surveillant.suivre(envoi)
    fil = surveillant._fil
    assert fil is not None and fil.is_alive() and fil.daemon
    for envoi in envois:
        surveillant.oublier(envoi)
    assert surveillant._envois == set() and surveillant._fil is fil
