"""Home page, each role's tableau de bord, legal pages and error pages."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

from justexpert.comptes.models import Habilitation, Role
from justexpert.comptes.permissions import connecte, public
from justexpert.lib.reponses import base_injoignable, json_indisponible, reponse_base_injoignable

from .services import a_faire

# What each role comes to do (PARCOURS.md): the entries of « Mes espaces », each a link.
PARCOURS: dict[str, list[tuple[str, str]]] = {
    Role.MAGISTRAT: [
        ("Trouver un expert", "recherche:recherche"),
        ("Désigner un expert", "expertises:nouvelle"),
        ("Suivre les expertises", "expertises:liste"),
    ],
    Role.GREFFIER: [
        ("Trouver un expert", "recherche:recherche"),
        ("Enregistrer une désignation", "expertises:nouvelle"),
        ("Suivre les expertises", "expertises:liste"),
    ],
    Role.AGENT: [
        ("Créer un échange", "echanges:creer"),
        ("Mes échanges", "echanges:liste"),
        ("Trouver un expert", "recherche:recherche"),
    ],
    Role.EXPERT: [
        ("Tenir ma fiche à jour", "annuaire:ma_fiche"),
        ("Répondre aux sollicitations", "recherche:sollicitations"),
        ("Conduire mes expertises", "expertises:liste"),
    ],
    Role.CANDIDAT: [("Mes candidatures", "candidatures:mes_candidatures")],
    Role.AVOCAT: [("Mes expertises", "expertises:liste"), ("Vérifier un accusé", "preuves:verifier")],
    Role.PARTIE: [("Mes expertises", "expertises:liste"), ("Vérifier un accusé", "preuves:verifier")],
    Role.INVITE: [("Mes échanges", "echanges:liste")],
    Role.ADMINISTRATEUR: [
        ("Gérer les comptes", "comptes:admin_utilisateurs"),
        ("Greffes des expertises", "expertises:greffes"),
        ("Journal de sécurité", "comptes:admin_journal"),
    ],
}

COMPTES_DEMO = [
    ("magistrat@demo.justexpert.fr", "Magistrat (tribunal judiciaire de Paris)"),
    ("greffier@demo.justexpert.fr", "Greffier (tribunal judiciaire de Paris)"),
    ("agent@demo.justexpert.fr", "Agent du ministère (matière pénale)"),
    ("expert@demo.justexpert.fr", "Expert de justice"),
    ("candidat@demo.justexpert.fr", "Candidat"),
    ("avocat@demo.justexpert.fr", "Avocat"),
    ("partie@demo.justexpert.fr", "Partie"),
    ("invite@demo.justexpert.fr", "Invité"),
    ("admin@demo.justexpert.fr", "Administrateur"),
    ("instructeur@demo.justexpert.fr", "Greffier, instructeur des candidatures (cour d'appel de Paris)"),
]
MOT_DE_PASSE_DEMO = "demo-justexpert-2026"  # noqa: S105 (demo only, shown on the home page)


@public
def accueil(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portail:tableau_de_bord")
    return render(
        request,
        "portail/accueil.html",
        {
            "titre": "Accueil",
            "comptes_demo": COMPTES_DEMO if settings.DEMO else [],
            "mot_de_passe_demo": MOT_DE_PASSE_DEMO if settings.DEMO else "",
        },
    )


@connecte
def tableau_de_bord(request: HttpRequest) -> HttpResponse:
    user = request.user
    appartenances = user._appartenances()  # type: ignore[union-attr]
    parcours = []
    for a in appartenances:
        actions = [(libelle, reverse(nom)) for libelle, nom in PARCOURS.get(a.role, [])]
        if Habilitation.INSTRUCTEUR_CANDIDATURES in a.codes_habilitation:
            actions.append(("Candidatures à instruire", reverse("candidatures:instruction")))
        parcours.append({"appartenance": a, "actions": actions})
    return render(
        request,
        "portail/tableau_de_bord.html",
        {
            "titre": "Tableau de bord",
            "a_faire": a_faire(user),  # type: ignore[arg-type]
            "parcours": parcours,
        },
    )


@public
def mentions_legales(request: HttpRequest) -> HttpResponse:
    return render(request, "portail/mentions_legales.html", {"titre": "Mentions légales"})


@public
def donnees_personnelles(request: HttpRequest) -> HttpResponse:
    return render(request, "portail/donnees_personnelles.html", {"titre": "Données personnelles"})


@public
def accessibilite(request: HttpRequest) -> HttpResponse:
    return render(request, "portail/accessibilite.html", {"titre": "Déclaration d'accessibilité"})


@public
def sante(request: HttpRequest) -> HttpResponse:
    """Health for load balancers and operators: states only, no data. 503 when the database or
    the document storage is unreachable."""
    from django.http import JsonResponse

    from .sante import verifier_tout

    verifications = verifier_tout()
    statut = 503 if any(not v.ok and v.essentielle for v in verifications) else 200
    reponse = JsonResponse({v.nom: v.detail for v in verifications}, status=statut, json_dumps_params={"ensure_ascii": False})
    reponse["Cache-Control"] = "no-store"
    return reponse


def erreur_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"titre": "Accès refusé"}, status=403)


def erreur_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"titre": "Page introuvable"}, status=404)


def erreur_500(request: HttpRequest) -> HttpResponse:
    """Every uncaught exception ends here (Django calls it inside its ``except`` block). An
    unreachable database is a 503 in French, wherever it failed: the session or the user loaded by
    a middleware before any view, a form, a view. No context processors, no database here."""
    if base_injoignable(sys.exception()):
        if request.path == "/sante/":
            return json_indisponible({"base": "base de données injoignable"})
        return reponse_base_injoignable(request)
    return HttpResponseServerError(loader.get_template("500.html").render({"titre": "Erreur"}))


# --- Help pages -------------------------------------------------------------------------------------

GUIDE_SIGNATURE = settings.BASE_DIR / "docs" / "guide-signature-expert.md"
OUTIL_SIGNATURE = settings.BASE_DIR / "tools" / "signer.py"


@lru_cache(maxsize=4)
def _guide_html(chemin: Path, _modifie: float) -> str:
    """The guide rendered once per version of the file (raw HTML in it is not allowed through)."""
    moteur = MarkdownIt("commonmark", {"html": False}).enable("table")
    html = moteur.render(chemin.read_text(encoding="utf-8"))
    # The page has its own title: the guide's headings go one level down.
    for n in (3, 2, 1):
        html = html.replace(f"<h{n}>", f"<h{n + 1}>").replace(f"</h{n}>", f"</h{n + 1}>")
    return html


@public
def aide_signature(request: HttpRequest) -> HttpResponse:
    """How an expert signs the rapport définitif with their card: three steps, then the full guide
    (docs/guide-signature-expert.md, one source for the repository and the platform)."""
    from justexpert.preuves import conf as preuves_conf

    tsa = preuves_conf.tsa_url() or (f"{settings.SITE_URL.rstrip('/')}/preuves/horodatage/" if settings.DEMO else "")
    return render(
        request,
        "portail/aide_signature.html",
        {
            "titre": "Signer son rapport avec sa carte d'expert",
            "guide": mark_safe(_guide_html(GUIDE_SIGNATURE, GUIDE_SIGNATURE.stat().st_mtime)),  # noqa: S308 (our own file, HTML escaped by the renderer)
            "tsa": tsa,
        },
    )


@public
def outil_signature(request: HttpRequest) -> HttpResponse:
    reponse = HttpResponse(OUTIL_SIGNATURE.read_bytes(), content_type="text/x-python; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="signer.py"'
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse
