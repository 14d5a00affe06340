"""The expert's card end to end (issue 30 item 4): Debian's nginx started on the configuration of
docs/connexion-par-carte.md (mutual TLS against the demo card authority, its CRLs), in front of the
application served by gunicorn on the production settings; a TLS client presents the registered demo
certificate (login), an expired one, a revoked one and one from another authority (each refused with
its French page), and the proxy's header sent straight to the application, from an address that is
not the proxy, is ignored.

The nginx configuration is the documentation's block, rendered with the test's ports, certificates
and paths only (the same text otherwise: `_configuration_de_la_doc`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from justexpert.lib import pki_demo
from tests.outils_processus import RACINE, Serveur, attendre, environnement_production, manage, port_libre, python_django

pytestmark = pytest.mark.lent

DOC = RACINE / "docs" / "connexion-par-carte.md"
HOTE_CARTE = "carte.justexpert.example"
HOTE = "justexpert.example"
PREPARER = """
from pathlib import Path
from justexpert.comptes.certificats import enregistrer_certificat
from justexpert.comptes.models import Role, Utilisateur
from justexpert.comptes.services import ajouter_appartenance
u = Utilisateur.objects.create_user("expert@carte.test", None, prenom="Alix", nom="Durand", email_verifie=True)
ajouter_appartenance(None, acteur=None, utilisateur=u, role=Role.EXPERT, organisation=None)
enregistrer_certificat(None, acteur=u, donnees=Path({pem!r}).read_bytes())
print("pret")
"""
JOURNAL = """
import json
from justexpert.comptes.models import JournalSecurite
print(json.dumps([[e.evenement, e.details] for e in JournalSecurite.objects.order_by("id")]))
"""


def _configuration_de_la_doc() -> str:
    blocs = re.findall(r"```nginx\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocs) == 1, "docs/connexion-par-carte.md holds one nginx block"
    return blocs[0]


def _pem(objet) -> bytes:
    if isinstance(objet, ec.EllipticCurvePrivateKey):
        return objet.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return objet.public_bytes(serialization.Encoding.PEM)


def _certificat_serveur() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    cle = ec.generate_private_key(ec.SECP256R1())
    nom = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOTE)])
    maintenant = dt.datetime.now(dt.UTC)
    certificat = (
        x509.CertificateBuilder()
        .subject_name(nom)
        .issuer_name(nom)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - dt.timedelta(days=1))
        .not_valid_after(maintenant + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOTE), x509.DNSName(HOTE_CARTE)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(cle, hashes.SHA256())
    )
    return cle, certificat


@contextlib.contextmanager
def _base_de_donnees(dossier: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new PostgreSQL database when DATABASE_URL names one."""
    parente = os.environ.get("DATABASE_URL", "")
    if not parente.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{dossier / 'carte.sqlite3'}"
        return
    import psycopg

    nom = f"justexpert_carte_{uuid.uuid4().hex[:8]}"
    administration = urllib.parse.urlsplit(parente)._replace(path="/postgres").geturl()
    with psycopg.connect(administration, autocommit=True) as connexion:
        connexion.execute(f"create database {nom}")
    try:
        yield urllib.parse.urlsplit(parente)._replace(path=f"/{nom}").geturl()
    finally:
        with psycopg.connect(administration, autocommit=True) as connexion:
            connexion.execute(f"drop database if exists {nom} with (force)")


@dataclass
class Banc:
    dossier: Path
    pki: pki_demo.PkiDemo
    env: dict[str, str]
    port_application: int
    port_proxy: int
    ca_serveur: Path

    def contexte(self, identite: pki_demo.Identite | None) -> ssl.SSLContext:
        contexte = ssl.create_default_context(cafile=str(self.ca_serveur))
        if identite is not None:
            nom = uuid.uuid4().hex
            (self.dossier / f"{nom}.pem").write_bytes(identite.pem)
            (self.dossier / f"{nom}.key").write_bytes(_pem(identite.cle))
            contexte.load_cert_chain(self.dossier / f"{nom}.pem", self.dossier / f"{nom}.key")
        return contexte

    def get(self, hote: str, chemin: str, identite=None, **entetes: str) -> tuple[http.client.HTTPResponse, str]:
        """GET through nginx over TLS, with SNI and Host ``hote``, presenting ``identite``'s card."""
        contexte = self.contexte(identite)

        class Connexion(http.client.HTTPSConnection):
            def connect(self) -> None:
                brut = socket.create_connection((self.host, self.port), self.timeout)
                self.sock = contexte.wrap_socket(brut, server_hostname=hote)

        connexion = Connexion("127.0.0.1", self.port_proxy, timeout=60)
        try:
            connexion.request("GET", chemin, headers={"Host": hote, **entetes})
            reponse = connexion.getresponse()
            return reponse, html.unescape(reponse.read().decode(errors="replace"))
        finally:
            connexion.close()

    def journal(self) -> list:
        import json

        return json.loads(python_django(self.env, JOURNAL))


