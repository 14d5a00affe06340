"""Avocat journey (PARCOURS.md): the lawyer keeps the PDF accusé of his deposit and verifies it
logged out, reaching the verification page from the footer; axe-core and 390 px on each page.

Every page is reached by clicking what the previous one shows (no URL typed after the login page).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import VerificateurAxe
from .test_parcours import se_connecter

pytestmark = pytest.mark.navigateur


def test_lawyer_verifies_the_pdf_accuse_of_his_deposit_logged_out(
    page: Page, monde_demo: str, axe: VerificateurAxe, tmp_path: Path
) -> None:
    se_connecter(page, monde_demo, "avocat@demo.justexpert.fr")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Expertises", exact=True).click()
    page.get_by_role("link", name="RG 26/00101").click()
    axe.verifier(page)
    ligne = page.locator("#documents tbody tr").filter(has_text="constat-huissier.txt")
    with page.expect_download() as telechargement:
        ligne.get_by_role("link", name=re.compile(r"^Accusé de dépôt (provisoire )?\(PDF\)")).click()
    accuse = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(accuse)
    assert accuse.suffix == ".pdf" and accuse.read_bytes().startswith(b"%PDF")
    with page.expect_download() as telechargement:
        ligne.get_by_role("link", name="constat-huissier.txt", exact=True).click()
    document = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(document)

    page.get_by_role("button", name="Se déconnecter").click()
    page.locator("footer").get_by_role("link", name="Vérifier un accusé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifier un accusé")
    axe.verifier(page)
    page.get_by_label(re.compile("Accusé")).first.set_input_files(str(accuse))
    page.get_by_label(re.compile("Document concerné")).set_input_files(str(document))
    page.locator("main").get_by_role("button", name=re.compile("Vérifier")).click()
    resultat = page.locator("main")
    expect(resultat).to_contain_text("Cet accusé est authentique")
    expect(resultat).to_contain_text("heure de Paris")
    expect(resultat).to_contain_text("Le document que vous avez fourni est exactement celui de cet accusé")
    # Words first: the technical lines stay folded until asked for.
    expect(page.locator("main details").first).not_to_have_attribute("open", "")
    axe.verifier(page)
    assert not page.erreurs_console  # type: ignore[attr-defined]
