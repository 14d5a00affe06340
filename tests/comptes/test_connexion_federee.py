"""Federated login (issue 30): ProConnect for staff, FranceConnect for parties and candidates, against
a real OpenID Connect provider process (npm `oidc-provider`, tests/fournisseur_oidc); the forged
answers a real provider never gives (wrong issuer, audience, expired ID token) come from a tiny token
endpoint of the test (tests/comptes/fournisseurs.py)."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from django.test import Client
from django.urls import reverse

from justexpert.comptes import federation
from justexpert.comptes.models import EvenementSecurite, IdentiteFederee, JournalSecurite, Utilisateur
from tests.conftest import MOT_DE_PASSE, texte

from .fournisseurs import ACR_PROCONNECT_2FA, ACR_PROCONNECT_SIMPLE, Navigateur, demarrer, faussaire, serveur_muet

pytestmark = pytest.mark.django_db

COMPTES_PC = {
    "pc-magistrat": {"email": "magistrat@test.fr", "email_verified": True, "given_name": "Claire", "usual_name": "Martin"},
    "pc-inconnu": {"email": "inconnu@justice.gouv.fr", "email_verified": True, "given_name": "Inès"},
    "pc-non-verifie": {"email": "greffier@test.fr", "email_verified": False},
    "pc-partie": {"email": "partie.b@test.fr", "email_verified": True},
}
COMPTES_FC = {
    "fc-partie": {
        "given_name": "Bernard Jean",
        "family_name": "Petit",
        "birthdate": "1970-02-03",
        "email": "bernard.petit@exemple.fr",
        "email_verified": True,
    },
    "fc-inconnu": {"given_name": "Zoé", "family_name": "Inconnue", "birthdate": "1990-01-01", "email": "partie.b@test.fr"},
}


@pytest.fixture(scope="session")
def reels(tmp_path_factory):
    from django.conf import settings

    dossier = tmp_path_factory.mktemp("oidc")
    pc = demarrer("proconnect", settings.SITE_URL, dossier, dict(COMPTES_PC), [ACR_PROCONNECT_SIMPLE, ACR_PROCONNECT_2FA])
    fc = demarrer("franceconnect", settings.SITE_URL, dossier, dict(COMPTES_FC), ["eidas1", "eidas2", "eidas3"])
    yield {"proconnect": pc, "franceconnect": fc}
    for f in (pc, fc):
        f.processus.terminate()
        f.processus.wait(timeout=10)
        f.processus.stdout.close()


@pytest.fixture
def fournisseurs(reels, settings):
    settings.FOURNISSEURS_OIDC = {nom: f.conf() for nom, f in reels.items()}
    federation._INDISPONIBLE.clear()
    for sub, claims in COMPTES_PC.items():
        reels["proconnect"].changer_compte(sub, claims)
    return reels


def _connexion(client, fournisseurs, nom: str, sub: str, *, acr: str = "", amr=None, navigateur=None):
    """Click « S'identifier avec … », log in at the provider, come back: the platform's answer."""
    fournisseur = fournisseurs[nom]
    fournisseur.choisir(sub, acr=acr, amr=amr)
    navigateur = navigateur or Navigateur(_site())
    depart = client.get(reverse("comptes:federation_debut", args=[nom]))
    assert depart.status_code == 302 and depart["Location"].startswith(fournisseur.issuer), depart
    retour = navigateur.suivre(depart["Location"])
    return client.get(retour), retour


def _site() -> str:
    from django.conf import settings

    return settings.SITE_URL


def _connecte(client) -> Utilisateur | None:
    pk = client.session.get("_auth_user_id")
    return Utilisateur.objects.get(pk=pk) if pk else None


# --- ProConnect -------------------------------------------------------------------------------------


def test_login_page_offers_both_providers(client, fournisseurs):
    page = texte(client.get(reverse("comptes:connexion")))
    assert "S'identifier avec ProConnect" in page and "S'identifier avec FranceConnect" in page
    assert "indisponible" not in page


def test_first_proconnect_login_matches_the_verified_email_then_binds_issuer_and_sub(client, fournisseurs, magistrat, greffier):
    reponse, _ = _connexion(client, fournisseurs, "proconnect", "pc-magistrat", acr=ACR_PROCONNECT_SIMPLE)
    assert reponse.status_code == 302 and _connecte(client) == magistrat
    identite = IdentiteFederee.objects.get(utilisateur=magistrat)
    assert (identite.emetteur, identite.sujet) == (fournisseurs["proconnect"].issuer, "pc-magistrat")
    # Roles stay the platform's: no account, no membership created.
    assert Utilisateur.objects.count() == 2 and magistrat.appartenances.count() == 1
    entree = JournalSecurite.objects.filter(evenement=EvenementSecurite.CONNEXION, utilisateur=magistrat).get()
    assert entree.details["fournisseur"] == "proconnect" and entree.details["acr"] == ACR_PROCONNECT_SIMPLE
    assert entree.details["amr"] == ["pwd"] and entree.details["mfa"] is False
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.IDENTITE_FEDEREE_LIEE, utilisateur=magistrat).exists()

    # The e-mail changes at the provider (even to another account's address): the binding does not move.
    fournisseurs["proconnect"].changer_compte("pc-magistrat", {**COMPTES_PC["pc-magistrat"], "email": "greffier@test.fr"})
    autre = Client()
    reponse, _ = _connexion(autre, fournisseurs, "proconnect", "pc-magistrat")
    assert reponse.status_code == 302 and _connecte(autre) == magistrat
    assert IdentiteFederee.objects.count() == 1


def test_the_administrator_sees_the_linked_identity(client, fournisseurs, magistrat, administrateur):
    _connexion(Client(), fournisseurs, "proconnect", "pc-magistrat")
    client.force_login(administrateur)
    page = texte(client.get(reverse("comptes:admin_utilisateur", args=[magistrat.uuid])))
    assert "ProConnect — liée le" in page and "adresse au moment du lien : magistrat@test.fr" in page


def test_unknown_email_is_refused_with_a_french_page_and_no_account_is_created(client, fournisseurs, magistrat):
    avant = Utilisateur.objects.count()
    reponse, _ = _connexion(client, fournisseurs, "proconnect", "pc-inconnu")
    assert reponse.status_code == 403
    page = texte(reponse)
    assert (
        "Aucun compte de magistrat, de greffier ou d'agent n'est ouvert sur Justexpert pour l'adresse inconnu@justice.gouv.fr"
        in page
    )
    assert "Se connecter avec son adresse et son mot de passe" in page
    assert Utilisateur.objects.count() == avant and _connecte(client) is None
    assert JournalSecurite.objects.filter(details__motif="adresse_inconnue", details__fournisseur="proconnect").exists()


def test_unverified_email_or_a_role_proconnect_does_not_serve_is_refused(client, fournisseurs, greffier, partie_b):
    reponse, _ = _connexion(client, fournisseurs, "proconnect", "pc-non-verifie")
    assert reponse.status_code == 403 and "adresse électronique vérifiée" in texte(reponse)
    reponse, _ = _connexion(Client(), fournisseurs, "proconnect", "pc-partie")
    assert reponse.status_code == 403 and "Aucun compte de magistrat" in texte(reponse)
    assert not IdentiteFederee.objects.exists()


def test_mfa_values_make_the_login_strong_for_the_mfa_rule(client, fournisseurs, magistrat, settings):
    settings.MFA_OBLIGATOIRE = True
    _connexion(client, fournisseurs, "proconnect", "pc-magistrat", acr=ACR_PROCONNECT_2FA, amr=["pwd", "totp", "mfa"])
    assert client.get(reverse("portail:tableau_de_bord")).status_code == 200
    entree = JournalSecurite.objects.filter(evenement=EvenementSecurite.CONNEXION).get()
    assert entree.details["mfa"] is True and entree.details["acr"] == ACR_PROCONNECT_2FA

    faible = Client()
    _connexion(faible, fournisseurs, "proconnect", "pc-magistrat", acr=ACR_PROCONNECT_SIMPLE, amr=["pwd"])
    reponse = faible.get(reverse("portail:tableau_de_bord"))
    assert reponse.status_code == 302 and reponse["Location"] == reverse("comptes:second_facteur_activer")


def test_a_single_factor_login_of_an_account_with_totp_asks_the_code(client, fournisseurs, orgs):
    from justexpert.comptes.models import Habilitation, Role
    from tests.conftest import creer_utilisateur

    user = creer_utilisateur("magistrat@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.CONTROLE_EXPERTISES]))
    user.totp_secret, user.totp_actif = "JBSWY3DPEHPK3PXP", True
    user.save()
    reponse, _ = _connexion(client, fournisseurs, "proconnect", "pc-magistrat", acr=ACR_PROCONNECT_SIMPLE)
    assert reponse["Location"] == reverse("comptes:second_facteur") and _connecte(client) is None


def test_state_replay_is_refused(client, fournisseurs, magistrat):
    reponse, retour = _connexion(client, fournisseurs, "proconnect", "pc-magistrat")
    assert reponse.status_code == 302
    # The same answer again, in the same session or in another one (a stolen redirect): refused.
    for navigateur in (client, Client()):
        rejoue = navigateur.get(retour)
        assert rejoue.status_code == 403 and "n'est plus valable" in texte(rejoue)
    assert JournalSecurite.objects.filter(details__motif="etat").count() == 2


def test_nonce_of_another_login_is_refused(client, fournisseurs, magistrat):
    """Two logins started in one session: the code of the first answered with the state of the second.
    The real provider gives the first login's ID token, whose nonce is not the one of that state."""
    pc = fournisseurs["proconnect"]
    navigateur = Navigateur(_site())
    pc.choisir("pc-magistrat")
    premier = navigateur.suivre(client.get(reverse("comptes:federation_debut", args=["proconnect"]))["Location"])
    second = navigateur.suivre(client.get(reverse("comptes:federation_debut", args=["proconnect"]))["Location"])
    code_premier = urllib.parse.parse_qs(urllib.parse.urlsplit(premier).query)["code"][0]
    etat_second = urllib.parse.parse_qs(urllib.parse.urlsplit(second).query)["state"][0]
    reponse = client.get(reverse("comptes:federation_retour", args=["proconnect"]), {"code": code_premier, "state": etat_second})
    assert reponse.status_code == 403 and "n'a pas pu être vérifiée" in texte(reponse)
    assert _connecte(client) is None
    assert JournalSecurite.objects.filter(details__motif="jeton", details__erreur="InvalidClaimError").exists()


