"""Journeys of PARCOURS.md through a real browser, with axe-core on every page visited.

Each test starts from the demo world (`manage.py charger_demo`) served by the live server; every
page is checked for serious or critical accessibility violations (RGAA).
"""

from __future__ import annotations

import re

import pyotp
import pytest
from django.conf import settings
from playwright.sync_api import Browser, Locator, Page, expect

from justexpert.comptes.models import Organisation, Role, Utilisateur
from justexpert.comptes.services import creer_compte
from justexpert.portail.management.commands.charger_demo import COMPTES
from justexpert.portail.views import COMPTES_DEMO, MOT_DE_PASSE_DEMO

from .conftest import VerificateurAxe, nouvelle_page

pytestmark = pytest.mark.navigateur

PAGES_PIED = ["Mentions légales", "Données personnelles", "Accessibilité : partiellement conforme"]
LIBELLES_ROLES = dict(Role.choices)


def cartes_attendues(email: str) -> list[tuple[str, str]]:
    """(role label, organisation or "À titre personnel") of each card of a demo account."""
    roles = next(r for e, _p, _n, r in COMPTES if e == email)
    cartes = []
    for role, code_org, _habs in roles:
        org = str(Organisation.objects.get(code=code_org)) if code_org else "À titre personnel"
        cartes.append((LIBELLES_ROLES[role], org))
    return cartes


def champ(page: Page, libelle: str) -> Locator:
    """The field whose label is exactly ``libelle`` (the DSFR adds " *" to required ones; a regular
    expression sees the label's raw text, leading whitespace included).

    ``libelle`` is used as a regular expression as is: ``re.escape`` would escape the spaces, which
    the JavaScript engine refuses in a unicode pattern.
    """
    return page.get_by_label(re.compile(rf"^\s*{libelle}\W*$"))


def se_connecter(page: Page, base: str, email: str, mot_de_passe: str = MOT_DE_PASSE_DEMO) -> None:
    page.goto(f"{base}/connexion/")
    champ(page, "Adresse électronique").fill(email)
    champ(page, "Mot de passe").fill(mot_de_passe)
    page.locator("main").get_by_role("button", name="Se connecter").click()


