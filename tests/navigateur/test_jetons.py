"""Journey: an expert creates a personal API token from « Mon compte », copies it, and revokes it
through the DSFR confirmation dialog (issue 18, item 5); axe-core on every page and on the dialog."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from .conftest import VerificateurAxe
from .test_parcours import se_connecter

pytestmark = pytest.mark.navigateur


def statut_api(base: str, secret: str) -> int:
    """The API answer to the token alone (no browser cookie: the session would authenticate too)."""
    requete = urllib.request.Request(f"{base}/api/v1/comptes/moi", headers={"Authorization": f"Bearer {secret}"})  # noqa: S310 (live server)
    try:
        with urllib.request.urlopen(requete, timeout=30) as reponse:  # noqa: S310 (live server)
            return reponse.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_an_expert_creates_a_token_then_revokes_it_after_confirming(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    se_connecter(page, monde_demo, "expert@demo.justexpert.fr")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Gérer mes jetons d'accès à l'API").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes jetons d'accès à l'API")
    axe.verifier(page)

    page.get_by_label(re.compile(r"^\s*Nom du jeton")).fill("Logiciel du cabinet")
    page.get_by_role("button", name="Créer le jeton").click()
    secret = page.locator("#secret-jeton").inner_text().strip()
    assert secret.startswith("je_")
    axe.verifier(page)
    assert statut_api(monde_demo, secret) == 200

    page.goto(page.url)  # shown once: not on the page any more
    expect(page.locator("#secret-jeton")).to_have_count(0)
    page.get_by_role("button", name=re.compile("Révoquer le jeton « Logiciel du cabinet »")).click()
    dialogue = page.get_by_role("dialog", name="Révoquer le jeton « Logiciel du cabinet » ?")
    expect(dialogue).to_be_visible()
    axe.verifier(page)
    dialogue.get_by_role("button", name="Annuler").click()
    expect(dialogue).to_be_hidden()
    assert statut_api(monde_demo, secret) == 200

    page.get_by_role("button", name=re.compile("Révoquer le jeton « Logiciel du cabinet »")).click()
    dialogue.get_by_role("button", name="Révoquer le jeton").click()
    expect(page.get_by_role("status")).to_contain_text("Le jeton « Logiciel du cabinet » est révoqué")
    axe.verifier(page)
    assert statut_api(monde_demo, secret) == 401
    assert page.erreurs_console == []  # type: ignore[attr-defined]
