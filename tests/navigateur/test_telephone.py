"""On a phone (390 px wide), the tables that matter stay readable: nothing of the main content
scrolls sideways, and the receipts of a case's documents are in sight."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import VerificateurAxe, nouvelle_page
from .test_parcours import se_connecter

pytestmark = pytest.mark.navigateur

LARGEUR = 390


def deborde(page: Page) -> bool:
    """True when the main content is wider than the screen (it would scroll sideways)."""
    return bool(
        page.evaluate("() => { const m = document.querySelector('main'); return m.scrollWidth > window.innerWidth + 1; }")
    )


def test_case_documents_and_lists_fit_a_phone(navigateur: Browser, monde_demo: str, axe: VerificateurAxe) -> None:
    with nouvelle_page(navigateur, nom="telephone") as page:
        page.set_viewport_size({"width": LARGEUR, "height": 844})
        se_connecter(page, monde_demo, "avocat@demo.justexpert.fr")
        page.get_by_role("button", name="Menu").first.click()
        page.get_by_role("dialog").get_by_role("link", name="Expertises", exact=True).click()
        assert not deborde(page)
        page.get_by_role("link", name="RG 26/00101").click()
        lien = page.get_by_role("link", name="Accusé de dépôt (PDF)").first
        lien.scroll_into_view_if_needed()
        expect(lien).to_be_visible()
        boite = lien.bounding_box()
        assert boite is not None and boite["x"] >= 0 and boite["x"] + boite["width"] <= LARGEUR
        assert not deborde(page)
        axe.verifier(page)