def test_home_page_shows_the_demo_logins(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    page.goto(f"{monde_demo}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Justexpert")
    expect(page.locator("#mot-de-passe-demo")).to_have_text(MOT_DE_PASSE_DEMO)
    tableau = page.locator("#comptes-demo")
    for email, role in COMPTES_DEMO:
        expect(tableau.get_by_role("row").filter(has_text=email)).to_contain_text(role)
    axe.verifier(page)
    page.locator("main").get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    axe.verifier(page)
    assert page.erreurs_console == []  # type: ignore[attr-defined]


def test_each_demo_role_lands_on_its_tableau_de_bord(
    navigateur: Browser, monde_demo: str, axe: VerificateurAxe, subtests: pytest.Subtests
) -> None:
    # One demo world for the ten accounts (a flush per account costs more than the journeys on
    # PostgreSQL); each account gets its own browser context and is reported as its own subtest.
    for email, _role in COMPTES_DEMO:
        with subtests.test(msg=email), nouvelle_page(navigateur, nom=email) as page:
            parcourir_role(page, monde_demo, axe, email)


def parcourir_role(page: Page, base: str, axe: VerificateurAxe, email: str) -> None:
    se_connecter(page, base, email)
    expect(page).to_have_url(f"{base}/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.locator("#a-faire")).to_be_visible()
    for role, organisation in cartes_attendues(email):
        carte = page.locator(".fr-card").filter(has=page.get_by_role("heading", level=3, name=role, exact=True))
        expect(carte).to_contain_text(organisation)
    axe.verifier(page)

    menu = page.get_by_role("navigation", name="Menu principal")
    entrees = [(lien.inner_text().strip(), lien.get_attribute("href")) for lien in menu.get_by_role("link").all()]
    libelles = [libelle for libelle, _href in entrees]
    assert "Tableau de bord" in libelles and "Mon compte" in libelles
    assert ("Administration" in libelles) == (email == "admin@demo.justexpert.fr")
    for libelle, href in entrees:
        with page.expect_navigation() as navigation:
            menu.get_by_role("link", name=libelle, exact=True).click()
        reponse = navigation.value
        assert reponse is not None and reponse.ok, f"{libelle} ({href}) : {reponse and reponse.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if page.url == f"{base}{href}":  # some entries redirect to the person's own object
            expect(menu.get_by_role("link", name=libelle, exact=True)).to_have_attribute("aria-current", "page")
        axe.verifier(page)

    pied = page.get_by_role("contentinfo")
    for libelle in PAGES_PIED:
        pied.get_by_role("link", name=libelle).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        axe.verifier(page)
    assert page.erreurs_console == []  # type: ignore[attr-defined]


def test_wrong_password_shows_the_error_next_to_the_form(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    se_connecter(page, monde_demo, "expert@demo.justexpert.fr", "pas-le-bon-mot-de-passe")
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    formulaire = page.locator("main form")
    expect(formulaire).to_contain_text("Adresse électronique ou mot de passe incorrect.")
    # What was typed is kept (PARCOURS.md: nothing typed is lost), except the password.
    expect(champ(page, "Adresse électronique")).to_have_value("expert@demo.justexpert.fr")
    axe.verifier(page)


def test_admin_creates_a_staff_account_and_the_mail_reaches_the_demo_mailbox(
    page: Page, monde_demo: str, axe: VerificateurAxe
) -> None:
    se_connecter(page, monde_demo, "admin@demo.justexpert.fr")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration des comptes")
    page.get_by_role("link", name="Créer un compte").click()
    expect(page).to_have_url(f"{monde_demo}/administration/comptes/nouveau/")
    axe.verifier(page)

    # Submitted without an organisation first: the French message sits next to the field.
    champ(page, "Prénom").fill("Lou")
    champ(page, "Nom").fill("Fabre")
    champ(page, "Adresse électronique").fill("lou.fabre@justice.example")
    champ(page, "Rôle").select_option(label="Greffier")
    page.get_by_label("Habilitations").locator("..").get_by_text("Instructeur des candidatures", exact=False).click()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Choisissez l'organisation de rattachement pour ce rôle.")).to_be_visible()
    expect(champ(page, "Prénom")).to_have_value("Lou")
    axe.verifier(page)

    tj_paris = str(Organisation.objects.get(code="TJ_PARIS"))
    page.get_by_label("Organisation").select_option(label=tj_paris)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Compte créé")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lou Fabre")
    axe.verifier(page)
    assert Utilisateur.objects.get(email="lou.fabre@justice.example").roles == {Role.GREFFIER}

    page.get_by_role("link", name="Boîte de réception de démonstration").click()
    courriel = page.locator(".fr-card").filter(has_text="À : lou.fabre@justice.example")
    expect(courriel).to_contain_text("Justexpert : votre compte a été créé")
    axe.verifier(page)


def test_new_staff_member_chooses_a_password_from_the_mailed_link(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    creer_compte(
        None,
        acteur=Utilisateur.objects.get(email="admin@demo.justexpert.fr"),
        email="lou.fabre@justice.example",
        prenom="Lou",
        nom="Fabre",
        role=Role.GREFFIER,
        organisation=Organisation.objects.get(code="TJ_PARIS"),
    )
    page.goto(f"{monde_demo}/demo/courriels/")
    courriel = page.locator(".fr-card").filter(has_text="À : lou.fabre@justice.example")
    lien = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+", courriel.inner_text())
    assert lien is not None
    page.goto(lien.group(0).replace(settings.SITE_URL, monde_demo))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un mot de passe")
    axe.verifier(page)
    champs = page.locator("main form input[type=password]")
    champs.nth(0).fill("un-mot-de-passe-solide-2026")
    champs.nth(1).fill("un-mot-de-passe-solide-2026")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    axe.verifier(page)
    se_connecter(page, monde_demo, "lou.fabre@justice.example", "un-mot-de-passe-solide-2026")
    expect(page).to_have_url(f"{monde_demo}/tableau-de-bord/")


def test_expert_enrols_a_second_factor_then_logs_in_with_a_recovery_code(
    page: Page, monde_demo: str, axe: VerificateurAxe
) -> None:
    se_connecter(page, monde_demo, "expert@demo.justexpert.fr")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Activer la double authentification").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    axe.verifier(page)
    secret = page.locator("#cle-totp").inner_text().strip()
    page.get_by_label("Code affiché par votre application").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    axe.verifier(page)
    code_secours = page.locator("#codes-secours li").first.inner_text().strip()

    page.get_by_role("button", name="Se déconnecter").click()
    se_connecter(page, monde_demo, "expert@demo.justexpert.fr")
    expect(page).to_have_url(re.compile(r"/connexion/second-facteur/$"))
    axe.verifier(page)
    page.get_by_label(re.compile("Code à 6 chiffres")).fill(code_secours)
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(f"{monde_demo}/tableau-de-bord/")


def test_logout_ends_the_session(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    se_connecter(page, monde_demo, "magistrat@demo.justexpert.fr")
    expect(page.locator("#utilisateur-connecte")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{monde_demo}/")
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté.")
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    axe.verifier(page)
    page.goto(f"{monde_demo}/tableau-de-bord/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next=/tableau-de-bord/$"))


def test_on_a_phone_the_menu_button_opens_the_menu_and_logs_out(page: Page, monde_demo: str, axe: VerificateurAxe) -> None:
    """The DSFR script runs under the Content-Security-Policy: it opens the menu and copies the tools into it."""
    page.set_viewport_size({"width": 390, "height": 844})
    se_connecter(page, monde_demo, "greffier@demo.justexpert.fr")
    expect(page).to_have_url(f"{monde_demo}/tableau-de-bord/")
    page.get_by_role("button", name="Menu", exact=True).click()
    menu = page.locator("#menu-mobile")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Mon compte", exact=True)).to_be_visible()
    axe.verifier(page)
    menu.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté.")
    assert page.erreurs_console == []  # type: ignore[attr-defined]
