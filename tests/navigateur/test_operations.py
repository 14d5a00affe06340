"""Expert journey of a meeting (ticket 24), from planning to the sealed attendance sheet: the expert
plans an on-site meeting from the « Opérations » tab (a meeting in the past is refused at its
field), reads who is not regularly convened yet, records the registered letter sent, and on the day
of the meeting has the person present sign on his device, then seals the sheet. axe-core on every page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from .conftest import VerificateurAxe, hors_boucle
from .test_parcours import champ, se_connecter

pytestmark = pytest.mark.navigateur
RG = "26/00101"
PARIS = ZoneInfo("Europe/Paris")


def _saisie(jours: int) -> str:
    jour = dt.datetime.now(PARIS).date() + dt.timedelta(days=jours)
    return f"{jour.isoformat()}T14:00"


def _le_jour_venu() -> None:
    """The meeting day comes: the meeting started ten minutes ago (the sheet opens, then seals)."""
    from django.utils import timezone

    from justexpert.operations.models import Reunion

    Reunion.objects.update(debut=timezone.now() - dt.timedelta(minutes=10))


def _feuille_scellee() -> str:
    from justexpert.coffre import services as coffre
    from justexpert.operations.models import Reunion
    from justexpert.preuves import signatures

    r = Reunion.objects.get()
    with coffre.lecteur(r.feuille) as lecteur:
        return signatures.verifier_pdf(lecteur.read()).statut


def test_a_meeting_from_planning_to_the_sealed_attendance_sheet(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    se_connecter(page, monde_demo, "expert@demo.justexpert.fr")
    page.goto(f"{monde_demo}/expertises/")
    page.get_by_role("link", name=re.compile(r"26.00101")).first.click()
    page.get_by_role("link", name="Opérations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Opérations — RG {RG}")
    axe.verifier(page)
    page.get_by_role("link", name="Prévoir une réunion").click()
    axe.verifier(page)
    # A meeting in the past is refused at its field; nothing is recorded.
    champ(page, r"Date et heure de la réunion \(heure de Paris\)").fill(_saisie(-2))
    page.locator("#id_lieu").fill("8 rue Oberkampf, Paris 11e")
    page.get_by_role("button", name="Prévoir la réunion et convoquer").click()
    expect(page.get_by_text("La réunion doit avoir lieu dans le futur.")).to_be_visible()
    axe.verifier(page)
    champ(page, r"Date et heure de la réunion \(heure de Paris\)").fill(_saisie(12))
    page.locator("#id_ordre_du_jour").fill("Visite du pavillon, examen des fissures.")
    page.get_by_role("button", name="Prévoir la réunion et convoquer").click()
    expect(page.get_by_text("La réunion est prévue")).to_be_visible()
    expect(page.locator("#avertissements")).to_contain_text("SCI Les Tilleuls")
    expect(page.locator("#convocations")).to_contain_text("Lettre recommandée avec avis de réception")
    axe.verifier(page)
    # The registered letter to the party without an account is posted.
    page.locator("#convocations tr").filter(has_text="partie (demandeur)").get_by_role("link", name="Enregistrer l'envoi").click()
    page.locator("#id_numero_suivi").fill("1A 123 456 789 01")
    page.locator("#id_envoyee_le").fill(dt.datetime.now(PARIS).date().isoformat())
    axe.verifier(page)
    page.get_by_role("button", name="Enregistrer l'envoi").click()
    expect(page.get_by_text("L'envoi de la lettre à SCI Les Tilleuls est enregistré.")).to_be_visible()
    expect(page.locator("#convocations")).to_contain_text("1A12345678901")
    # The day of the meeting: the person present signs on the expert's device.
    hors_boucle(_le_jour_venu)
    page.reload()
    formulaire = page.locator("#signer")
    formulaire.get_by_label("Personne convoquée").select_option(label="SCI Les Tilleuls (partie (demandeur))")
    page.locator("#id_nom").fill("Jeanne Tilleul")
    page.locator("#id_represente").fill("SCI Les Tilleuls")
    page.locator("#id_certifie").check(force=True)
    axe.verifier(page)
    page.get_by_role("button", name="Signer la feuille de présence").click()
    expect(page.get_by_text("La feuille de présence est signée pour cette personne.")).to_be_visible()
    expect(page.locator("#presences")).to_contain_text("Jeanne Tilleul")
    # Sealing is irreversible: the consequence is stated before.
    page.get_by_role("button", name="Clore et sceller la feuille de présence").click()
    expect(page.get_by_text("ne pourra plus changer")).to_be_visible()
    axe.verifier(page)
    page.get_by_role("button", name="Confirmer : sceller la feuille").click()
    expect(page.get_by_text("La feuille de présence est scellée.")).to_be_visible()
    expect(page.get_by_role("link", name="télécharger le PDF scellé")).to_be_visible()
    expect(page.locator("#presences")).to_contain_text("Absent")
    axe.verifier(page)
    assert hors_boucle(_feuille_scellee) == "valide"
    # The only console message is the 400 of the refused meeting in the past.
    assert [e for e in page.erreurs_console if "status of 400" not in e] == []  # type: ignore[attr-defined]
