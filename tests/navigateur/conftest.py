"""Browser journeys: Debian's Chromium driven by Playwright, with axe-core on every page.

The browser is shared by the whole module (one launch, a new context per test) and is closed, with
Playwright's event loop, when the module ends: Playwright's sync API marks an asyncio loop as
running in the main thread while it lives, which would break ``async_to_sync`` and Django's
async-safety check in unrelated tests if the browser outlived this directory. For the same reason
``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while the browser is open: the test thread's own ORM
calls (demo world, assertions, the transactional flush) are plain synchronous code.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
RESULTATS = Path(__file__).resolve().parents[2] / "test-results"
IMPACTS_BLOQUANTS = {"serious", "critical"}
DELAI_MS = 10_000


@pytest.fixture(scope="module")
def navigateur() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Chromium de Debian absent : sudo apt-get install chromium")
    ancien = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if ancien is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = ancien


@pytest.fixture
def monde_demo(navigateur: Browser, live_server, settings) -> str:
    """The demo world in the live server's database; mail goes to the demo mailbox. Returns the base URL."""
    settings.EMAIL_BACKEND = "justexpert.comptes.courriel.BoiteDemoBackend"
    settings.SITE_URL = live_server.url  # links in mails lead to this server, as with make run
    hors_boucle(call_command, "charger_demo", verbosity=0)
    return live_server.url


def ouvrir_courriel(page: Page, destinataire: str, lien: str) -> None:
    """Open the demo mailbox from the header and follow, in the newest mail to ``destinataire``,
    the link whose address matches ``lien`` (a regular expression)."""
    page.get_by_role("link", name="Boîte de réception de démonstration").first.click()
    courriel = page.locator(".fr-card").filter(has_text=f"À : {destinataire}").first
    courriel.get_by_role("link", name=re.compile(lien.replace("/", r"\/"))).first.click()  # slashes escaped for the browser


def hors_boucle(fonction: Callable[..., object], *args: object, **kwargs: object) -> object:
    """Run ``fonction`` in a thread of its own: the demo world validates a certificate with
    ``asyncio.run()``, which refuses to start where Playwright's loop is marked running."""
    resultat: list[object] = []
    erreur: list[BaseException] = []

    def cible() -> None:
        try:
            resultat.append(fonction(*args, **kwargs))
        except BaseException as exc:  # re-raised in the test thread
            erreur.append(exc)
        finally:
            connections.close_all()

    fil = threading.Thread(target=cible, name="hors-boucle")
    fil.start()
    fil.join()
    if erreur:
        raise erreur[0]
    return resultat[0]


@contextmanager
def nouvelle_page(navigateur: Browser, *, nom: str) -> Iterator[Page]:
    """A page in a fresh context (its own cookies); on failure a screenshot goes to test-results/."""
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    contexte.set_default_timeout(DELAI_MS)
    try:
        page = contexte.new_page()
        erreurs: list[str] = []
        page.on("console", lambda msg: erreurs.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: erreurs.append(str(exc)))
        page.erreurs_console = erreurs  # type: ignore[attr-defined]
        try:
            yield page
        except BaseException:
            capturer(page, nom)
            raise
    finally:
        contexte.close()


def capturer(page: Page, nom: str) -> None:
    RESULTATS.mkdir(exist_ok=True)
    fichier = re.sub(r"[^\w.-]+", "_", nom) + ".png"
    page.screenshot(path=str(RESULTATS / fichier), full_page=True)


@pytest.fixture
def page(navigateur: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    # A test's exception does not reach its fixtures: the report stored by the hook below tells.
    nom = request.node.nodeid.split("::", 1)[-1]
    with nouvelle_page(navigateur, nom=nom) as page:
        yield page
        rapport = getattr(request.node, "rapport_appel", None)
        if rapport is not None and rapport.failed:
            capturer(page, nom)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    rapport = yield
    if rapport.when == "call":
        item.rapport_appel = rapport  # type: ignore[attr-defined]
    return rapport


LARGEUR_TELEPHONE = 390


class VerificateurAxe:
    """Runs axe-core on the current page (serious and critical violations fail), then looks at the
    same page 390 px wide: its main content must not be wider than the screen."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.pages_verifiees: list[str] = []

    def verifier(self, page: Page) -> None:
        resultats = self.axe.run(page).response
        self.pages_verifiees.append(page.url)
        bloquantes = [v for v in resultats["violations"] if v.get("impact") in IMPACTS_BLOQUANTS]
        if bloquantes:
            pytest.fail(f"axe-core sur {page.url} :\n" + decrire(bloquantes), pytrace=False)
        taille = page.viewport_size
        page.set_viewport_size({"width": LARGEUR_TELEPHONE, "height": 844})
        try:
            largeur = page.evaluate("() => { const m = document.querySelector('main'); return m ? m.scrollWidth : 0; }")
            if largeur > LARGEUR_TELEPHONE + 1:
                capturer(page, "debordement-" + page.url.split("//", 1)[-1])
                pytest.fail(f"À {LARGEUR_TELEPHONE} px, le contenu de {page.url} déborde ({largeur} px de large).", pytrace=False)
        finally:
            if taille:
                page.set_viewport_size(taille)


def decrire(violations: list[dict]) -> str:
    lignes = []
    for v in violations:
        lignes.append(f"- {v['id']} ({v['impact']}) : {v['help']} — {v['helpUrl']}")
        for noeud in v["nodes"][:10]:
            lignes.append(f"    {', '.join(map(str, noeud['target']))}")
            lignes.append(f"      {noeud['html'][:300]}")
            if noeud.get("failureSummary"):
                lignes.append("      " + noeud["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lignes)


@pytest.fixture(scope="module")
def axe() -> VerificateurAxe:
    return VerificateurAxe()