def test_signed_userinfo_is_read_and_checked(client, fournisseurs, magistrat, monkeypatch):
    decodes = []
    original = federation.jwt.decode

    def espion(valeur, *args, **kwargs):
        resultat = original(valeur, *args, **kwargs)
        decodes.append(resultat.claims)
        return resultat

    monkeypatch.setattr(federation.jwt, "decode", espion)
    _connexion(client, fournisseurs, "proconnect", "pc-magistrat")
    # First the ID token (its claims: sub, acr, amr… but not the name), then the userinfo answer,
    # a JWT signed by the provider: the name comes from it.
    id_token, userinfo = decodes
    assert "usual_name" not in id_token and userinfo["sub"] == "pc-magistrat" and userinfo["usual_name"] == "Martin"
    assert userinfo["iss"] == fournisseurs["proconnect"].issuer and userinfo["aud"] == "justexpert-proconnect"
    assert IdentiteFederee.objects.get().attributs["usual_name"] == "Martin"


def test_logout_ends_the_platform_and_the_provider_sessions(client, fournisseurs, magistrat):
    navigateur = Navigateur(_site())
    _connexion(client, fournisseurs, "proconnect", "pc-magistrat", navigateur=navigateur)
    avant = fournisseurs["proconnect"].evenements().count("end_session")
    reponse = client.post(reverse("comptes:deconnexion"))
    assert _connecte(client) is None
    fin = reponse["Location"]
    assert fin.startswith(fournisseurs["proconnect"].issuer + "/session/end") and "id_token_hint=" in fin
    retour = navigateur.confirmer_deconnexion(fin)
    assert retour.startswith(_site() + "/")
    assert fournisseurs["proconnect"].evenements().count("end_session") == avant + 1
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.DECONNEXION, details__fournisseur="proconnect").exists()


