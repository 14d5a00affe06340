"""Expert journey 5, magistrat journey 2-3, avocat journeys 1-2 (PARCOURS.md): from designation to
the ordonnance de taxe with four actors (magistrat, expert, two lawyers), axe-core on every page.

Every page is reached by clicking what the previous one shows (no URL typed after the login
page); the report is signed with the demo card offered on the case page. What the browser cannot do
by itself is done in a thread (``hors_boucle``): enrolling the lawyers (the invitation flow has its
own journey) and moving a deadline into the past instead of waiting for it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.preuves.outils_signature import pdf

from .conftest import VerificateurAxe, hors_boucle, nouvelle_page
from .test_parcours import champ, se_connecter

pytestmark = pytest.mark.navigateur
RG = "26/07777"


def _avocat_b() -> str:
    from justexpert.comptes.models import Role
    from tests.conftest import creer_utilisateur

    creer_utilisateur("avocat.b@demo.justexpert.fr", (Role.AVOCAT, None, []))
    return "avocat.b@demo.justexpert.fr"


def _enroler() -> None:
    from justexpert.comptes import invitations
    from justexpert.comptes.models import Utilisateur
    from justexpert.expertises import participants
    from justexpert.expertises.models import Expertise, Qualite

    e = Expertise.objects.get(numero_rg=RG)
    expert = Utilisateur.objects.get(email="expert@demo.justexpert.fr")
    a, b = list(e.parties.order_by("id"))
    for email, partie in (("avocat@demo.justexpert.fr", a), ("avocat.b@demo.justexpert.fr", b)):
        _inv, lien = participants.inviter_participant(
            acteur=expert, expertise=e, email=email, qualite=Qualite.AVOCAT, partie=partie
        )
        invitations.accepter(None, secret=lien.rstrip("/").rsplit("/", 1)[1], utilisateur=Utilisateur.objects.get(email=email))


def _echu(champ_date: str) -> None:
    from justexpert.expertises.models import Expertise

    Expertise.objects.filter(numero_rg=RG).update(**{champ_date: dt.date(2026, 1, 2)})


def ouvrir_dossier(page: Page) -> None:
    """From any page: the menu's « Expertises », then the case in the list."""
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Expertises", exact=True).click()
    page.get_by_role("link", name=f"RG {RG}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RG)


def _fichier(dossier: Path, nom: str, texte: str) -> Path:
    chemin = dossier / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def _deposer(page: Page, type_: str, fichier: Path, **champs: str) -> None:
    formulaire = page.locator("#deposer")
    formulaire.get_by_label("Type de document").select_option(label=type_)
    for libelle, valeur in champs.items():
        formulaire.get_by_label(re.compile(libelle)).fill(valeur)
    formulaire.get_by_label("Fichier").set_input_files(str(fichier))
    # The upload script sends the form, then reloads the case page with the message.
    with page.expect_navigation():
        formulaire.get_by_role("button", name="Déposer", exact=True).click()
    expect(
        page.get_by_text(re.compile(rf"« {re.escape(type_)}[^»]* » déposé\. Son accusé de dépôt est disponible"))
    ).to_be_visible()


def _action(page: Page, libelle: str, *, definitive: bool = False) -> None:
    page.get_by_role("button", name=libelle + ("…" if definitive else ""), exact=True).click()
    if definitive:  # the confirmation page states the consequence first
        expect(page.get_by_text("Cette action est définitive")).to_be_visible()
        page.get_by_role("button", name=re.compile(r"^Confirmer : ")).click()
    expect(page.get_by_text(f"« {libelle} » : c'est fait.")).to_be_visible()


def test_four_actors_from_designation_to_ordonnance_de_taxe(
    page: Page, navigateur: Browser, monde_demo: str, axe: VerificateurAxe, tmp_path: Path
) -> None:
    base = monde_demo
    avocat_b = hors_boucle(_avocat_b)

    # Magistrat: designation, then notification to the expert.
    se_connecter(page, base, "magistrat@demo.justexpert.fr")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Expertises", exact=True).click()
    page.get_by_role("link", name="Désigner un expert").click()
    axe.verifier(page)
    champ(page, "Numéro RG \\(ou numéro de parquet\\)").fill(RG)
    champ(page, "Type de procédure").select_option(value="refere")
    champ(page, "Expert désigné").select_option(index=1)
    champ(page, "Mission").fill("Décrire les infiltrations de la toiture-terrasse et chiffrer les reprises.")
    champ(page, "Date limite du rapport").fill("2099-06-30")
    page.get_by_label(re.compile("Demandeur")).fill("Syndicat des copropriétaires")
    page.get_by_label(re.compile("Défendeur")).fill("Étanchéité Moderne SARL")
    page.get_by_role("button", name="Ouvrir l'expertise").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RG)
    _action(page, "Notifier la désignation à l'expert")
    axe.verifier(page)
    hors_boucle(_enroler)

    # Expert: accepts, starts, convenes, deposits the pré-rapport with the dires deadline.
    with nouvelle_page(navigateur, nom="expert") as expert:
        se_connecter(expert, base, "expert@demo.justexpert.fr")
        ouvrir_dossier(expert)
        _action(expert, "Accepter la mission")
        _action(expert, "Commencer les opérations")
        convocation = expert.locator("#convoquer")
        convocation.get_by_label(re.compile("Date et heure de la réunion")).fill("2099-03-10T14:30")
        convocation.locator("#id_lieu").fill("Sur place, 8 rue des Lilas, Paris")
        convocation.get_by_role("button", name="Établir et envoyer la convocation").click()
        expect(expert.get_by_text("La convocation est déposée")).to_be_visible()
        axe.verifier(expert)
        _deposer(
            expert,
            "Pré-rapport (note de synthèse)",
            _fichier(tmp_path, "note-de-synthese.txt", "Conclusions provisoires.\n"),
            **{"Date limite des dires": "2099-02-28"},
        )
        expect(expert.get_by_text("Phase des dires").first).to_be_visible()
        axe.verifier(expert)

    # Lawyer A opens the convocation (a proven opening) and deposits a dire.
    with nouvelle_page(navigateur, nom="avocat-a") as avocat:
        se_connecter(avocat, base, "avocat@demo.justexpert.fr")
        ouvrir_dossier(avocat)
        expect(avocat.locator("#documents")).to_contain_text("non lu")
        with avocat.expect_download() as telechargement:
            avocat.get_by_role("link", name=re.compile(r"^convocation-.*\.pdf$")).click()
        assert telechargement.value.suggested_filename.startswith("convocation-")
        _deposer(avocat, "Dire", _fichier(tmp_path, "dire-1.txt", "Dire : la cause est la membrane.\n"))
        axe.verifier(avocat)

    # Lawyer B deposits a pièce and downloads the folder.
    with nouvelle_page(navigateur, nom="avocat-b") as avocat2:
        se_connecter(avocat2, base, avocat_b, "mot-de-passe-de-test-2026")
        ouvrir_dossier(avocat2)
        _deposer(avocat2, "Pièce", _fichier(tmp_path, "facture.txt", "Facture de réfection 2019.\n"))
        expect(avocat2.locator("#documents")).to_contain_text("Pièce n° 1")
        with avocat2.expect_download() as zip_:
            avocat2.get_by_role("link", name=re.compile("Télécharger le dossier")).click()
        assert zip_.value.suggested_filename.endswith(".zip")
        axe.verifier(avocat2)

    # Expert: answers the dire, closes the dires once the deadline is over, files the signed
    # report and the fee request; checks the contradictoire.
    hors_boucle(_echu, "date_limite_dires")
    with nouvelle_page(navigateur, nom="expert-rapport") as expert:
        se_connecter(expert, base, "expert@demo.justexpert.fr")
        ouvrir_dossier(expert)
        expert.locator("#deposer").get_by_label("Type de document").select_option(label="Réponse à un dire")
        expert.locator("#deposer").get_by_label(re.compile("Dire auquel vous répondez")).select_option(index=1)
        _deposer(expert, "Réponse à un dire", _fichier(tmp_path, "reponse-dire-1.txt", "Réponse au dire n° 1.\n"))
        expect(expert.locator("#documents")).to_contain_text("répondu")
        _action(expert, "Clore la phase des dires", definitive=True)
        # The report, signed with the demo card offered next to the deposit form, then deposited.
        brouillon = tmp_path / "rapport-definitif.pdf"
        brouillon.write_bytes(pdf("Rapport définitif"))
        signature = expert.locator("#signature-rapport")
        expect(signature.get_by_role("link", name=re.compile("Comment signer son rapport"))).to_be_visible()
        signature.get_by_label(re.compile("signer un PDF avec la carte de démonstration")).set_input_files(str(brouillon))
        with expert.expect_download() as signe:
            signature.get_by_role("button", name="Signer avec la carte de démonstration").click()
        rapport = tmp_path / signe.value.suggested_filename
        signe.value.save_as(rapport)
        _deposer(expert, "Rapport définitif", rapport)
        expect(expert.locator("#documents")).to_contain_text("Alix Durand (démo)")
        _deposer(expert, "Demande de rémunération", _fichier(tmp_path, "etat-de-frais.txt", "Honoraires : 2 400 €.\n"))
        axe.verifier(expert)
        expert.get_by_role("link", name=re.compile("Contradictoire")).click()
        expect(expert.locator("table")).to_contain_text("ouvert le")
        axe.verifier(expert)

    # Magistrat: after the observations period, taxation and the ordonnance de taxe.
    hors_boucle(_echu, "date_limite_observations")
    ouvrir_dossier(page)
    _action(page, "Passer à la taxation")
    _deposer(
        page,
        "Ordonnance de taxe",
        _fichier(tmp_path, "ordonnance-de-taxe.txt", "Taxe : 2 400 €.\n"),
        **{"Montant taxé": "2400"},
    )
    expect(page.get_by_text("État : Close")).to_be_visible()
    expect(page.get_by_text("lecture seule")).to_be_visible()
    axe.verifier(page)
    assert not page.erreurs_console  # type: ignore[attr-defined]
