"""Providers for the federated-login tests: the real `oidc-provider` (npm, panva) run by
tests/fournisseur_oidc/fournisseur.js, and a tiny forging token endpoint for the answers a real
provider never gives (wrong issuer, wrong audience, expired ID token)."""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.coffre.serveur import RACINE, port_libre

DOSSIER_NODE = RACINE / "tests" / "fournisseur_oidc"
ACR_PROCONNECT_SIMPLE = "https://proconnect.gouv.fr/assurance/self-asserted"
ACR_PROCONNECT_2FA = "https://proconnect.gouv.fr/assurance/consistency-checked-2fa"


@dataclass
class FournisseurReel:
    """One oidc-provider process on 127.0.0.1."""

    nom: str
    port: int
    client_id: str
    client_secret: str
    processus: subprocess.Popen
    comptes: dict = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def conf(self, **extra) -> dict:
        """The entry of settings.FOURNISSEURS_OIDC pointing at this provider."""
        from justexpert.comptes.conf import FOURNISSEURS

        libelle, portees, acr = FOURNISSEURS[self.nom]
        return {
            "libelle": libelle,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scopes": portees,
            "acr_values": acr,
            "acr_mfa": [ACR_PROCONNECT_2FA, "eidas2", "eidas3"],
            "amr_mfa": ["mfa"],
            "email_verifie": False,
            **extra,
        }

    def choisir(self, sub: str, *, acr: str = "", amr: list[str] | None = None) -> None:
        """The person who will log in at the provider next."""
        requests.post(f"{self.issuer}/test/prochain", json={"sub": sub, "acr": acr, "amr": amr or ["pwd"]}, timeout=10)

    def changer_compte(self, sub: str, claims: dict) -> None:
        requests.post(f"{self.issuer}/test/compte", json={"sub": sub, "claims": claims}, timeout=10)

    def evenements(self) -> list[str]:
        return requests.get(f"{self.issuer}/test/evenements", timeout=10).json()


def demarrer(nom: str, site_url: str, dossier: Path, comptes: dict, acr: list[str]) -> FournisseurReel:
    if not (DOSSIER_NODE / "node_modules" / "oidc-provider").exists():
        raise RuntimeError("oidc-provider is not installed: `make install-dev` runs `npm ci` in tests/fournisseur_oidc")
    port = port_libre()
    client_id, secret = f"justexpert-{nom}", secrets.token_urlsafe(32)
    conf = {
        "port": port,
        "issuer": f"http://127.0.0.1:{port}",
        "acrValues": acr,
        "comptes": comptes,
        "clients": [
            {
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uris": [f"{site_url}/connexion/federee/{nom}/retour/"],
                "post_logout_redirect_uris": [f"{site_url}/"],
                "response_types": ["code"],
                "grant_types": ["authorization_code"],
                "token_endpoint_auth_method": "client_secret_basic",
                "id_token_signed_response_alg": "RS256",
                "userinfo_signed_response_alg": "RS256",  # signed userinfo (JWT), as both real providers
            }
        ],
    }
    fichier = dossier / f"{nom}.json"
    fichier.write_text(json.dumps(conf))
    processus = subprocess.Popen(
        ["node", "fournisseur.js", str(fichier)], cwd=DOSSIER_NODE, stdout=subprocess.PIPE, stderr=None, text=True
    )
    assert processus.stdout is not None
    ligne = processus.stdout.readline()
    if "pret" not in ligne:
        processus.kill()
        raise RuntimeError(f"oidc-provider did not start: {ligne}")
    return FournisseurReel(nom, port, client_id, secret, processus, comptes)


class Navigateur:
    """The person's browser at the provider (its cookies: the provider's session)."""

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url
        self.session = requests.Session()

    def suivre(self, url: str) -> str:
        """Follow the provider's redirects until it sends the browser back to the platform; returns
        that path with its query (for Django's test client)."""
        for _ in range(10):
            if url.startswith(self.site_url):
                return url[len(self.site_url) :]
            reponse = self.session.get(url, allow_redirects=False, timeout=10)
            if reponse.status_code not in (302, 303):
                raise AssertionError(f"{reponse.status_code} at the provider: {reponse.text[:500]}")
            url = urllib.parse.urljoin(url, reponse.headers["Location"])
        raise AssertionError("too many redirects")

    def confirmer_deconnexion(self, url: str) -> str:
        """Open the provider's end-session page and confirm, as the person does."""
        page = self.session.get(url, timeout=10)
        page.raise_for_status()
        action = re.search(r'action="([^"]+)"', page.text)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
        assert action and xsrf, page.text
        reponse = self.session.post(
            urllib.parse.urljoin(url, action.group(1)), data={"xsrf": xsrf.group(1), "logout": "yes"}, allow_redirects=False
        )
        assert reponse.status_code in (302, 303), reponse.text
        return reponse.headers["Location"]


# --- Forging provider (only for the answers a real one never gives) --------------------------------


class Faussaire:
    """Discovery, JWKS and a token endpoint returning an ID token with the claims the test sets."""

    def __init__(self) -> None:
        self.cle = RSAKey.generate_key(2048, parameters={"kid": "faussaire", "alg": "RS256", "use": "sig"})
        self.port = port_libre()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.client_id = "justexpert-proconnect"
        self.claims: dict = {}
        faussaire = self

        class Gestionnaire(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, donnees: dict) -> None:
                corps = json.dumps(donnees).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(corps)))
                self.end_headers()
                self.wfile.write(corps)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": faussaire.issuer,
                            "authorization_endpoint": faussaire.issuer + "/auth",
                            "token_endpoint": faussaire.issuer + "/token",
                            "jwks_uri": faussaire.issuer + "/jwks",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif self.path == "/jwks":
                    self._json({"keys": [faussaire.cle.as_dict(private=False)]})
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                jeton = jwt.encode({"alg": "RS256", "kid": "faussaire"}, faussaire.claims, faussaire.cle)
                self._json({"access_token": "a" * 20, "token_type": "Bearer", "expires_in": 60, "id_token": jeton})

        self.serveur = ThreadingHTTPServer(("127.0.0.1", self.port), Gestionnaire)
        self.fil = threading.Thread(target=self.serveur.serve_forever, daemon=True)

    def conf(self) -> dict:
        return {
            "libelle": "ProConnect",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "client_secret": "secret-du-faussaire",
            "scopes": "openid email",
            "acr_values": "",
            "acr_mfa": [],
            "amr_mfa": [],
            "email_verifie": False,
        }

    def claims_valides(self, nonce: str, **changes) -> dict:
        maintenant = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "faux-1",
            "iat": maintenant,
            "exp": maintenant + 300,
            "nonce": nonce,
            "email": "magistrat@test.fr",
            "email_verified": True,
        }
        claims.update(changes)
        return claims


@contextlib.contextmanager
def faussaire() -> Iterator[Faussaire]:
    f = Faussaire()
    f.fil.start()
    try:
        yield f
    finally:
        f.serveur.shutdown()
        f.serveur.server_close()


@contextlib.contextmanager
def serveur_muet() -> Iterator[int]:
    """A port that accepts connections and never answers (a provider that hangs)."""
    import socket

    ecoute = socket.socket()
    ecoute.bind(("127.0.0.1", 0))
    ecoute.listen(16)
    try:
        yield ecoute.getsockname()[1]
    finally:
        ecoute.close()