# --- Forged answers (a tiny token endpoint of the test) --------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "connecte"),
    [
        ({}, True),  # the forging endpoint's own honest answer logs in: the refusals below are the claims'
        ({"iss": "http://127.0.0.1:1/autre"}, False),
        ({"aud": "un-autre-client"}, False),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, False),
    ],
    ids=["honnete", "emetteur", "audience", "expire"],
)
def test_forged_id_tokens_are_refused(client, magistrat, settings, changes, connecte):
    with faussaire() as f:
        settings.FOURNISSEURS_OIDC = {"proconnect": f.conf()}
        depart = client.get(reverse("comptes:federation_debut", args=["proconnect"]))
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(depart["Location"]).query)
        f.claims = f.claims_valides(params["nonce"][0], **changes)
        reponse = client.get(
            reverse("comptes:federation_retour", args=["proconnect"]), {"code": "x", "state": params["state"][0]}
        )
    if connecte:
        assert reponse.status_code == 302 and _connecte(client) == magistrat
    else:
        assert reponse.status_code == 403 and "n'a pas pu être vérifiée" in texte(reponse)
        assert _connecte(client) is None and not IdentiteFederee.objects.exists()


# --- FranceConnect ----------------------------------------------------------------------------------


def test_party_links_franceconnect_after_seeing_the_attributes_then_logs_in_with_it(client, fournisseurs, partie_b):
    fc = fournisseurs["franceconnect"]
    client.force_login(partie_b)
    compte = texte(client.get(reverse("comptes:mon_compte")))
    assert "Lier FranceConnect à mon compte" in compte and "Lier ProConnect" not in compte
    fc.choisir("fc-partie", acr="eidas2")
    depart = client.post(reverse("comptes:federation_lier", args=["franceconnect"]))
    assert depart["Location"].startswith(fc.issuer) and "acr_values=eidas1" in depart["Location"]
    reponse = client.get(Navigateur(_site()).suivre(depart["Location"]))
    assert reponse["Location"] == reverse("comptes:federation_confirmer")
    page = texte(client.get(reverse("comptes:federation_confirmer")))
    for attendu in ("Bernard Jean", "Petit", "1970-02-03", "bernard.petit@exemple.fr", "substantiel"):
        assert attendu in page
    assert not IdentiteFederee.objects.exists()  # nothing linked before the person confirms
    client.post(reverse("comptes:federation_confirmer"), {"decision": "lier"})
    identite = IdentiteFederee.objects.get(utilisateur=partie_b)
    assert identite.niveau_eidas == "eidas2" and identite.fournisseur == "franceconnect"
    assert "FranceConnect depuis le" in texte(client.get(reverse("comptes:mon_compte")))

    autre = Client()
    reponse, _ = _connexion(autre, fournisseurs, "franceconnect", "fc-partie", acr="eidas1")
    assert reponse.status_code == 302 and _connecte(autre) == partie_b
    entree = JournalSecurite.objects.filter(evenement=EvenementSecurite.CONNEXION, details__fournisseur="franceconnect").get()
    assert entree.details["acr"] == "eidas1"
    identite.refresh_from_db()
    assert identite.niveau_eidas == "eidas1"


def test_declining_keeps_nothing_and_an_unlinked_franceconnect_identity_opens_no_account(client, fournisseurs, partie_b):
    client.force_login(partie_b)
    fournisseurs["franceconnect"].choisir("fc-partie", acr="eidas1")
    depart = client.post(reverse("comptes:federation_lier", args=["franceconnect"]))
    client.get(Navigateur(_site()).suivre(depart["Location"]))
    client.post(reverse("comptes:federation_confirmer"), {"decision": "annuler"})
    assert not IdentiteFederee.objects.exists()
    # Same e-mail as partie_b at FranceConnect: FranceConnect never matches by e-mail.
    reponse, _ = _connexion(Client(), fournisseurs, "franceconnect", "fc-inconnu")
    assert reponse.status_code == 403 and "Aucun compte Justexpert n'est lié à cette identité FranceConnect" in texte(reponse)


def test_staff_cannot_link_franceconnect(client, fournisseurs, magistrat):
    client.force_login(magistrat)
    assert "Lier FranceConnect" not in texte(client.get(reverse("comptes:mon_compte")))
    assert client.post(reverse("comptes:federation_lier", args=["franceconnect"])).status_code == 404


def test_an_identity_already_linked_to_another_account_cannot_be_linked_again(client, fournisseurs, partie_b, candidat):
    for personne in (partie_b, candidat):
        c = Client()
        c.force_login(personne)
        fournisseurs["franceconnect"].choisir("fc-partie", acr="eidas1")
        c.get(Navigateur(_site()).suivre(c.post(reverse("comptes:federation_lier", args=["franceconnect"]))["Location"]))
        reponse = c.post(reverse("comptes:federation_confirmer"), {"decision": "lier"}, follow=True)
    assert "déjà liée à un autre compte" in texte(reponse)
    assert IdentiteFederee.objects.get().utilisateur == partie_b


