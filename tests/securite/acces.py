"""Plumbing of the authorisation matrix: enumerate URLs, resolve them against the world, request
them as an actor with each request rolled back (so a POST of one actor never changes what the next
one sees)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import get_resolver, reverse

from justexpert.api import api
from tests.test_architecture import _walk

from .politique import ACTEURS, POLITIQUE, Regle

PREFIXE_API = "/api/v1"


def urls_pages() -> set[str]:
    """Every named page of the resolver (API operations are enumerated from ninja below)."""
    noms = set()
    for _route, nom, _callback in _walk(get_resolver()):
        if nom.startswith("admin:"):
            continue  # Django's admin: staff only, tested by comptes (test_administration)
        if nom.startswith("api:") and nom not in ("api:openapi-json", "api:openapi-view", "api:api-root"):
            continue
        noms.add(nom)
    return noms


def operations_api() -> set[str]:
    """Every operation of /api/v1/ as "METHOD /api/v1/path/{param}"."""
    ops = set()
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                full = f"{bound.prefix.rstrip('/')}/{path.lstrip('/')}" if bound.prefix else path
                for methode in operation.methods:
                    ops.add(f"{methode} {PREFIXE_API}/{full.lstrip('/')}")
    return ops


def cle_url(cle: str) -> str:
    """The URL part of a policy key (``name@variant`` → ``name``)."""
    return cle.split("@", 1)[0]


def url_de(cle: str, kwargs: dict[str, object]) -> tuple[str, str]:
    """(method, path) of a policy key resolved with these kwargs."""
    nom = cle_url(cle)
    if nom.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
        methode, chemin = nom.split(" ", 1)
        return methode.lower(), re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), chemin)
    regle = POLITIQUE[cle]
    return regle.methode, reverse(nom, kwargs={k: kwargs[k] for k in _params(nom)})


def _params(nom: str) -> list[str]:
    for route, n, _cb in _walk(get_resolver()):
        if n == nom:
            return re.findall(r"<(?:\w+:)?(\w+)>", route)
    raise KeyError(nom)


def avec_uuid_inconnu(kwargs: dict[str, object]) -> dict[str, object]:
    """The same kwargs with every UUID replaced by a fresh random one (a missing object)."""
    return {k: (uuid.uuid4() if isinstance(v, uuid.UUID) else v) for k, v in kwargs.items()}


class Session:
    """A test client logged in as one actor whose session survives the rolled-back requests."""

    def __init__(self, acteur: str, user) -> None:  # type: ignore[no-untyped-def]
        self.acteur = acteur
        self.client = Client()
        self.cookie = None
        if user is not None:
            self.client.force_login(user)
            self.cookie = self.client.cookies[settings.SESSION_COOKIE_NAME].value

    def requete(self, methode: str, chemin: str, donnees: dict | None = None) -> HttpResponse:
        self.client.cookies.clear()
        if self.cookie:
            self.client.cookies[settings.SESSION_COOKIE_NAME] = self.cookie
        if methode == "post" and donnees is None:
            donnees = {"confirme": "oui"}  # the matrix checks who may act, past any confirmation step
        with transaction.atomic():
            reponse = getattr(self.client, methode)(chemin, donnees or {})
            # Streamed downloads are read inside the transaction (they may log as they go).
            reponse.corps = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
            transaction.set_rollback(True)
        return reponse


def attendu(regle: Regle, acteur: str, api_: bool) -> int:
    if acteur == "anonyme":
        if regle.anonyme is not None:
            return regle.anonyme
        return 401 if api_ else 302
    for statut, qui in regle.statuts.items():
        if acteur in _groupe(qui):
            return statut
    return regle.sinon


def _groupe(qui: str) -> set[str]:
    noms: set[str] = set()
    for mot in qui.split():
        if mot == "*":
            noms |= set(ACTEURS) - {"anonyme"}
        elif mot.startswith("-"):
            noms.discard(mot[1:])
        else:
            if mot not in ACTEURS:
                raise KeyError(f"unknown actor {mot!r} in the policy")
            noms.add(mot)
    return noms


def regles() -> Iterator[tuple[str, Regle]]:
    yield from POLITIQUE.items()
