"""Journey « S'inscrire » and « Instruire les candidatures » (PARCOURS.md, candidat 1-2, magistrat/
greffier 4) through a real browser, with axe-core on every page visited.

A candidate files an inscription initiale with its pieces; the instructor asks for a complement;
the candidate answers from the link of the mail; the decision accepts; the fiche, the directory
and the published list show the new expert.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from justexpert.annuaire.models import ListeAnnuelle
from justexpert.candidatures.models import Candidature, Etat, TypePiece

from .conftest import VerificateurAxe, nouvelle_page, ouvrir_courriel
from .test_parcours import se_connecter

pytestmark = pytest.mark.navigateur

CANDIDAT = "candidat@demo.justexpert.fr"
INSTRUCTEUR = "instructeur@demo.justexpert.fr"


def deposer_piece(page: Page, type_piece: str, nom: str) -> None:
    page.locator("#piece-type").select_option(type_piece)
    page.locator("#piece-fichier").set_input_files({"name": nom, "mimeType": "text/plain", "buffer": f"Pièce {nom}\n".encode()})
    page.get_by_role("button", name="Déposer la pièce").click()
    expect(page.get_by_role("status").filter(has_text=f"« {nom} » déposée")).to_be_visible()


def action(page: Page, bouton: str, texte: str | None = None, champ: str | None = None) -> None:
    if texte is not None and champ is not None:
        page.locator(f"#texte-{champ}").fill(texte)
    page.get_by_role("button", name=bouton).click()
    confirmer = page.get_by_role("button", name=re.compile(r"^Confirmer : "))
    if bouton.endswith("…"):  # a definitive decision: the confirmation page states its consequence first
        expect(page.get_by_text("Cette action est définitive")).to_be_visible()
        confirmer.click()
    expect(page.get_by_role("status").filter(has_text="fait")).to_be_visible()


def test_candidate_files_instructor_asks_complement_decision_accepts(
    navigateur: Browser, monde_demo: str, axe: VerificateurAxe
) -> None:
    base = monde_demo
    annee = timezone.localdate().year + 1

    with nouvelle_page(navigateur, nom="candidature-candidat") as page:
        se_connecter(page, base, CANDIDAT)
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes candidatures").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes candidatures")
        axe.verifier(page)
        page.get_by_text("Inscription initiale sur la liste d'une cour d'appel").click()
        page.get_by_role("button", name="Commencer").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Inscription initiale sur la liste d'une cour d'appel")
        axe.verifier(page)
        page.locator("#id_liste").select_option("PARIS")
        page.locator("#id_specialite").select_option("C.2.8")
        page.locator("#id_annee_liste").select_option(str(annee))
        page.locator("#id_civilite").select_option("M.")
        page.locator("#id_nom").fill("Leroy")
        page.locator("#id_prenom").fill("Sacha")
        page.locator("#id_date_naissance").fill("1975-07-14")
        page.locator("#id_profession").fill("Ingénieur hydraulicien")
        page.locator("#id_adresse_pro").fill("3 quai de la Seine")
        page.locator("#id_code_postal_pro").fill("75019")
        page.locator("#id_ville_pro").fill("Paris")
        page.locator("#id_activites").fill("Bureau d'études, 2000-2026")
        page.locator("#id_motivation").fill("Mettre mon expérience au service de la justice.")
        page.locator("#id_declaration_honneur").check(force=True)
        expect(page.locator("#etat-brouillon")).to_contain_text("Brouillon enregistré")  # autosave
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        expect(page.get_by_role("status").filter(has_text="Brouillon enregistré le")).to_be_visible()
        for type_piece in (
            TypePiece.LETTRE_MOTIVATION,
            TypePiece.IDENTITE,
            TypePiece.DIPLOMES,
            TypePiece.JUSTIFICATIF_ACTIVITE,
            TypePiece.JUSTIFICATIF_ADRESSE,
        ):
            deposer_piece(page, type_piece, f"{type_piece}.txt")
        axe.verifier(page)
        page.get_by_role("button", name="Déposer la candidature").click()
        expect(page.get_by_text("Cette action est définitive")).to_be_visible()  # what depositing means, first
        axe.verifier(page)
        page.get_by_role("button", name="Confirmer : déposer la candidature").click()
        expect(page.locator("#etat-candidature")).to_have_text("Déposée")
        with page.expect_download() as telechargement:
            page.get_by_role("link", name=re.compile(r"^Accusé de dépôt (provisoire )?\(PDF\)")).first.click()
        assert telechargement.value.suggested_filename.startswith("accuse-depot-")
        axe.verifier(page)
        assert page.erreurs_console == []  # type: ignore[attr-defined]

    candidature = Candidature.objects.get(candidat__email=CANDIDAT)
    assert candidature.etat == Etat.DEPOSEE

    with nouvelle_page(navigateur, nom="candidature-instructeur") as page:
        se_connecter(page, base, INSTRUCTEUR)
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Candidatures à instruire").click()
        page.locator("#f-annee").select_option(str(annee))
        page.get_by_role("button", name="Filtrer").click()
        axe.verifier(page)
        page.locator("#candidatures-a-instruire").get_by_role("link", name="Leroy Sacha").click()
        expect(page.locator("#alertes")).to_contain_text("après la date limite")
        axe.verifier(page)
        action(page, "Passer en instruction")
        action(page, "Demander des compléments", "Joignez l'attestation de votre dernière formation.", "demander_complements")
        expect(page.locator("#etat-candidature")).to_have_text("Compléments demandés")
        axe.verifier(page)

    with nouvelle_page(navigateur, nom="candidature-complements") as page:
        se_connecter(page, base, CANDIDAT)
        ouvrir_courriel(page, CANDIDAT, "#message-")  # the mail's link leads to the message
        ancre = page.url[page.url.index("#") :]
        expect(page.locator(ancre)).to_contain_text("Joignez l'attestation")
        axe.verifier(page)
        page.get_by_role("link", name="Modifier et ajouter des pièces").click()
        deposer_piece(page, TypePiece.FORMATIONS, "attestation-formation.txt")
        page.get_by_role("link", name="Voir la candidature").click()
        action(page, "Envoyer les compléments", "L'attestation est jointe.", "apporter_complements")
        expect(page.locator("#etat-candidature")).to_have_text("Compléments apportés")
        axe.verifier(page)

    with nouvelle_page(navigateur, nom="candidature-decision") as page:
        se_connecter(page, base, INSTRUCTEUR)
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Candidatures à instruire").click()
        page.locator("#f-annee").select_option(str(annee))
        page.get_by_role("button", name="Filtrer").click()
        page.locator("#candidatures-a-instruire").get_by_role("link", name="Leroy Sacha").click()
        action(page, "Enregistrer l'avis du parquet", "Avis favorable.", "enregistrer_avis_parquet")
        action(page, "Enregistrer la décision : acceptée…")
        expect(page.locator("#etat-candidature")).to_have_text("Acceptée")
        axe.verifier(page)
        page.get_by_role("link", name=re.compile("Voir la fiche de LEROY Sacha")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("LEROY Sacha")
        expect(page.locator("main")).to_contain_text("C.2.8")
        axe.verifier(page)
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Annuaire des experts").click()
        page.get_by_label(re.compile("^\\s*Nom")).fill("Leroy")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("main")).to_contain_text("LEROY")
        axe.verifier(page)
        page.get_by_role("link", name="Listes annuelles").click()
        page.get_by_label(re.compile("^\\s*Liste")).select_option(label="Cour d'appel de Paris")
        page.get_by_label(re.compile("^\\s*Année")).fill(str(annee))
        page.get_by_role("button", name="Publier").click()
        expect(page.get_by_role("status").filter(has_text="Liste publiée")).to_be_visible()

    assert ListeAnnuelle.objects.filter(liste__code="PARIS", annee=annee).exists()
    with nouvelle_page(navigateur, nom="candidature-liste-publique") as page:
        page.goto(f"{base}/")  # anyone, not logged in: the lists are linked from the home page
        page.get_by_role("link", name=re.compile("Consulter les listes des experts")).click()
        page.get_by_role("link", name=f"{annee} — Cour d'appel de Paris").click()
        expect(page.locator("main")).to_contain_text("LEROY")
        axe.verifier(page)