# --- Faults -------------------------------------------------------------------------------------------


def test_provider_down_or_slow_leaves_the_password_login_working(client, magistrat, settings):
    settings.OIDC_DELAI = 0.5
    federation._INDISPONIBLE.clear()
    with serveur_muet() as port_muet:
        settings.FOURNISSEURS_OIDC = {
            "proconnect": {**_conf_vide("ProConnect"), "issuer": "http://127.0.0.1:9"},  # nothing listens there
            "franceconnect": {**_conf_vide("FranceConnect"), "issuer": f"http://127.0.0.1:{port_muet}"},  # never answers
        }
        debut = time.monotonic()
        page = client.get(reverse("comptes:connexion"))
        duree = time.monotonic() - debut
    assert duree < 3, duree
    contenu = texte(page)
    assert "ProConnect est momentanément indisponible" in contenu and "FranceConnect est momentanément indisponible" in contenu
    assert "disabled" in contenu
    # The button's URL itself answers with a French page, not a 500.
    refus = client.get(reverse("comptes:federation_debut", args=["proconnect"]))
    assert refus.status_code == 503 and "ProConnect ne répond pas" in texte(refus)
    reponse = client.post(reverse("comptes:connexion"), {"email": "magistrat@test.fr", "mot_de_passe": MOT_DE_PASSE})
    assert reponse.status_code == 302 and _connecte(client) == magistrat


def _conf_vide(libelle: str) -> dict:
    return {
        "libelle": libelle,
        "client_id": "x",
        "client_secret": "y",
        "scopes": "openid",
        "acr_values": "",
        "acr_mfa": [],
        "amr_mfa": [],
        "email_verifie": False,
    }


def test_unconfigured_provider_urls_do_not_exist(client):
    assert client.get(reverse("comptes:federation_debut", args=["proconnect"])).status_code == 404
    assert client.get(reverse("comptes:federation_retour", args=["inconnu"])).status_code == 404
    assert "S'identifier avec" not in texte(client.get(reverse("comptes:connexion")))


