"""Headers and sessions: CSP without inline script on every crawled page, no-store on those seen
logged in, HSTS and secure cookies with the production settings, no referrer from one-time links,
framing refused, and every session of a disabled account or a struck-off expert ended at once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session as SessionDjango
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import StatutInscription
from justexpert.comptes import invitations
from justexpert.comptes.services import creer_jeton
from tests.conftest import MOT_DE_PASSE

from . import acces
from .exploration import Balises, explorer

RACINE = Path(__file__).resolve().parents[2]
NONCE_CSP = re.compile(r"script-src [^;]*'nonce-([A-Za-z0-9_\-]+)'")

# Actors who reach the most pages (entitled to the world's objects).
EXPLORATEURS = ("anonyme", "expert", "magistrat_penal", "greffier", "instructeur", "agent", "invite_penal", "candidat")


def test_every_crawled_page_has_a_strict_csp_and_only_nonced_scripts(monde):
    problemes = []
    pages = 0
    for acteur in EXPLORATEURS:
        session = acces.Session(acteur, monde.acteurs.get(acteur))
        for chemin, reponse in explorer(session, monde, limite=60):
            csp = reponse.get("Content-Security-Policy", "")
            if "frame-ancestors 'none'" not in csp or "unsafe-inline" in csp.split("script-src", 1)[-1].split(";")[0]:
                problemes.append(f"{chemin}: weak CSP {csp!r}")
            if reponse.get("X-Frame-Options") != "DENY" and "html" in reponse.get("Content-Type", ""):
                problemes.append(f"{chemin}: X-Frame-Options {reponse.get('X-Frame-Options')!r}")
            if "html" not in reponse.get("Content-Type", "") or not reponse.corps:
                continue
            if acteur != "anonyme" and "no-store" not in reponse.get("Cache-Control", ""):
                problemes.append(f"{chemin}: a page seen while logged in may be cached ({reponse.get('Cache-Control')!r})")
            pages += 1
            nonce = NONCE_CSP.search(csp)
            balises = Balises()
            balises.feed(reponse.corps.decode(errors="replace"))
            for script in balises.scripts:
                if script.get("type") in ("application/json", "application/ld+json"):
                    continue  # a data block, never executed
                if script.get("src"):
                    # script-src 'self': only our own origin (no third-party script, no CDN)
                    if not str(script["src"]).startswith("/") or str(script["src"]).startswith("//"):
                        problemes.append(f"{chemin} ({acteur}): foreign script {script}")
                elif not nonce or script.get("nonce") != nonce.group(1):
                    problemes.append(f"{chemin} ({acteur}): inline <script {script}> without the page's nonce")
            problemes += [f"{chemin} ({acteur}): inline handler {g}" for g in balises.gestionnaires]
    assert pages > 100
    assert not problemes, "\n".join(sorted(set(problemes)))


def _reglages_production(dossier: Path) -> dict:
    """The security settings production really computes (a subprocess imports its module, with a
    complete production environment: tests/test_settings.py)."""
    from tests.test_settings import environnement_complet

    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "JUSTEXPERT_"))}
    code = (
        "import json; from django.conf import settings as s; import django; django.setup(); print(json.dumps({k: getattr(s, k)"
        " for k in ('SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_SSL_REDIRECT',"
        " 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_HTTPONLY',"
        " 'SESSION_COOKIE_SAMESITE', 'X_FRAME_OPTIONS')}))"
    )
    env = {
        **base,
        **environnement_complet(dossier),
        "DJANGO_SETTINGS_MODULE": "justexpert.settings.production",
        "DJANGO_SECRET_KEY": "k" * 30 + "Zq8#pL2@vX9!mN4$wR7^tY1&uI6*oP3(",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
        "DJANGO_ALLOWED_HOSTS": "justexpert.example",
        "JUSTEXPERT_SITE_URL": "https://justexpert.example",
    }
    sortie = subprocess.run(
        [sys.executable, "-c", code], cwd=RACINE, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def test_production_settings_send_hsts_and_secure_host_only_cookies(db, expert, tmp_path):
    prod = _reglages_production(tmp_path)
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000 and prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and prod["SECURE_SSL_REDIRECT"]
    assert prod["SESSION_COOKIE_NAME"].startswith("__Host-") and prod["CSRF_COOKIE_NAME"].startswith("__Host-")
    reglages = {k: v for k, v in prod.items() if k != "SECURE_SSL_REDIRECT"}
    with override_settings(**reglages, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        client = Client()
        page = client.get(reverse("comptes:connexion"), secure=True)
        assert page["Strict-Transport-Security"].startswith(f"max-age={prod['SECURE_HSTS_SECONDS']}")
        assert "includeSubDomains" in page["Strict-Transport-Security"]
        assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
        reponse = client.post(reverse("comptes:connexion"), {"email": expert.email, "mot_de_passe": MOT_DE_PASSE}, secure=True)
        assert reponse.status_code == 302, reponse.content[:500]
        cookie = reponse.cookies[prod["SESSION_COOKIE_NAME"]]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
        assert not cookie["domain"]  # __Host-: bound to this host


def test_invitation_and_reset_links_send_no_referrer(db, expert, magistrat, orgs):
    _inv, lien = invitations.inviter(acteur=magistrat, email="nouveau@exemple.fr", role="partie")
    client = Client()
    secret = lien.rstrip("/").rsplit("/", 1)[1]
    reponse = client.get(reverse("comptes:invitation", args=[secret]))
    assert reponse["Referrer-Policy"] == "no-referrer"
    assert secret not in reponse["Location"]
    page = client.get(reponse["Location"])
    assert page.status_code == 200 and secret not in page.content.decode()
    reponse = client.get(reverse("comptes:invitation", args=["un-secret-quelconque"]))
    assert reponse["Referrer-Policy"] == "no-referrer"
    uid = urlsafe_base64_encode(force_bytes(expert.pk))
    jeton = default_token_generator.make_token(expert)
    reponse = client.get(reverse("comptes:reinitialisation_confirmer", args=[uid, jeton]))
    assert reponse.status_code == 302 and reponse["Referrer-Policy"] == "no-referrer"
    assert jeton not in reponse["Location"]
    formulaire = client.get(reponse["Location"])
    assert formulaire.status_code == 200 and jeton not in formulaire.content.decode()


def _sessions_de(user) -> int:
    return sum(1 for s in SessionDjango.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user.pk))


def _deux_sessions_et_un_jeton(user) -> tuple[Client, Client, str]:
    a, b = Client(), Client()
    assert a.login(email=user.email, password=MOT_DE_PASSE) and b.login(email=user.email, password=MOT_DE_PASSE)
    _jeton, secret = creer_jeton(acteur=user, nom="test")
    for c in (a, b):
        assert c.get(reverse("portail:tableau_de_bord")).status_code == 200
    return a, b, secret


def test_disabling_an_account_ends_all_its_sessions_and_tokens(db, expert, administrateur):
    a, b, secret = _deux_sessions_et_un_jeton(expert)
    admin = Client()
    admin.force_login(administrateur)
    assert admin.post(reverse("comptes:admin_desactiver", args=[expert.uuid]), {"confirme": "oui"}).status_code == 302
    assert _sessions_de(expert) == 0
    for c in (a, b):
        reponse = c.get(reverse("portail:tableau_de_bord"))
        assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:connexion"))
        assert c.get("/api/v1/comptes/moi").status_code == 401
    assert Client().get("/api/v1/comptes/moi", headers={"authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.parametrize("par_sanction", [False, True])
def test_radiating_an_expert_ends_all_their_sessions(monde, par_sanction):
    expert = monde.acteurs["expert"]
    a, b, _secret = _deux_sessions_et_un_jeton(expert)
    autre = Client()
    autre.force_login(monde.acteurs["autre_expert"])
    fiche = monde.extra["fiche"]
    if par_sanction:
        annuaire.sanctionner_expert(fiche, StatutInscription.RADIE, acteur=monde.acteurs["instructeur"], motif="Sanction")
    else:
        annuaire.changer_statut(
            fiche.inscriptions.get(), StatutInscription.RADIE, acteur=monde.acteurs["instructeur"], motif="Sanction"
        )
    assert _sessions_de(expert) == 0
    for c in (a, b):
        assert c.get(reverse("portail:tableau_de_bord")).status_code == 302
    # Others keep theirs.
    assert autre.get(reverse("portail:tableau_de_bord")).status_code == 200
