"""Registered certificates and login by certificate through the mutual-TLS proxy."""

from __future__ import annotations

import urllib.parse

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from justexpert.comptes import certificats
from justexpert.comptes.models import Certificat, EvenementSecurite, JournalSecurite
from justexpert.comptes.services import RefusService
from justexpert.lib import pki, pki_demo
from tests.conftest import MOT_DE_PASSE, texte

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.7"


@pytest.fixture(scope="session")
def pki_test():
    return pki_demo.generer(settings.PKI_DIR)


def _pem(identite) -> bytes:
    return identite.cert.public_bytes(serialization.Encoding.PEM)


def _par_proxy(client, identite, *, verifie="SUCCESS", adresse=PROXY):
    return client.get(
        reverse("comptes:connexion_certificat"),
        REMOTE_ADDR=adresse,
        HTTP_X_SSL_CLIENT_CERT=urllib.parse.quote(_pem(identite).decode()),
        HTTP_X_SSL_CLIENT_VERIFY=verifie,
    )


def test_verdicts_of_the_demo_pki(pki_test):
    lire = lambda nom: pki.lire_certificats(_pem(pki_test.experts[nom]))[0]  # noqa: E731
    assert pki.verifier_certificat(lire("valide")).statut == pki.Statut.VALIDE
    assert pki.verifier_certificat(lire("expire")).statut == pki.Statut.INVALIDE
    revoque = pki.verifier_certificat(lire("revoque"))
    assert revoque.statut == pki.Statut.INVALIDE and "révoqué" in revoque.motifs[0]
    # Without revocation information: indéterminé, never valide.
    sans_crl = pki.verifier_certificat(lire("valide"), contexte=pki.contexte_validation(crls=[]))
    assert sans_crl.statut == pki.Statut.INDETERMINE
    # Untrusted root.
    etrangere = pki_demo.creer_ac("Autorité inconnue")
    cert = pki_demo.creer_certificat(etrangere, "Inconnu")
    assert pki.verifier_certificat(pki.lire_certificats(_pem(cert))[0]).statut == pki.Statut.INVALIDE


def test_expert_registers_then_replaces_the_card_certificate_with_history(client, expert, pki_test):
    client.post(reverse("comptes:connexion"), {"email": "expert@test.fr", "mot_de_passe": MOT_DE_PASSE})
    fichier = SimpleUploadedFile("carte.pem", _pem(pki_test.experts["valide"]))
    assert client.post(reverse("comptes:mon_compte"), {"fichier": fichier}).status_code == 302
    premier = certificats.certificat_courant(expert)
    assert "Alix Durand" in premier.sujet
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts["autre"]))
    assert "Autre expert" in certificats.certificat_courant(expert).sujet
    assert Certificat.objects.filter(utilisateur=expert).count() == 2
    page = texte(client.get(reverse("comptes:mon_compte")))
    assert "Certificats précédents" in page and "Alix Durand" in page
    assert JournalSecurite.objects.filter(evenement=EvenementSecurite.CERTIFICAT_ENREGISTRE).count() == 2


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        (b"pas un certificat", "pas un certificat X.509"),
        (b"", "pas un certificat X.509"),
    ],
)
def test_bad_files_are_refused_at_the_field(client, expert, donnees, message):
    client.force_login(expert)
    reponse = client.post(reverse("comptes:mon_compte"), {"fichier": SimpleUploadedFile("x.pem", donnees or b"\x00")})
    assert reponse.status_code == 200 and message in texte(reponse)


@pytest.mark.parametrize(("nom", "message"), [("expire", "expiré"), ("revoque", "révoqué")])
def test_expired_or_revoked_certificates_cannot_be_registered(expert, pki_test, nom, message):
    with pytest.raises(RefusService, match=message):
        certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts[nom]))


def test_a_certificate_cannot_belong_to_two_accounts(expert, autre_expert, pki_test):
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts["valide"]))
    with pytest.raises(RefusService, match="autre compte"):
        certificats.enregistrer_certificat(None, acteur=autre_expert, donnees=_pem(pki_test.experts["valide"]))