@pytest.fixture(scope="module")
def banc(tmp_path_factory) -> Iterator[Banc]:
    # Never skipped: `make chromium` (CI's install step) installs Debian's nginx-light.
    assert shutil.which("nginx"), "nginx missing: `make chromium` installs nginx-light"
    dossier = tmp_path_factory.mktemp("carte")
    pki = pki_demo.generer(dossier / "pki")
    ssl_dir = dossier / "ssl"
    ssl_dir.mkdir()
    cle, certificat = _certificat_serveur()
    (ssl_dir / "serveur.key").write_bytes(_pem(cle))
    (ssl_dir / "serveur.pem").write_bytes(_pem(certificat))
    # The card authority's chain (JUSTEXPERT_PKI_RACINES and intermediates) and its CRLs, as PEM.
    (ssl_dir / "ac-cartes.pem").write_bytes(pki.intermediaire.pem + pki.racine.pem)
    (ssl_dir / "cartes.crl").write_bytes(
        b"".join(
            x509.load_der_x509_crl((pki.dossier / "crl" / nom).read_bytes()).public_bytes(serialization.Encoding.PEM)
            for nom in ("ac-cartes.crl", "racine.crl")
        )
    )
    port_application, port_proxy = port_libre(), port_libre()
    with _base_de_donnees(dossier) as url:
        env = environnement_production(
            dossier / "donnees",
            url,
            DJANGO_ALLOWED_HOSTS=f"{HOTE},{HOTE_CARTE}",
            JUSTEXPERT_SITE_URL=f"https://{HOTE}",
            JUSTEXPERT_PROXIES_DE_CONFIANCE="127.0.0.1",
            JUSTEXPERT_PKI_DIR=str(pki.dossier),
            JUSTEXPERT_PKI_RECUPERATION="0",
            JUSTEXPERT_WEB_WORKERS="1",
        )
        manage(env, "migrate", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        assert python_django(env, PREPARER.format(pem=str(pki.dossier / "experts" / "valide.pem"))) == "pret"
        serveur = Serveur(env, port=port_application, production=True)
        nginx = _demarrer_nginx(dossier, ssl_dir, port_application, port_proxy)
        try:
            yield Banc(dossier, pki, env, port_application, port_proxy, ssl_dir / "serveur.pem")
        finally:
            nginx.terminate()
            nginx.wait(timeout=30)
            serveur.arreter()


def _demarrer_nginx(dossier: Path, ssl_dir: Path, port_application: int, port_proxy: int) -> subprocess.Popen:
    texte = (
        _configuration_de_la_doc()
        .replace("/etc/ssl/justexpert/", f"{ssl_dir}/")
        .replace("127.0.0.1:8001", f"127.0.0.1:{port_application}")
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{port_proxy} ssl;")
    )
    (dossier / "carte.conf").write_text(texte)
    temporaires = dossier / "temp"
    temporaires.mkdir()
    os.chmod(temporaires, 0o777)  # noqa: S103 (nginx workers run as another user)
    (dossier / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {dossier}/nginx.pid;\nerror_log {dossier}/error.log warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {temporaires}/corps;\n"
        f"  proxy_temp_path {temporaires}/proxy;\n  fastcgi_temp_path {temporaires}/fcgi;\n"
        f"  uwsgi_temp_path {temporaires}/uwsgi;\n  scgi_temp_path {temporaires}/scgi;\n"
        f"  include {dossier}/carte.conf;\n}}\n"
    )
    commande = ["nginx", "-p", str(dossier), "-c", str(dossier / "nginx.conf")]
    verification = subprocess.run([*commande, "-t"], capture_output=True, text=True, timeout=30)
    assert verification.returncode == 0, verification.stderr
    processus = subprocess.Popen(commande, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    attendre(lambda: (dossier / "nginx.pid").exists(), delai=30)

    def pret() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port_proxy), timeout=1):
            return True
        return False

    attendre(pret, delai=30)
    return processus


