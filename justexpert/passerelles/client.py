"""A small client of the Démarches Simplifiées API v2 (GraphQL over HTTPS, bearer token), with the
standard library's HTTP client as the rest of the platform (preuves.horodatage).

The token is read from a file (``DS_JETON_FICHIER``) and sent to the API address only: attached
files are downloaded from the addresses DS gives (signed, short-lived links to its object storage),
without the token.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

from django.conf import settings

from . import schema_ds

logger = logging.getLogger(__name__)

TAILLE_MAX_REPONSE = 50 * 1024 * 1024  # one page of files, JSON


class ErreurDS(Exception):
    """The import cannot go on (configuration, network, an answer that is not a GraphQL answer);
    the message is French and says what to do."""


def lire_jeton(chemin: str | Path | None = None) -> str:
    chemin = Path(chemin or settings.DS_JETON_FICHIER)
    try:
        jeton = chemin.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ErreurDS(
            f"Le fichier du jeton d'accès à l'API de Démarches Simplifiées est introuvable ({chemin}). "
            "Créez un jeton dans votre profil d'administrateur DS, enregistrez-le dans ce fichier "
            "(lisible par la plateforme seulement) ou indiquez son chemin dans JUSTEXPERT_DS_JETON_FICHIER."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ErreurDS(f"Le fichier du jeton d'accès à Démarches Simplifiées ne peut pas être lu ({chemin}) : {exc}.") from None
    if not jeton or any(c.isspace() for c in jeton):
        raise ErreurDS(
            f"Le fichier du jeton d'accès à Démarches Simplifiées ({chemin}) est vide ou mal formé : une seule ligne, le jeton."
        )
    return jeton


def _http(url: str) -> str:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ErreurDS(f"Adresse refusée (ni http ni https) : {url[:100]}")
    return url


class ClientDS:
    def __init__(self, *, jeton: str, url: str | None = None, delai: int | None = None) -> None:
        self.jeton = jeton
        self.url = _http(url or settings.DS_API_URL)
        self.delai = delai or settings.DS_DELAI_SECONDES

    def page(self, demarche: int, *, premiers: int, apres: str | None) -> tuple[dict[str, Any], list[schema_ds.Violation]]:
        """One page of files and what in it violates the schema (the caller decides what is still
        usable: a violation inside one file refuses that file only). Raises ErreurDS."""
        variables = {"demarche": demarche, "premiers": premiers, "apres": apres}
        corps = json.dumps({"query": schema_ds.texte_requete(), "operationName": "DossiersDemarche", "variables": variables})
        requete = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url,
            data=corps.encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.jeton}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "Justexpert (import des candidatures)",
            },
        )
        try:
            with urllib.request.urlopen(requete, timeout=self.delai) as reponse:  # noqa: S310 (http(s) checked)
                brut = reponse.read(TAILLE_MAX_REPONSE + 1)
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise ErreurDS(
                    f"Démarches Simplifiées refuse le jeton d'accès (HTTP {exc.code}) : vérifiez qu'il est valide, "
                    "non expiré, et qu'il donne accès à la démarche n° " + str(demarche) + "."
                ) from None
            raise ErreurDS(f"Démarches Simplifiées a répondu HTTP {exc.code} : réessayez plus tard.") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ErreurDS(
                f"Démarches Simplifiées ne répond pas ({getattr(exc, 'reason', exc)}) : réessayez plus tard."
            ) from None
        if len(brut) > TAILLE_MAX_REPONSE:
            raise ErreurDS("La réponse de Démarches Simplifiées est trop volumineuse : réduisez JUSTEXPERT_DS_TAILLE_PAGE.")
        try:
            contenu = json.loads(brut)
        except ValueError:
            raise ErreurDS("La réponse de Démarches Simplifiées n'est pas du JSON.") from None
        if not isinstance(contenu, dict):
            raise ErreurDS("La réponse de Démarches Simplifiées n'est pas une réponse GraphQL.")
        erreurs = contenu.get("errors")
        if erreurs:
            messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in erreurs)[:500]
            raise ErreurDS(f"Démarches Simplifiées signale une erreur : {messages}")
        donnees = contenu.get("data")
        if not isinstance(donnees, dict) or donnees.get("demarche") is None:
            raise ErreurDS(f"Démarches Simplifiées ne renvoie pas la démarche n° {demarche} : vérifiez son numéro et le jeton.")
        return donnees, schema_ds.verifier_reponse(donnees, variables)

    def ouvrir(self, url: str) -> IO[bytes]:
        """The stream of an attached file (no token: the link DS gives is itself the authorisation)."""
        requete = urllib.request.Request(_http(url), headers={"User-Agent": "Justexpert (import des candidatures)"})  # noqa: S310
        try:
            return cast(IO[bytes], urllib.request.urlopen(requete, timeout=self.delai))  # noqa: S310
        except urllib.error.HTTPError as exc:
            raise ErreurDS(f"le téléchargement a échoué (HTTP {exc.code})") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ErreurDS(f"le téléchargement a échoué ({getattr(exc, 'reason', exc)})") from None