@override_settings(PROXIES_DE_CONFIANCE=[PROXY], MFA_OBLIGATOIRE=True)
def test_certificate_login_through_the_proxy_is_strong_authentication(client, expert, pki_test):
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts["valide"]))
    reponse = _par_proxy(client, pki_test.experts["valide"])
    assert reponse.status_code == 302
    # MFA is mandatory for experts: the certificate counts, no TOTP enrolment asked.
    assert client.get(reverse("portail:tableau_de_bord"), REMOTE_ADDR=PROXY).status_code == 200


@override_settings(PROXIES_DE_CONFIANCE=[PROXY])
def test_header_from_anywhere_but_the_proxy_is_refused_and_logged(client, expert, pki_test):
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts["valide"]))
    reponse = _par_proxy(client, pki_test.experts["valide"], adresse="203.0.113.9")
    assert reponse.status_code == 403 and "serveur sécurisé" in texte(reponse)
    assert "_auth_user_id" not in client.session
    assert JournalSecurite.objects.filter(details__motif="en_tete_certificat_hors_proxy").exists()


@override_settings(PROXIES_DE_CONFIANCE=[PROXY])
@pytest.mark.parametrize(
    ("nom", "enregistrer", "message"),
    [
        ("expire", False, "expiré"),
        ("revoque", False, "révoqué"),
        ("autre", False, "enregistré pour aucun compte"),
    ],
)
def test_expired_revoked_or_unregistered_certificates_are_refused_at_login(client, expert, pki_test, nom, enregistrer, message):
    reponse = _par_proxy(client, pki_test.experts[nom])
    assert reponse.status_code == 403 and message in texte(reponse)
    assert "_auth_user_id" not in client.session


@override_settings(PROXIES_DE_CONFIANCE=[PROXY])
def test_proxy_that_did_not_verify_the_certificate_is_refused(client, expert, pki_test):
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts["valide"]))
    reponse = _par_proxy(client, pki_test.experts["valide"], verifie="FAILED:certificate has expired")
    assert reponse.status_code == 403 and "Aucun certificat valide" in texte(reponse)


@override_settings(PROXIES_DE_CONFIANCE=[PROXY])
def test_certificate_revoked_after_registration_is_refused(client, expert, pki_test, tmp_path, settings):
    identite = pki_test.experts["valide"]
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(identite))
    # A new CRL of the card authority now lists this certificate.
    crl = pki_demo.creer_crl(pki_test.intermediaire, [identite.cert, pki_test.experts["revoque"].cert])
    dossier = tmp_path / "crl"
    dossier.mkdir()
    (dossier / "racine.crl").write_bytes((settings.PKI_CRL_DIR / "racine.crl").read_bytes())
    (dossier / "ac-cartes.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    settings.PKI_CRL_DIR = dossier
    reponse = _par_proxy(client, identite)
    assert reponse.status_code == 403 and "révoqué" in texte(reponse)


@override_settings(PROXIES_DE_CONFIANCE=[PROXY])
def test_unreachable_revocation_information_refuses_login_as_indeterminate(client, expert, pki_test, tmp_path, settings):
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts["valide"]))
    settings.PKI_CRL_DIR = tmp_path / "vide"
    reponse = _par_proxy(client, pki_test.experts["valide"])
    assert reponse.status_code == 403 and "n'a pas pu être vérifié" in texte(reponse)


def test_certificate_names_are_shown_in_french_words(client, expert, pki_test):
    certificats.enregistrer_certificat(None, acteur=expert, donnees=_pem(pki_test.experts["valide"]))
    client.force_login(expert)
    page = texte(client.get(reverse("comptes:mon_compte")))
    courant = page[page.index('id="certificat-courant"') :]
    courant = courant[: courant.index("</p>")]
    assert "Nom : Alix Durand (démo)" in courant and "Adresse électronique : expert@demo.justexpert.fr" in courant
    assert "émis par Nom : AC de démonstration des cartes d'experts" in courant
    for anglais in ("Common Name", "Email Address", "Organization"):
        assert anglais not in courant
