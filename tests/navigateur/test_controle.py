"""The judge of the control's journey (issue 26): the dashboard of the court, a batch reminder
confirmed then acknowledged by the expert in the case, the per-expert summary, the statistics
(with data, and a period without) and the Ministry's open data. axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from justexpert.controle import faits
from justexpert.frais.demo import RG

from .conftest import VerificateurAxe, hors_boucle
from .test_parcours import champ, se_connecter

pytestmark = pytest.mark.navigateur


def test_control_judge_reminds_the_expert_who_acknowledges(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    hors_boucle(faits.reconstruire)
    se_connecter(page, monde_demo, "magistrat@demo.justexpert.fr")
    page.goto(f"{monde_demo}/controle/")
    axe.verifier(page)
    page.get_by_role("link", name="Tribunal judiciaire de Paris").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contrôle des expertises — Tribunal judiciaire de Paris")
    axe.verifier(page)
    # A bad filter is refused at its field.
    champ(page, r"Sans activité depuis \(jours\)").fill("0")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Indiquez au moins 1 jour.")).to_be_visible()
    axe.verifier(page)
    champ(page, r"Sans activité depuis \(jours\)").fill("")
    page.get_by_role("button", name="Filtrer").click()
    # Tick the demo case, write the reminder, confirm.
    page.get_by_label(f"Relancer l'expert de l'expertise RG {RG}").check(force=True)
    expect(page.get_by_label(f"Relancer l'expert de l'expertise RG {RG}")).to_be_checked()
    champ(page, "Message de la relance").fill("Merci d'indiquer où en sont les opérations.")
    page.get_by_role("button", name="Relancer les experts des expertises cochées").click()
    expect(page.get_by_text("ne pourra pas être retirée")).to_be_visible()
    axe.verifier(page)
    page.get_by_role("button", name="Envoyer la relance").click()
    expect(page.get_by_text("Relance envoyée : 1 message(s) écrit(s) dans 1 expertise(s).")).to_be_visible()
    ligne = page.get_by_role("row").filter(has_text=f"RG {RG}")
    expect(ligne).to_contain_text("1 relance(s), 0 accusée(s)")
    axe.verifier(page)
    page.get_by_role("link", name="Synthèse par expert").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Synthèse par expert")
    axe.verifier(page)
    page.get_by_role("link", name="Retour au tableau de bord").click()
    page.get_by_role("link", name="Statistiques", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistiques des expertises — Tribunal judiciaire de Paris")
    expect(page.get_by_text("Chiffres arrêtés au")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    axe.verifier(page)
    champ(page, "Du").fill("2001-01-01")
    champ(page, "Au").fill("2001-12-31")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Aucune donnée pour cette période : aucune expertise")).to_be_visible()
    axe.verifier(page)

    page.get_by_role("button", name="Se déconnecter").click()
    se_connecter(page, monde_demo, "expert@demo.justexpert.fr")
    page.locator("#a-faire a").filter(has_text=f"RG {RG} : relance du juge chargé du contrôle").first.click()
    expect(page.get_by_text("Merci d'indiquer où en sont les opérations.")).to_be_visible()
    axe.verifier(page)
    page.get_by_role("button", name="Accuser réception de cette relance").click()
    expect(page.get_by_text("Vous avez accusé réception de la relance.")).to_be_visible()
    expect(page.get_by_text("Réception accusée le")).to_be_visible()
    axe.verifier(page)


def test_ministry_statistics_and_open_data(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    hors_boucle(faits.reconstruire)
    se_connecter(page, monde_demo, "admin@demo.justexpert.fr")
    page.goto(f"{monde_demo}/controle/statistiques/")
    axe.verifier(page)
    page.get_by_role("link", name="Ensemble des juridictions").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ensemble des juridictions")
    axe.verifier(page)
    page.get_by_role("link", name="Autres statistiques").click()
    page.get_by_role("link", name="Données ouvertes (agrégats anonymes avec secret statistique)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Données ouvertes")
    axe.verifier(page)
