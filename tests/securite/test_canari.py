"""Canary crawl (plan H2, AC6, AC7): unique markers in the title, procedure reference, file names and
file contents of a penal PLEX folder; in the mission, party names, document name and content of a
penal expertise; in the name and content of a medical document of a civil case. Each actor not
entitled to a secret crawls everything reachable (links from the tableau de bord, every URL of the
policy: pages, API, exports, ZIPs, receipts) and reads every mail sent to them: its marker appears
nowhere. The entitled actors do see it (the canary is really there)."""

from __future__ import annotations

import secrets

import pytest
from django.core import mail

from . import acces
from . import monde as _monde
from .exploration import explorer, octets_lisibles
from .politique import ACTEURS

CANARI = "CANARI" + secrets.token_hex(6)

# Who is entitled to each secret (permissions of echanges and expertises); every other actor must
# never meet its marker.
AYANTS_DROIT = {
    "echange": {"agent", "invite_penal"},
    "penal": {"expert", "magistrat_penal", "greffier_penal", "avocat_penal"},
    # the expert and the magistrat named on the case, and the depositor (no one else chosen)
    "medical": {"expert", "magistrat", "avocat_a"},
}


@pytest.fixture
def monde_canari(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = _monde.construire(canari=CANARI)
    return _monde.apres_commit(m)


def test_canaries_reach_no_one_outside_the_folder_the_case_and_the_medical_circle(monde_canari):
    m = monde_canari
    fuites = []
    for acteur in ACTEURS:
        interdits = [m.canaris[k].encode() for k, qui in AYANTS_DROIT.items() if acteur not in qui]
        if not interdits:
            continue
        session = acces.Session(acteur, m.acteurs.get(acteur))
        pages = 0
        for chemin, reponse in explorer(session, m):
            pages += 1
            lisible = octets_lisibles(reponse.corps)
            fuites += [
                f"{acteur}: {marque.decode()} in {chemin} ({reponse.status_code})" for marque in interdits if marque in lisible
            ]
        assert pages > 20, acteur
    courriels = 0
    for c in mail.outbox:
        texte = c.subject + c.body + "".join(str(a[0]) for a in c.alternatives)
        for acteur, user in m.acteurs.items():
            if user.email in c.to:
                courriels += 1
                fuites += [
                    f"mail to {acteur}: {m.canaris[k]} in {c.subject!r}"
                    for k, qui in AYANTS_DROIT.items()
                    if acteur not in qui and m.canaris[k] in texte
                ]
    assert courriels > 10, "the actors received mails: the outbox check is meaningful"
    assert not fuites, "\n".join(fuites)


@pytest.mark.parametrize(
    ("acteur", "chemin", "secret"),
    [
        ("agent", "echanges:detail@penal", "echange"),
        ("invite_penal", "echanges:detail@penal", "echange"),
        ("magistrat_penal", "expertises:detail@penal", "penal"),
        ("avocat_penal", "expertises:detail@penal", "penal"),
        ("avocat_penal", "operations:reunion@penal", "penal"),
        ("greffier_penal", "operations:reunion@penal", "penal"),
        ("magistrat", "expertises:detail@civil", "medical"),
        ("avocat_a", "expertises:detail@civil", "medical"),
    ],
)
def test_the_entitled_see_the_canary(monde_canari, acteur, chemin, secret):
    from .politique import POLITIQUE

    session = acces.Session(acteur, monde_canari.acteurs[acteur])
    methode, url = acces.url_de(chemin, monde_canari.objets[POLITIQUE[chemin].objet])
    assert monde_canari.canaris[secret] in session.requete(methode, url).corps.decode()
