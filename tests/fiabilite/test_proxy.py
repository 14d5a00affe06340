"""The shipped nginx configuration (deploy/nginx/justexpert.conf) in front of the documented
application server, both as real processes: the configuration is valid, an upload streams through
without touching the proxy's disk, too many uploads from one address get the French 429 page, and a
stopped application gives the French "indisponible" page.

The test renders the shipped file with its own ports, certificates and paths, nothing else.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import os
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.outils_processus import RACINE, Multipart, attendre, cookies, fichiers, port_libre

from .conftest import Instance

pytestmark = [
    pytest.mark.lent,
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx missing: make chromium installs it"),
]

MIO = 1024 * 1024
CONFIGURATION = RACINE / "deploy" / "nginx" / "justexpert.conf"


def _cle_et_certificat(nom: str, emetteur=None, cle_emetteur=None, ca: bool = False):
    cle = ec.generate_private_key(ec.SECP256R1())
    sujet = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nom)])
    maintenant = dt.datetime.now(dt.UTC)
    constructeur = (
        x509.CertificateBuilder()
        .subject_name(sujet)
        .issuer_name(emetteur or sujet)
        .public_key(cle.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(maintenant - dt.timedelta(days=1))
        .not_valid_after(maintenant + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        constructeur = constructeur.add_extension(x509.SubjectAlternativeName([x509.DNSName(nom)]), critical=False)
    return cle, constructeur.sign(cle_emetteur or cle, hashes.SHA256())


def _pem(objet) -> bytes:
    if isinstance(objet, ec.EllipticCurvePrivateKey):
        return objet.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return objet.public_bytes(serialization.Encoding.PEM)


class Proxy:
    """nginx started on the shipped configuration, rendered for this test."""

    def __init__(self, dossier: Path, port_application: int) -> None:
        self.dossier = dossier
        self.port_http = port_libre()
        self.port = port_libre()
        certificats = dossier / "ssl"
        certificats.mkdir(parents=True)
        cle, certificat = _cle_et_certificat("justexpert.example")
        cle_ca, ca = _cle_et_certificat("AC des cartes", ca=True)
        crl = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca.subject)
            .last_update(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
            .next_update(dt.datetime.now(dt.UTC) + dt.timedelta(days=7))
            .sign(cle_ca, hashes.SHA256())
        )
        (certificats / "serveur.key").write_bytes(_pem(cle))
        (certificats / "serveur.pem").write_bytes(_pem(certificat))
        (certificats / "ac-cartes.pem").write_bytes(_pem(ca))
        (certificats / "cartes.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        texte = (
            CONFIGURATION.read_text()
            .replace("/etc/ssl/justexpert/", f"{certificats}/")
            .replace("/srv/justexpert/", f"{RACINE}/")
            .replace("127.0.0.1:8001", f"127.0.0.1:{port_application}")
            .replace("listen 443 ", f"listen 127.0.0.1:{self.port} ")
            .replace("listen 80;", f"listen 127.0.0.1:{self.port_http};")
        )
        (dossier / "justexpert.conf").write_text(texte)
        self.temporaires = dossier / "temp"
        self.temporaires.mkdir()
        os.chmod(self.temporaires, 0o777)  # noqa: S103 (nginx workers run as another user)
        (dossier / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 1;\npid {dossier}/nginx.pid;\nerror_log {dossier}/error.log warn;\n"
            "events { worker_connections 512; }\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {self.temporaires}/corps;\n"
            f"  proxy_temp_path {self.temporaires}/proxy;\n  fastcgi_temp_path {self.temporaires}/fcgi;\n"
            f"  uwsgi_temp_path {self.temporaires}/uwsgi;\n  scgi_temp_path {self.temporaires}/scgi;\n"
            f"  include {dossier}/justexpert.conf;\n}}\n"
        )
        self.commande = ["nginx", "-p", str(dossier), "-c", str(dossier / "nginx.conf")]
        self.processus: subprocess.Popen | None = None

    def verifier_configuration(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.commande, "-t"], capture_output=True, text=True, timeout=30)

    def demarrer(self) -> None:
        self.processus = subprocess.Popen(self.commande, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        attendre(lambda: (self.dossier / "nginx.pid").exists(), delai=30)

    def arreter(self) -> None:
        if self.processus is not None:
            self.processus.terminate()
            self.processus.wait(timeout=30)

    def connexion(self) -> http.client.HTTPSConnection:
        contexte = ssl.create_default_context()
        contexte.check_hostname = False
        contexte.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=60, context=contexte)


def _entetes_depot(instance: Instance, corps: Multipart, longueur: int) -> dict[str, str]:
    csrf = "c" * 32
    return {
        "Host": "justexpert.example",
        "Cookie": cookies(instance.session, csrf),
        "X-CSRFToken": csrf,
        "Referer": "https://justexpert.example/",
        "Content-Type": corps.type,
        "Content-Length": str(len(corps.debut) + longueur + len(corps.fin)),
    }


def _commencer(proxy: Proxy, instance: Instance, longueur: int) -> tuple[http.client.HTTPSConnection, Multipart]:
    corps = Multipart.pour({"jours": "7"}, "par-le-proxy.pdf")
    connexion = proxy.connexion()
    connexion.putrequest("POST", instance.chemin_depot, skip_host=True)
    for cle, valeur in _entetes_depot(instance, corps, longueur).items():
        connexion.putheader(cle, valeur)
    connexion.endheaders()
    connexion.send(corps.debut)
    return connexion, corps


def _texte(reponse: http.client.HTTPResponse) -> str:
    return html.unescape(reponse.read().decode())


def test_shipped_nginx_configuration_streams_uploads_and_limits_each_address(fabrique, tmp_path):
    # Behind the proxy, as in production: TLS is the proxy's, the client address comes from it.
    instance = fabrique(
        JUSTEXPERT_WEB_WORKERS="1",
        DJANGO_ALLOWED_HOSTS="justexpert.example",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://justexpert.example",
        JUSTEXPERT_PROXIES_DE_CONFIANCE="127.0.0.1",
    )
    instance.demarrer()
    proxy = Proxy(tmp_path / "nginx", instance.port)
    resultat = proxy.verifier_configuration()
    assert resultat.returncode == 0, resultat.stderr
    proxy.demarrer()
    try:
        # A 24 MiB deposit streams through; no byte of it is kept on the proxy's disk.
        contenu = b"%PDF-1.7\n" + os.urandom(24 * MIO) + b"\n%%EOF\n"
        connexion, corps = _commencer(proxy, instance, len(contenu))
        connexion.send(contenu[: 12 * MIO])
        staging = instance.dossier / "coffre" / "staging"
        attendre(lambda: sum(p.stat().st_size > 4 * MIO for p in fichiers(staging)) >= 1)  # already at the application
        connexion.send(contenu[12 * MIO :])
        connexion.send(corps.fin)
        reponse = connexion.getresponse()
        assert reponse.status == 302, _texte(reponse)[:2000]
        connexion.close()
        assert fichiers(proxy.temporaires) == []

        # 16 uploads at once from one address are served; the 17th gets the French 429 page.
        ouvertes = [_commencer(proxy, instance, MIO)[0] for _ in range(16)]
        for ouverte in ouvertes:
            ouverte.send(b"%PDF-1.7\n" + bytes(128 * 1024))  # enough for the application to open the file
        attendre(lambda: len(fichiers(staging)) >= 16)
        connexion, _ = _commencer(proxy, instance, MIO)
        reponse = connexion.getresponse()
        texte = _texte(reponse)
        connexion.close()
        assert reponse.status == 429
        assert "Trop d'envois ou de connexions sont en cours depuis votre adresse" in texte
        # Pages still answer meanwhile (the limit is on uploads).
        page = proxy.connexion()
        page.request("GET", "/sante/", headers={"Host": "justexpert.example"})
        assert page.getresponse().status == 200
        page.close()
        for ouverte in ouvertes:
            ouverte.close()
        attendre(lambda: fichiers(staging) == [])  # the abandoned uploads left nothing

        # The application stops: the proxy answers its French page, not nginx's English one.
        instance.arreter()
        page = proxy.connexion()
        page.request("GET", "/mon-compte/", headers={"Host": "justexpert.example"})
        reponse = page.getresponse()
        assert reponse.status == 502
        assert "Service momentanément indisponible" in _texte(reponse)
        page.close()
    finally:
        proxy.arreter()
        instance.arreter()


def test_plain_http_is_sent_to_https(fabrique, tmp_path):
    proxy = Proxy(tmp_path / "nginx", port_libre())
    proxy.demarrer()
    try:
        connexion = http.client.HTTPConnection("127.0.0.1", proxy.port_http, timeout=10)
        connexion.request("GET", "/mon-compte/", headers={"Host": "justexpert.example"})
        reponse = connexion.getresponse()
        assert reponse.status == 301
        assert reponse.getheader("Location") == "https://justexpert.example/mon-compte/"
        connexion.close()
    finally:
        proxy.arreter()
