"""The rapport définitif: a PDF signed with the certificate registered to the expert, otherwise
refused with the reason; the verdict is stored with the document and shown."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.urls import reverse

from justexpert.comptes import certificats
from justexpert.comptes.services import RefusService
from justexpert.expertises.models import Depot, Etat, TypeDocument
from justexpert.lib import pki_demo
from tests.conftest import texte
from tests.preuves.outils_signature import pdf, signer

from .outils_depots import deposer, etat, poster


@pytest.fixture(scope="module")
def pki():
    return pki_demo.generer(settings.PKI_DIR)


@pytest.fixture(scope="module")
def rapport_signe(pki):
    return signer(pdf("Rapport définitif"), pki.experts["valide"], pki.intermediaire)


@pytest.fixture
def expert_certifie(expert, pki):
    certificats.enregistrer_certificat(
        None, acteur=expert, donnees=pki.experts["valide"].cert.public_bytes(serialization.Encoding.PEM)
    )
    return expert


def test_signed_report_by_the_registered_certificate_is_filed(client, dossier, expert_certifie, rapport_signe):
    etat(dossier, Etat.REDACTION)
    d = deposer(expert_certifie, dossier, TypeDocument.RAPPORT, nom="rapport.pdf", contenu=rapport_signe)
    dossier.refresh_from_db()
    assert dossier.etat == Etat.RAPPORT_DEPOSE and dossier.rapport_depose_le is not None
    assert d.verdict["statut"] == "valide" and d.verdict["signatures"][0]["signataire"] == "Alix Durand (démo)"
    client.force_login(expert_certifie)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "Alix Durand (démo)" in page and "rapport.pdf" in page


def test_unsigned_report_is_refused_with_the_reason(client, dossier, expert_certifie):
    etat(dossier, Etat.REDACTION)
    client.force_login(expert_certifie)
    reponse = poster(client, dossier, {"type": TypeDocument.RAPPORT}, nom="rapport.pdf", contenu=pdf("Rapport"))
    assert reponse.status_code == 400
    assert "Le rapport n'est pas accepté" in texte(reponse) and "pas signé par le certificat" in texte(reponse)
    assert not Depot.objects.filter(expertise=dossier).exists()
    dossier.refresh_from_db()
    assert dossier.etat == Etat.REDACTION


def test_report_signed_by_another_certificate_is_refused(dossier, expert_certifie, pki):
    etat(dossier, Etat.REDACTION)
    autre = signer(pdf("Rapport"), pki.experts["autre"], pki.intermediaire)
    with pytest.raises(RefusService, match="pas signé par le certificat enregistré"):
        deposer(expert_certifie, dossier, TypeDocument.RAPPORT, nom="rapport.pdf", contenu=autre)


def test_report_altered_after_signature_is_refused(dossier, expert_certifie, rapport_signe):
    etat(dossier, Etat.REDACTION)
    with pytest.raises(RefusService, match="pas accepté"):
        deposer(expert_certifie, dossier, TypeDocument.RAPPORT, nom="rapport.pdf", contenu=rapport_signe + b"\n% ajout\n")


def test_expert_without_registered_certificate_is_told_so(dossier, expert, rapport_signe):
    etat(dossier, Etat.REDACTION)
    with pytest.raises(RefusService, match="aucun certificat de signature n'est enregistré"):
        deposer(expert, dossier, TypeDocument.RAPPORT, nom="rapport.pdf", contenu=rapport_signe)


def test_report_must_be_a_pdf(dossier, expert_certifie):
    etat(dossier, Etat.REDACTION)
    with pytest.raises(RefusService, match="doit être un PDF"):
        deposer(expert_certifie, dossier, TypeDocument.RAPPORT, nom="rapport.txt", contenu=b"Rapport\n")


# --- Finishing the signed report without help (issue 19, item 5) ---------------------------------


def test_deposit_form_shows_the_three_steps_and_the_guide_to_the_expert_only(client, dossier, expert_certifie, avocat_partie_a):
    etat(dossier, Etat.REDACTION)
    client.force_login(expert_certifie)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert "Le rapport définitif se dépose signé avec votre carte" in page
    assert reverse("portail:aide_signature") in page and reverse("comptes:mon_compte") in page
    assert "Signer avec la carte de démonstration" in page  # the test settings are a demonstration
    client.force_login(avocat_partie_a)
    assert "se dépose signé avec votre carte" not in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))


def test_refusal_of_an_unsigned_report_points_to_the_guide(client, dossier, expert_certifie):
    etat(dossier, Etat.REDACTION)
    client.force_login(expert_certifie)
    reponse = poster(client, dossier, {"type": TypeDocument.RAPPORT}, nom="rapport.pdf", contenu=pdf("Rapport"))
    assert "« Comment signer son rapport », sous le formulaire de dépôt" in texte(reponse)


def test_demo_card_signs_a_report_that_is_then_filed(client, dossier, expert_certifie):
    from django.core.files.uploadedfile import SimpleUploadedFile

    etat(dossier, Etat.REDACTION)
    client.force_login(expert_certifie)
    reponse = client.post(
        reverse("expertises:signer_demo", args=[dossier.uuid]), {"pdf": SimpleUploadedFile("mon-rapport.pdf", pdf("Rapport"))}
    )
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    assert "mon-rapport-signe.pdf" in reponse["Content-Disposition"]
    d = deposer(expert_certifie, dossier, TypeDocument.RAPPORT, nom="rapport.pdf", contenu=reponse.content)
    assert d.verdict["statut"] == "valide"
    dossier.refresh_from_db()
    assert dossier.etat == Etat.RAPPORT_DEPOSE


def test_demo_card_refuses_what_is_not_a_pdf_in_words(client, dossier, expert_certifie):
    from django.core.files.uploadedfile import SimpleUploadedFile

    etat(dossier, Etat.REDACTION)
    client.force_login(expert_certifie)
    url = reverse("expertises:signer_demo", args=[dossier.uuid])
    reponse = client.post(url, {"pdf": SimpleUploadedFile("notes.txt", b"texte")}, follow=True)
    assert "Ce fichier n'est pas un PDF" in texte(reponse)
    reponse = client.post(url, {}, follow=True)
    assert "Choisissez le PDF du rapport à signer." in texte(reponse)


def test_demo_card_is_not_reachable_outside_a_demonstration(client, dossier, expert_certifie, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DEMO = False
    etat(dossier, Etat.REDACTION)
    client.force_login(expert_certifie)
    reponse = client.post(
        reverse("expertises:signer_demo", args=[dossier.uuid]), {"pdf": SimpleUploadedFile("r.pdf", pdf("Rapport"))}
    )
    assert reponse.status_code == 404
    assert "Signer avec la carte de démonstration" not in texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))


def test_only_the_expert_of_the_case_may_use_the_demo_card(client, dossier, avocat_partie_a):
    client.force_login(avocat_partie_a)
    assert client.post(reverse("expertises:signer_demo", args=[dossier.uuid])).status_code == 403
