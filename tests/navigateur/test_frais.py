"""Greffier and expert journeys of the provision (PARCOURS.md, magistrat/greffier 2, expert 5): the
greffe records the payments the régie received, from the tableau de bord to the « Frais » tab; once
the provision is complete, the expert reads « vous pouvez commencer ». axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from justexpert.frais.demo import RG

from .conftest import VerificateurAxe
from .test_parcours import champ, se_connecter

pytestmark = pytest.mark.navigateur
A = "Syndicat des copropriétaires du 8 rue Oberkampf (demandeur)"
B = "SARL Étanche (défendeur)"


def _verser(page: Page, axe: VerificateurAxe, montant: str, payeur: str, reference: str, pour: str | None = None) -> None:
    page.get_by_role("link", name="Enregistrer un versement").click()
    axe.verifier(page)
    champ(page, r"Montant reçu par la régie \(€\)").fill(montant)
    champ(page, "Date du versement").fill(
        page.evaluate("() => new Date().toLocaleDateString('sv-SE', {timeZone: 'Europe/Paris'})")
    )
    champ(page, "Versé par").select_option(label=payeur)
    if pour:
        page.get_by_label(re.compile("Pour le compte de")).select_option(label=pour)
    champ(page, "Référence du versement à la régie").fill(reference)
    page.get_by_role("button", name="Enregistrer le versement").click()
    # Irreversible: the amount, payer and reference are stated in words before it is written.
    expect(page.get_by_text("ne pourra pas être supprimé")).to_be_visible()
    axe.verifier(page)
    page.get_by_role("button", name="Confirmer : enregistrer le versement").click()
    expect(page.get_by_text("Le versement est enregistré.")).to_be_visible()


def test_greffe_records_payments_and_the_expert_may_start(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    se_connecter(page, monde_demo, "greffier@demo.justexpert.fr")
    # The tableau de bord lists the provision awaited, with what remains.
    element = page.locator("#a-faire a").filter(has_text=f"RG {RG} : provision — versements à enregistrer")
    expect(element).to_contain_text("2\u202f100,00")
    axe.verifier(page)
    element.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Frais — RG {RG}")
    expect(page.locator("#grand-livre")).to_contain_text("SARL Étanche")
    axe.verifier(page)
    # A wrong amount is refused at its field; nothing is recorded.
    page.get_by_role("link", name="Enregistrer un versement").click()
    champ(page, r"Montant reçu par la régie \(€\)").fill("-20")
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.get_by_text("Le montant doit être positif.")).to_be_visible()
    axe.verifier(page)
    page.get_by_role("link", name="Retour aux frais de l'expertise").click()
    # Party A's second instalment, then A pays B's share in its place.
    _verser(page, axe, "900,00", A, "REGIE-2026-0002")
    expect(page.locator(".fr-callout")).to_contain_text("reste à verser : 1\u202f200,00")
    _verser(page, axe, "1 200,00", A, "REGIE-2026-0003", pour=B)
    expect(page.get_by_text("La provision est complète : la consignation est constatée.")).to_be_visible()
    expect(page.locator(".fr-callout")).to_contain_text("Provision complète")
    axe.verifier(page)
    page.get_by_role("button", name="Se déconnecter").click()
    # The expert is told to start: on the tableau de bord, and on the « Frais » tab of the case.
    se_connecter(page, monde_demo, "expert@demo.justexpert.fr")
    element = page.locator("#a-faire a").filter(has_text=f"RG {RG} : provision complète — vous pouvez commencer")
    expect(element).to_be_visible()
    axe.verifier(page)
    element.click()
    expect(page.locator("#vous-pouvez-commencer")).to_contain_text("vous pouvez commencer les opérations")
    axe.verifier(page)
    page.get_by_role("link", name="Procédure et documents").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("État : Opérations en cours"))).to_be_visible()


def test_magistrate_taxes_the_fee_request(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    """Magistrat journey (Frais 2): from the tableau de bord to the ordonnance de taxe, side by side
    view, bad amounts refused at the field, the confirmation in words, the sealed ordonnance."""
    from justexpert.frais.demo import RG_TAXE

    se_connecter(page, monde_demo, "magistrat@demo.justexpert.fr")
    element = page.locator("#a-faire a").filter(has_text=f"RG {RG_TAXE} : ordonnance de taxe à rendre")
    expect(element).to_be_visible()
    axe.verifier(page)
    element.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rémunération de l'expert")
    expect(page.locator("#cote-a-cote")).to_contain_text("Demandé")
    expect(page.locator("#cote-a-cote")).to_contain_text("Consigné")
    expect(page.locator("#delais")).to_contain_text("délai écoulé")
    axe.verifier(page)
    page.get_by_role("link", name="Rendre l'ordonnance de taxe").click()
    axe.verifier(page)
    champ(page, r"Rémunération fixée \(€\)").fill("1500,255")
    page.get_by_role("button", name="Rendre l'ordonnance").click()
    expect(page.get_by_text("Deux décimales au plus (les centimes).")).to_be_visible()
    axe.verifier(page)
    # Less than asked: the expert must be invited first (nothing recorded).
    champ(page, r"Rémunération fixée \(€\)").fill("1000")
    page.get_by_role("button", name="Rendre l'ordonnance").click()
    page.get_by_role("button", name="Confirmer : rendre l'ordonnance").click()
    expect(page.get_by_text("invitez l'expert à présenter ses observations")).to_be_visible()
    # The amount asked: confirmed in words, then rendered and sealed.
    champ(page, r"Rémunération fixée \(€\)").fill("1 991,28")
    page.get_by_role("button", name="Rendre l'ordonnance").click()
    expect(page.get_by_text("Rendre l'ordonnance de taxe ?")).to_be_visible()
    axe.verifier(page)
    page.get_by_role("button", name="Confirmer : rendre l'ordonnance").click()
    expect(page.get_by_text("L'ordonnance de taxe est rendue")).to_be_visible()
    expect(page.locator("#ordonnance")).to_contain_text("1\u202f991,28")
    expect(page.locator("#cloture-empechee")).to_contain_text("n'est pas soldé")
    axe.verifier(page)