# --- Production settings ----------------------------------------------------------------------------


def _fournisseurs_production(dossier) -> dict[str, str]:
    env = {}
    for nom in ("PROCONNECT", "FRANCECONNECT"):
        secret = dossier / f"{nom.lower()}.secret"
        secret.write_text("secret-du-client\n")
        env |= {
            f"JUSTEXPERT_{nom}_ISSUER": f"https://{nom.lower()}.example/api/v2",
            f"JUSTEXPERT_{nom}_CLIENT_ID": f"justexpert-{nom.lower()}",
            f"JUSTEXPERT_{nom}_CLIENT_SECRET_FILE": str(secret),
        }
    return env


def test_production_loads_with_both_providers_configured(tmp_path):
    from tests.test_settings import _check_deploy, environnement_complet

    resultat = _check_deploy({**environnement_complet(tmp_path), **_fournisseurs_production(tmp_path)})
    assert resultat.returncode == 0, resultat.stderr


@pytest.mark.parametrize(
    ("changement", "attendu"),
    [
        ({"JUSTEXPERT_PROCONNECT_CLIENT_SECRET_FILE": "/nulle/part/secret"}, "JUSTEXPERT_PROCONNECT_CLIENT_SECRET_FILE="),
        ({"JUSTEXPERT_FRANCECONNECT_CLIENT_SECRET_FILE": "/"}, "JUSTEXPERT_FRANCECONNECT_CLIENT_SECRET_FILE="),
        ({"JUSTEXPERT_PROCONNECT_CLIENT_ID": ""}, "JUSTEXPERT_PROCONNECT_CLIENT_ID must be set"),
        ({"JUSTEXPERT_FRANCECONNECT_ISSUER": "http://fc.example"}, "JUSTEXPERT_FRANCECONNECT_ISSUER must be an https:// URL"),
    ],
    ids=["secret-absent", "secret-illisible", "sans-client-id", "issuer-http"],
)
def test_production_refuses_to_load_on_bad_provider_settings(tmp_path, changement, attendu):
    from tests.test_settings import _check_production, environnement_complet

    env = {**environnement_complet(tmp_path), **_fournisseurs_production(tmp_path), **changement}
    resultat = _check_production(env)
    assert resultat.returncode != 0 and "ConfigurationError" in resultat.stderr and attendu in resultat.stderr, resultat.stderr


# --- Bad input on the provider's answer --------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"error": "access_denied", "state": "x"}, "a été annulée ou refusée"),
        ({}, "n'est plus valable"),
        ({"code": "x" * 5000, "state": "é\u202e" * 500}, "n'est plus valable"),
    ],
    ids=["refus-au-fournisseur", "vide", "hostile"],
)
def test_bad_answers_get_a_french_page_and_log_nothing_else(client, fournisseurs, magistrat, params, message):
    reponse = client.get(reverse("comptes:federation_retour", args=["proconnect"]), params)
    assert reponse.status_code == 403 and message in texte(reponse)
    assert _connecte(client) is None and not IdentiteFederee.objects.exists()
    nouveaux = JournalSecurite.objects.exclude(evenement=EvenementSecurite.APPARTENANCE_MODIFIEE)
    assert [e.evenement for e in nouveaux] == [EvenementSecurite.ECHEC_CONNEXION]


def test_a_deactivated_account_cannot_log_in_through_its_binding(client, fournisseurs, magistrat):
    _connexion(Client(), fournisseurs, "proconnect", "pc-magistrat")
    magistrat.is_active = False
    magistrat.save()
    reponse, _ = _connexion(client, fournisseurs, "proconnect", "pc-magistrat")
    assert reponse.status_code == 403 and "ne permet pas la connexion par ProConnect" in texte(reponse)
    assert _connecte(client) is None
