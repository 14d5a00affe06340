"""Canary crawl (plan H2, AC6): a unique marker in the title, procedure reference, file names and
file contents of a penal PLEX folder and in the mission and party names of a penal expertise; each
actor not entitled to them crawls everything reachable and reads every mail sent to them: the
marker appears nowhere. The entitled actors do see it (the canary is really there)."""

from __future__ import annotations

import secrets

import pytest
from django.core import mail

from . import acces
from . import monde as _monde
from .exploration import explorer, octets_lisibles

CANARI = "CANARI" + secrets.token_hex(6)

# Entitled to the penal folder (agent, invite_penal) or to the penal case (expert, magistrat_penal,
# greffier_penal, avocat_penal); every other actor must never see the marker.
NON_HABILITES = (
    "anonyme",
    "autre_expert",
    "magistrat",
    "magistrat_lyon",
    "greffier",
    "instructeur",
    "greffier_lyon",
    "avocat_a",
    "partie_b",
    "avocat_autre",
    "agent_civil",
    "agent_lyon",
    "invite",
    "candidat",
    "autre_candidat",
    "administrateur",
)


@pytest.fixture
def monde_canari(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = _monde.construire(canari=CANARI)
    return _monde.apres_commit(m)


def test_penal_canary_reaches_no_one_outside_the_folder_and_the_case(monde_canari):
    m = monde_canari
    fuites = []
    for acteur in NON_HABILITES:
        session = acces.Session(acteur, m.acteurs.get(acteur))
        pages = 0
        for chemin, reponse in explorer(session, m):
            pages += 1
            if CANARI.encode() in octets_lisibles(reponse.corps) or CANARI.lower().encode() in reponse.corps:
                fuites.append(f"{acteur}: {chemin} ({reponse.status_code})")
        assert pages > 20, acteur
    adresses = {m.acteurs[a].email for a in NON_HABILITES if a in m.acteurs}
    courriels = [c for c in mail.outbox if set(c.to) & adresses]
    assert courriels, "the non-entitled users received mails of their own: the outbox check is meaningful"
    for c in mail.outbox:
        if set(c.to) & adresses:
            texte = c.subject + c.body + "".join(str(a[0]) + str(a[1]) for a in c.alternatives)
            if CANARI in texte:
                fuites.append(f"mail to {c.to}: {c.subject}")
    assert not fuites, "\n".join(fuites)


@pytest.mark.parametrize(
    ("acteur", "chemin"),
    [
        ("agent", "echanges:detail@penal"),
        ("invite_penal", "echanges:detail@penal"),
        ("magistrat_penal", "expertises:detail@penal"),
        ("avocat_penal", "expertises:detail@penal"),
    ],
)
def test_the_entitled_see_the_canary(monde_canari, acteur, chemin):
    from .politique import POLITIQUE

    session = acces.Session(acteur, monde_canari.acteurs[acteur])
    methode, url = acces.url_de(chemin, monde_canari.objets[POLITIQUE[chemin].objet])
    assert CANARI in session.requete(methode, url).corps.decode()