def _cookies(reponse: http.client.HTTPResponse) -> str:
    return "; ".join(reponse.headers.get_all("Set-Cookie") or [])


def test_the_test_configuration_is_the_documented_one():
    texte = _configuration_de_la_doc()
    for attendu in (
        "ssl_verify_client on;",
        "ssl_client_certificate /etc/ssl/justexpert/ac-cartes.pem;",
        "ssl_crl /etc/ssl/justexpert/cartes.crl;",
        "error_page 495 496 = @carte_refusee;",
        'proxy_set_header X-SSL-Client-Cert   "";',
    ):
        assert attendu in texte


def test_the_registered_demo_card_logs_in_through_nginx(banc):
    reponse, _ = banc.get(HOTE_CARTE, "/connexion/carte/", banc.pki.experts["valide"])
    assert reponse.status == 302 and reponse.headers["Location"] == "/tableau-de-bord/", reponse.headers
    cookie = re.search(r"__Host-sessionid=([^;]+)", _cookies(reponse))
    assert cookie, reponse.headers
    # The session opened by the card is strong (MFA mandatory for experts in production): the
    # tableau de bord opens on the main host, without asking a second factor.
    page, texte = banc.get(HOTE, "/tableau-de-bord/", Cookie=f"__Host-sessionid={cookie.group(1)}")
    assert page.status == 200 and "Alix" in texte


@pytest.mark.parametrize(
    ("carte", "message"),
    [
        ("expire", "Votre certificat est refusé : le certificat (ou un certificat de sa chaîne) a expiré."),
        ("revoque", "Votre certificat est refusé : le certificat est révoqué."),
        ("etrangere", "Votre certificat est refusé : le certificat n'est pas émis par une autorité de confiance."),
    ],
)
def test_expired_revoked_or_foreign_cards_get_their_french_page(banc, carte, message):
    if carte == "etrangere":
        autorite = pki_demo.creer_ac("Autorité inconnue")
        identite = pki_demo.creer_certificat(autorite, "Alix Durand (démo)", email="expert@demo.justexpert.fr")
    else:
        identite = banc.pki.experts[carte]
    reponse, texte = banc.get(HOTE_CARTE, "/connexion/carte/", identite)
    assert reponse.status == 403 and message in texte, texte[-2000:]
    assert "Connexion avec la carte d'expert" in texte and "sessionid" not in _cookies(reponse)
    # nginx itself refused the card (its verification result is in the log), then the application
    # named the reason.
    evenement, details = banc.journal()[-1]
    assert evenement == "echec_connexion" and details["proxy"].startswith("FAILED:"), details


def test_no_card_gets_the_french_page_too(banc):
    reponse, texte = banc.get(HOTE_CARTE, "/connexion/carte/")
    assert reponse.status == 403 and "Aucun certificat valide n'a été présenté" in texte


def test_the_header_is_ignored_from_anywhere_but_the_proxy(banc):
    entete = urllib.parse.quote(banc.pki.experts["valide"].pem.decode())
    # Straight to the application, from another address than the proxy's.
    connexion = http.client.HTTPConnection("127.0.0.1", banc.port_application, timeout=60, source_address=("127.0.0.2", 0))
    try:
        connexion.request(
            "GET",
            "/connexion/carte/",
            headers={"Host": HOTE_CARTE, "X-SSL-Client-Cert": entete, "X-SSL-Client-Verify": "SUCCESS"},
        )
        reponse = connexion.getresponse()
        texte = html.unescape(reponse.read().decode())
    finally:
        connexion.close()
    assert reponse.status == 403 and "serveur sécurisé" in texte
    assert "sessionid" not in _cookies(reponse)
    # Through the public host, the proxy drops the header a client forges.
    reponse, texte = banc.get(HOTE, "/connexion/carte/", **{"X-SSL-Client-Cert": entete, "X-SSL-Client-Verify": "SUCCESS"})
    assert reponse.status == 403 and "Aucun certificat valide" in texte
    motifs = [details.get("motif") for evenement, details in banc.journal()]
    assert "en_tete_certificat_hors_proxy" in motifs
