"""Journey « Réinscription » through a real browser, with axe-core on every page visited.

The demo expert (probationary on the Paris list) reads and comments their record, records a
training (a wrong entry first: refused at the field, nothing lost), starts a réinscription that
comes prefilled and files it; the instructor reads the same record and the hours against the
court's expectation, cannot refuse before stating the reasons envisaged, states them; the expert
answers from the link of the mail; the commission refuses, and the notice carries the recourse.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from justexpert.candidatures.models import Candidature, Etat, TypeCandidature, TypePiece

from .conftest import VerificateurAxe, nouvelle_page, ouvrir_courriel
from .test_candidature import action, deposer_piece
from .test_parcours import se_connecter

pytestmark = pytest.mark.navigateur

EXPERT = "expert@demo.justexpert.fr"
INSTRUCTEUR = "instructeur@demo.justexpert.fr"


def ouvrir_le_dossier(page: Page, base: str, annee: int) -> None:
    se_connecter(page, base, INSTRUCTEUR)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Candidatures à instruire").click()
    page.locator("#f-annee").select_option(str(annee))
    page.get_by_role("button", name="Filtrer").click()
    page.locator("#candidatures-a-instruire").get_by_role("link", name=re.compile("Durand")).click()


def test_expert_files_a_prefilled_reinscription_and_answers_the_reasons_before_the_refusal(
    navigateur: Browser, monde_demo: str, axe: VerificateurAxe
) -> None:
    base = monde_demo
    hier = timezone.localdate() - dt.timedelta(days=1)

    with nouvelle_page(navigateur, nom="reinscription-expert") as page:
        se_connecter(page, base, EXPERT)
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes candidatures").click()
        page.get_by_role("link", name="Mon relevé d'activité").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mon relevé d'activité")
        expect(page.locator("#releve-heures_formation")).to_contain_text("h")
        axe.verifier(page)
        annee = timezone.localdate().year
        page.locator("#releve-mission_refusee summary").last.click()
        page.locator(f"#commentaire-mission_refusee-{annee}").fill("Deux refus pour conflit d'intérêts.")
        page.locator("#releve-mission_refusee").get_by_role(
            "button", name=f"Enregistrer le commentaire « Missions refusées » en {annee}"
        ).click()
        expect(page.get_by_role("status").filter(has_text="Commentaire enregistré")).to_be_visible()
        expect(page.locator("#releve-mission_refusee")).to_contain_text("Deux refus pour conflit d'intérêts.")
        axe.verifier(page)

        page.get_by_role("link", name="Mes formations").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes formations")
        axe.verifier(page)
        page.locator("#id_intitule").fill("Expertise et procédure civile")
        page.locator("#id_organisme").fill("Compagnie des experts de Paris")
        page.locator("#id_jour").fill(hier.isoformat())
        page.locator("#id_heures").fill("0")
        page.locator("#id_nature").select_option("procedure")
        page.locator("#id_fichier").set_input_files(
            {"name": "attestation.txt", "mimeType": "text/plain", "buffer": b"Attestation\n"}
        )
        page.get_by_role("button", name="Enregistrer la formation").click()
        expect(page.locator("main")).to_contain_text("Le nombre d'heures doit être supérieur à zéro.")
        expect(page.locator("#id_intitule")).to_have_value("Expertise et procédure civile")  # nothing lost
        axe.verifier(page)
        page.locator("#id_heures").fill("4,5")
        page.locator("#id_fichier").set_input_files(
            {"name": "attestation.txt", "mimeType": "text/plain", "buffer": b"Attestation\n"}
        )
        page.get_by_role("button", name="Enregistrer la formation").click()
        expect(
            page.get_by_role("status").filter(has_text="Formation « Expertise et procédure civile » enregistrée")
        ).to_be_visible()
        expect(page.locator("main")).to_contain_text(re.compile(r"4[,.]5 h"))

        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes candidatures").click()
        page.get_by_text("Réinscription", exact=True).click()
        page.get_by_role("button", name="Commencer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Réinscription")
        expect(page.locator("#id_experience_judiciaire")).to_have_value(re.compile("Activité enregistrée sur la plateforme"))
        expect(page.locator("#id_formations")).to_have_value(
            re.compile("Expertise et procédure civile, Compagnie des experts de Paris")
        )
        axe.verifier(page)
        page.locator("#id_activites").fill("Bureau d'études depuis 2005.")
        page.locator("#id_motivation").fill("Poursuivre mes missions auprès de la cour.")
        page.locator("#id_declaration_honneur").check(force=True)
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        for type_piece in (
            TypePiece.LETTRE_MOTIVATION,
            TypePiece.IDENTITE,
            TypePiece.JUSTIFICATIF_ACTIVITE,
            TypePiece.JUSTIFICATIF_ADRESSE,
            TypePiece.COMPTES_RENDUS,
        ):
            deposer_piece(page, type_piece, f"{type_piece}.txt")
        page.get_by_role("button", name="Déposer la candidature").click()
        page.get_by_role("button", name="Confirmer : déposer la candidature").click()
        expect(page.locator("#etat-candidature")).to_have_text("Déposée")
        expect(page.locator("#table-releve")).to_contain_text("Deux refus pour conflit d'intérêts.")
        axe.verifier(page)

    c = Candidature.objects.get(candidat__email=EXPERT, type=TypeCandidature.REINSCRIPTION)
    with nouvelle_page(navigateur, nom="reinscription-instructeur") as page:
        ouvrir_le_dossier(page, base, c.annee_liste)
        expect(page.locator("#table-releve")).to_contain_text("Deux refus pour conflit d'intérêts.")
        expect(page.locator("#heures-formation").locator("xpath=following-sibling::ul[1]")).to_contain_text(
            "attendues par Cour d'appel de Paris"
        )
        axe.verifier(page)
        action(page, "Passer en instruction")
        action(page, "Enregistrer l'avis du parquet", "Avis favorable.", "enregistrer_avis_parquet")
        action(page, "Enregistrer l'avis de la commission", "Formation en procédure insuffisante.", "enregistrer_avis_commission")
        expect(page.locator("#refus-empeche")).to_contain_text("communiquez au candidat les motifs de refus envisagés")
        expect(page.get_by_role("button", name="Enregistrer la décision : refusée…")).to_be_disabled()
        axe.verifier(page)
        action(
            page,
            "Communiquer les motifs de refus envisagés…",
            "Une seule formation en procédure sur la période.",
            "enoncer_motifs",
        )
        expect(page.locator("#etat-candidature")).to_have_text("Motifs de refus envisagés communiqués au candidat")
        expect(page.locator("#refus-empeche")).to_contain_text("peut répondre aux motifs envisagés jusqu'au")
        axe.verifier(page)

    with nouvelle_page(navigateur, nom="reinscription-reponse") as page:
        se_connecter(page, base, EXPERT)
        ouvrir_courriel(page, EXPERT, "#motifs-envisages")
        expect(page.locator("#motifs-envisages")).to_contain_text("Une seule formation en procédure")
        expect(page.locator("#motifs-envisages")).to_contain_text("heure de Paris")
        axe.verifier(page)
        action(
            page,
            "Répondre aux motifs envisagés…",
            "J'ai suivi une seconde formation cette année, attestation au registre.",
            "repondre_motifs",
        )
        expect(page.locator("#motifs-envisages")).to_contain_text("J'ai suivi une seconde formation")
        axe.verifier(page)

    with nouvelle_page(navigateur, nom="reinscription-decision") as page:
        ouvrir_le_dossier(page, base, c.annee_liste)
        expect(page.locator("#motifs-envisages")).to_contain_text("J'ai suivi une seconde formation")
        action(page, "Enregistrer la décision : refusée…", "Formation en procédure insuffisante sur la période.", "refuser")
        expect(page.locator("#etat-candidature")).to_have_text("Refusée")
        expect(page.locator("#voies-de-recours")).to_contain_text("Cour de cassation")
        expect(page.locator("#voies-de-recours")).to_contain_text("le délai expire le")
        axe.verifier(page)

    assert Candidature.objects.get(pk=c.pk).etat == Etat.REFUSEE
