"""Journey PLEX (PARCOURS.md, agent 1 and invité 2) in a real browser, axe-core on every page:
an agent creates a folder and invites a person; the person opens the mailed link, creates an
account, enrols a second factor, downloads the agent's file and answers with a file of their own;
the agent downloads it and sees the trace."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import VerificateurAxe, nouvelle_page, ouvrir_courriel
from .test_parcours import champ, se_connecter

pytestmark = pytest.mark.navigateur

AGENT = "agent@demo.justexpert.fr"
INVITEE = "enqueteur.prive@exemple.fr"
MDP = "un-mot-de-passe-pour-la-demo"


def deposer(page: Page, nom: str, contenu: bytes) -> None:
    page.get_by_label(re.compile(r"^\s*Fichier")).set_input_files({"name": nom, "mimeType": "text/plain", "buffer": contenu})
    page.get_by_role("button", name="Déposer", exact=True).click()
    expect(page.get_by_role("status").filter(has_text=f"« {nom} » est déposé")).to_be_visible()


def telecharger(page: Page, nom: str) -> bytes:
    with page.expect_download() as attente:
        page.get_by_role("link", name=nom, exact=True).click()
    chemin = attente.value.path()
    with open(chemin, "rb") as fichier:
        return fichier.read()


def test_agent_invites_a_person_who_enrols_downloads_and_answers(
    navigateur: Browser, monde_demo: str, axe: VerificateurAxe
) -> None:
    base = monde_demo
    with nouvelle_page(navigateur, nom="echange-agent") as agent:
        se_connecter(agent, base, AGENT)
        agent.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Échanges").click()
        axe.verifier(agent)
        agent.get_by_role("link", name="Créer un échange").click()
        axe.verifier(agent)
        agent.get_by_label(re.compile(r"^\s*Titre de l'échange")).fill("Expertise comptable SARL Dupont")
        agent.locator("label[for=id_matiere_0]").click()  # DSFR radios: the label takes the click
        agent.get_by_role("button", name=re.compile("Créer")).click()
        expect(agent.get_by_role("status").filter(has_text="L'échange est créé")).to_be_visible()
        axe.verifier(agent)
        agent.get_by_label(re.compile(r"^\s*Adresse électronique de la personne invitée")).fill(INVITEE)
        agent.get_by_role("button", name="Envoyer l'invitation").click()
        expect(agent.get_by_role("status").filter(has_text=f"Invitation envoyée à {INVITEE}")).to_be_visible()
        agent.get_by_role("link", name=re.compile("Retour")).first.click()
        expect(agent.get_by_role("heading", level=1)).to_contain_text("Expertise comptable SARL Dupont")
        deposer(agent, "ordonnance.txt", b"Ordonnance de mission\n")
        axe.verifier(agent)
        dossier = agent.url

    with nouvelle_page(navigateur, nom="echange-invite") as invite:
        invite.goto(f"{base}/")  # the person starts from the platform's address, then the mail
        ouvrir_courriel(invite, INVITEE, "/invitation/")
        expect(invite.get_by_role("heading", level=1)).to_have_text("Invitation")
        axe.verifier(invite)
        champ(invite, "Prénom").fill("Camille")
        champ(invite, "Nom").fill("Enquêteur")
        invite.get_by_label(re.compile(r"^\s*Mot de passe")).fill(MDP)
        champ(invite, "Confirmez le mot de passe").fill(MDP)
        invite.get_by_role("button", name="Créer mon compte et accepter").click()
        # No folder before a second factor is enrolled.
        expect(invite.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
        axe.verifier(invite)
        secret = invite.locator("#cle-totp").inner_text().strip()
        champ(invite, "Code affiché par votre application").fill(pyotp.TOTP(secret).now())
        invite.get_by_role("button", name="Activer").click()
        expect(invite.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
        invite.get_by_role("link", name="Continuer").click()
        expect(invite).to_have_url(dossier)
        axe.verifier(invite)
        assert telecharger(invite, "ordonnance.txt") == b"Ordonnance de mission\n"
        deposer(invite, "rapport-enquete.txt", b"Constatations\n")

    with nouvelle_page(navigateur, nom="echange-agent-retour") as agent:
        se_connecter(agent, base, AGENT)
        agent.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Échanges").click()
        agent.get_by_role("link", name="Expertise comptable SARL Dupont").first.click()
        expect(agent).to_have_url(dossier)
        assert telecharger(agent, "rapport-enquete.txt") == b"Constatations\n"
        agent.get_by_role("link", name="Voir la trace").click()
        expect(agent.get_by_role("heading", level=1)).to_contain_text("Trace de l'échange")
        trace = agent.locator("main")
        expect(trace).to_contain_text("ordonnance.txt")
        expect(trace).to_contain_text("rapport-enquete.txt")
        expect(trace).to_contain_text("Camille Enquêteur")
        axe.verifier(agent)


def test_deposit_form_checks_the_file_then_shows_progress_with_the_button_disabled(
    navigateur: Browser, monde_demo: str, axe: VerificateurAxe
) -> None:
    from justexpert.comptes.models import Organisation, Utilisateur
    from justexpert.echanges import services
    from justexpert.echanges.models import Fichier, Matiere

    agent = Utilisateur.objects.get(email=AGENT)
    echange = services.creer_echange(
        acteur=agent, titre="Envoi suivi", juridiction=Organisation.objects.get(code="TJ_PARIS"), matiere=Matiere.CIVILE
    )
    with nouvelle_page(navigateur, nom="echange-progression") as page:
        se_connecter(page, monde_demo, AGENT)
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Échanges").click()
        page.get_by_role("link", name="Envoi suivi").click()
        bouton = page.get_by_role("button", name="Déposer", exact=True)
        fichier = page.get_by_label(re.compile(r"^\s*Fichier"))
        # A type the platform refuses is stopped in the browser, before any byte is sent.
        fichier.set_input_files({"name": "programme.exe", "mimeType": "application/octet-stream", "buffer": b"MZ" * 10})
        bouton.click()
        expect(page.locator(".fr-error-text")).to_contain_text("Ce type de fichier n'est pas accepté")
        assert not Fichier.objects.filter(echange=echange).exists()
        # A slow connection: progress and the time left are shown, the button cannot be clicked twice.
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 300_000},
        )
        page.get_by_label(re.compile(r"Disponible pendant")).select_option("12")
        fichier.set_input_files(
            {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n" + b"0" * 1_500_000 + b"\n%%EOF\n"}
        )
        bouton.click()
        expect(page.get_by_role("status").filter(has_text="Envoi en cours")).to_be_visible()
        expect(bouton).to_be_disabled()
        expect(page.locator("progress")).to_be_visible()
        expect(page.get_by_role("status").filter(has_text="« rapport.pdf » est déposé")).to_be_visible(timeout=60_000)
        axe.verifier(page)
        assert page.erreurs_console == []  # type: ignore[attr-defined]
    fichier_depose = Fichier.objects.get(echange=echange)
    assert (fichier_depose.disponible_jusqu_au - fichier_depose.depose_le).days == 12
