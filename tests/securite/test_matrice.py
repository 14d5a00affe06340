"""The authorisation matrix (plan H1): every URL × every actor against politique.py, and hidden
objects answering a 404 indistinguishable from a missing one."""

from __future__ import annotations

import os
import re
import uuid

from . import acces
from .politique import ACTEURS, POLITIQUE


def test_every_url_and_api_operation_has_a_policy_entry():
    couvertes = {acces.cle_url(c) for c in POLITIQUE}
    manquantes = (acces.urls_pages() | acces.operations_api()) - couvertes
    assert not manquantes, "URLs without an entry in tests/securite/politique.py:\n" + "\n".join(sorted(manquantes))
    obsoletes = couvertes - acces.urls_pages() - acces.operations_api()
    assert not obsoletes, f"entries for URLs that no longer exist: {sorted(obsoletes)}"


def observer(monde) -> dict[str, dict[str, int]]:
    sessions = {a: acces.Session(a, monde.acteurs.get(a)) for a in ACTEURS}
    vu: dict[str, dict[str, int]] = {}
    for cle, regle in POLITIQUE.items():
        methode, chemin = acces.url_de(cle, monde.objets[regle.objet])
        vu[cle] = {a: s.requete(methode, chemin).status_code for a, s in sessions.items()}
    return vu


def test_matrix(monde):
    vu = observer(monde)
    if os.environ.get("JUSTEXPERT_MATRICE_OBSERVER"):
        import json

        with open(os.environ["JUSTEXPERT_MATRICE_OBSERVER"], "w") as f:
            json.dump(vu, f, indent=1)
    ecarts = []
    for cle, regle in POLITIQUE.items():
        api_ = cle.startswith("GET ")
        for a in ACTEURS:
            if vu[cle][a] != acces.attendu(regle, a, api_):
                ecarts.append(f"{cle} as {a}: got {vu[cle][a]}, policy says {acces.attendu(regle, a, api_)}")
    assert not ecarts, f"{len(ecarts)} differences:\n" + "\n".join(ecarts)


NONCE = re.compile(rb"nonce-[A-Za-z0-9_\-]+|nonce=\"[A-Za-z0-9_\-]+\"")
CSRF = re.compile(rb"(csrfmiddlewaretoken\" value=\"|csrf-token\" content=\"|csrftoken=)[A-Za-z0-9]+")


def _empreinte(reponse) -> tuple[int, bytes, list[tuple[str, str]]]:
    """Status, body and headers of a response with the per-request values (nonce, CSRF) blanked."""
    corps = CSRF.sub(rb"\1X", NONCE.sub(b"nonce-X", reponse.corps))
    entetes = sorted(
        (k.lower(), NONCE.sub(b"nonce-X", v.encode()).decode())
        for k, v in reponse.headers.items()
        if k.lower() not in ("set-cookie", "date")
    )
    return reponse.status_code, corps, entetes


def test_hidden_objects_answer_exactly_like_missing_ones(monde):
    """For every URL with an object and every actor the policy hides it from, the 404 has the same
    status, body and headers as the 404 of a random UUID (AC1, AC2)."""
    sessions = {a: acces.Session(a, monde.acteurs.get(a)) for a in ACTEURS if a != "anonyme"}
    compares = 0
    differences = []
    for cle, regle in POLITIQUE.items():
        kwargs = monde.objets[regle.objet]
        if not any(isinstance(v, uuid.UUID) for v in kwargs.values()):
            continue
        caches = [a for a in sessions if acces.attendu(regle, a, cle.startswith("GET ")) == 404]
        for a in caches[:3]:
            methode, cache = acces.url_de(cle, kwargs)
            _m, absent = acces.url_de(cle, acces.avec_uuid_inconnu(kwargs))
            r1, r2 = sessions[a].requete(methode, cache), sessions[a].requete(methode, absent)
            compares += 1
            if _empreinte(r1) != _empreinte(r2):
                differences.append(f"{cle} as {a}: hidden {r1.status_code} differs from missing {r2.status_code}")
    assert compares > 50
    assert not differences, "\n".join(differences)
