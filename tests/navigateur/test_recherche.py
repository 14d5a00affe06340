"""Magistrat journey 1 and expert journey 4 (PARCOURS.md): find an expert, solicit, get a yes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import VerificateurAxe, nouvelle_page
from .test_parcours import champ, se_connecter

pytestmark = pytest.mark.navigateur


def test_magistrate_finds_solicits_and_sees_the_expert_accept(
    page: Page, navigateur: Browser, monde_demo: str, axe: VerificateurAxe
) -> None:
    base = monde_demo
    se_connecter(page, base, "magistrat@demo.justexpert.fr")
    page.get_by_role("link", name="Trouver un expert").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver un expert")
    axe.verifier(page)

    page.get_by_label("La mission, en vos mots").fill("Fuites et FISSURES du bassin d'une piscine enterrée")
    page.get_by_role("button", name="Rechercher").click()
    carte = page.locator(".fr-card", has_text="DURAND Alix")
    expect(carte).to_contain_text("Pertinence")
    expect(carte).to_contain_text("Proximité")
    # The name first, then what it holds, then the reasons and the box to tick (DSFR orders a
    # card's content: the reasons sit in its « end » block, below the title).
    hauteurs = [
        carte.locator(s).first.bounding_box()["y"]  # type: ignore[index]
        for s in (".fr-card__title", ".fr-card__desc", "ul", ".fr-checkbox-group")
    ]
    assert hauteurs == sorted(hauteurs), hauteurs
    axe.verifier(page)

    carte.get_by_text("Solliciter DURAND Alix").click()  # the DSFR label covers its checkbox
    page.get_by_role("button", name="Solliciter les experts cochés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solliciter des experts")
    axe.verifier(page)
    page.get_by_label("Résumé de la mission").fill(
        "Piscine enterrée : fuites du bassin, fissures de la plage. Chiffrer les reprises."
    )
    champ(page, "Type de procédure").select_option(label="Procédure civile (autre que référé)")
    champ(page, "Date attendue du dépôt du rapport").fill("2099-06-30")
    page.get_by_label("Réponse attendue au plus tard le").fill("2099-01-31")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demande aux experts")
    ligne = page.locator("#reponses tbody tr", has_text="DURAND Alix")
    expect(ligne).to_contain_text("En attente de réponse")
    axe.verifier(page)

    with nouvelle_page(navigateur, nom="expert-repond") as expert:
        se_connecter(expert, base, "expert@demo.justexpert.fr")
        expect(expert.get_by_text(re.compile("Répondre à la sollicitation")).first).to_be_visible()
        axe.verifier(expert)
        expert.get_by_role("link", name="Mes sollicitations").first.click()
        axe.verifier(expert)
        expert.get_by_role("row", name=re.compile("Procédure civile")).get_by_role("link").click()
        expect(expert.get_by_text("fissures de la plage")).to_be_visible()
        axe.verifier(expert)
        expert.get_by_text("J'accepte la mission").click()
        expert.get_by_role("button", name="Envoyer ma réponse").click()
        expect(expert.get_by_text("Votre réponse a été transmise")).to_be_visible()
        axe.verifier(expert)
        assert not expert.erreurs_console  # type: ignore[attr-defined]

    # The request page refreshes itself: no reload.
    expect(ligne).to_contain_text("Acceptée", timeout=15_000)
    expect(page.locator("#actualisation")).to_contain_text("Tous les experts ont répondu")
    axe.verifier(page)
    assert not page.erreurs_console  # type: ignore[attr-defined]
