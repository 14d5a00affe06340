"""From the search to the operations, clicking only what the pages show (issue 19): the magistrate
finds an expert and solicits them with the mission typed in the search, the expert accepts, the
magistrate designates that expert from the answer (the mission carried over) without choosing a
greffier; the juridiction's default greffe notifies, records the consignation, and the case reaches
« Opérations en cours ». Apart from the login page, no URL is typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import VerificateurAxe, nouvelle_page
from .test_parcours import champ, se_connecter

pytestmark = pytest.mark.navigateur

MISSION = "Fuites et fissures du bassin d'une piscine enterrée"
RG = "26/04242"


def _a_faire(page: Page, texte: str) -> None:
    """Follow the tableau de bord's « à faire » item containing ``texte``."""
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Tableau de bord").click()
    page.locator("#a-faire").get_by_role("link", name=texte).first.click()


def _etape(page: Page, libelle: str) -> None:
    page.get_by_role("button", name=libelle, exact=True).click()
    expect(page.get_by_text(f"« {libelle} » : c'est fait.")).to_be_visible()


def test_from_the_search_to_operations_without_choosing_a_greffier(
    page: Page, navigateur: Browser, monde_demo: str, axe: VerificateurAxe
) -> None:
    base = monde_demo
    # Magistrate: the search, then the request to the expert with the mission typed in the search.
    se_connecter(page, base, "magistrat@demo.justexpert.fr")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Trouver un expert").click()
    page.get_by_label("La mission, en vos mots").fill(MISSION)
    page.get_by_role("button", name="Rechercher").click()
    page.locator(".fr-card", has_text="DURAND Alix").get_by_text("Solliciter DURAND Alix").click()
    page.get_by_role("button", name="Solliciter les experts cochés").click()
    expect(page.get_by_label("Résumé de la mission")).to_have_value(MISSION)
    champ(page, "Type de procédure").select_option(label="Procédure civile (autre que référé)")
    champ(page, "Date attendue du dépôt du rapport").fill("2099-06-30")
    page.get_by_label("Réponse attendue au plus tard le").fill("2099-01-31")
    page.get_by_role("button", name="Envoyer la demande").click()
    ligne = page.locator("#reponses tbody tr", has_text="DURAND Alix")
    expect(ligne).to_contain_text("En attente de réponse")
    axe.verifier(page)

    # Expert: the request is waiting on the tableau de bord.
    with nouvelle_page(navigateur, nom="designation-expert-repond") as expert:
        se_connecter(expert, base, "expert@demo.justexpert.fr")
        # The demo world has another request waiting: ours is the one due on 31 January 2099.
        expert.locator("#a-faire li", has_text="31/01/2099").get_by_role(
            "link", name=re.compile("Répondre à la sollicitation")
        ).click()
        expect(expert.get_by_text(MISSION)).to_be_visible()
        expert.get_by_text("J'accepte la mission").click()
        expert.get_by_role("button", name="Envoyer ma réponse").click()
        expect(expert.get_by_text("Votre réponse a été transmise")).to_be_visible()

    # Magistrate: the answer arrives on the same page, with the way on to the designation.
    expect(ligne).to_contain_text("Acceptée", timeout=15_000)
    ligne.get_by_role("link", name=re.compile("Désigner cet expert")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Désigner un expert")
    expect(champ(page, "Mission")).to_have_value(MISSION)
    expect(page.get_by_text(re.compile("le greffe par défaut de la juridiction suit l'expertise"))).to_be_visible()
    axe.verifier(page)
    champ(page, "Numéro RG \\(ou numéro de parquet\\)").fill(RG)
    champ(page, "Provision à consigner \\(€\\)").fill("1800")
    champ(page, "Date limite de consignation").fill("2099-02-28")
    page.get_by_label(re.compile("Demandeur")).fill("Syndicat des copropriétaires")
    page.get_by_label(re.compile("Défendeur")).fill("Piscines Azur SARL")
    assert not page.locator("input[name=greffiers]:checked").count()  # no greffier chosen
    page.get_by_role("button", name="Ouvrir l'expertise").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RG)
    expect(page.locator("main")).to_contain_text("(greffier)")  # the default greffe is named on the case
    axe.verifier(page)

    # The default greffe of the court sees it on its tableau de bord and notifies the expert.
    with nouvelle_page(navigateur, nom="designation-greffe") as greffe:
        se_connecter(greffe, base, "greffier@demo.justexpert.fr")
        _a_faire(greffe, f"RG {RG}")
        _etape(greffe, "Notifier la désignation à l'expert")

        with nouvelle_page(navigateur, nom="designation-expert") as expert:
            se_connecter(expert, base, "expert@demo.justexpert.fr")
            _a_faire(expert, f"RG {RG}")
            _etape(expert, "Accepter la mission")
            # Starting is shown, disabled, with what it waits for and who acts.
            demarrer = expert.get_by_role("button", name="Commencer les opérations", exact=True)
            expect(demarrer).to_be_disabled()
            expect(expert.locator("#raison-demarrer")).to_contain_text("La provision n'est pas consignée")
            axe.verifier(expert)

            _a_faire(greffe, f"RG {RG}")
            _etape(greffe, "Inviter les parties à consigner")
            _etape(greffe, "Constater la consignation")
            expect(greffe.get_by_role("heading", name="État : Opérations en cours")).to_be_visible()
            axe.verifier(greffe)

            expert.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Expertises", exact=True).click()
            expert.get_by_role("link", name=RG).first.click()
            expect(expert.get_by_role("heading", name="État : Opérations en cours")).to_be_visible()
            assert not expert.erreurs_console  # type: ignore[attr-defined]
    assert not page.erreurs_console  # type: ignore[attr-defined]
