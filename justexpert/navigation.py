"""The one navigation model of the platform (../shared/PARCOURS.md): a menu by role.

Each module adds its entries here when it ships pages; an entry is shown to users holding one of
its roles (None: every logged-in user).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from justexpert.comptes.models import Habilitation, Role


@dataclass(frozen=True)
class Entree:
    libelle: str
    url_name: str
    roles: frozenset[str] | None = None
    # Shown only to holders of this habilitation (on a membership of one of ``roles``).
    habilitation: str | None = None


MENU: tuple[Entree, ...] = (
    Entree("Tableau de bord", "portail:tableau_de_bord"),
    Entree("Annuaire des experts", "annuaire:repertoire", frozenset({Role.MAGISTRAT, Role.GREFFIER, Role.AGENT})),
    Entree("Ma fiche d'expert", "annuaire:ma_fiche", frozenset({Role.EXPERT})),
    Entree("Mes candidatures", "candidatures:mes_candidatures", frozenset({Role.CANDIDAT, Role.EXPERT})),
    Entree("Candidatures à instruire", "candidatures:instruction", frozenset({Role.GREFFIER})),
    Entree("Trouver un expert", "recherche:recherche", frozenset({Role.MAGISTRAT, Role.GREFFIER, Role.AGENT})),
    Entree("Mes sollicitations", "recherche:sollicitations", frozenset({Role.EXPERT})),
    Entree(
        "Expertises",
        "expertises:liste",
        frozenset({Role.MAGISTRAT, Role.GREFFIER, Role.EXPERT, Role.AVOCAT, Role.PARTIE}),
    ),
    Entree("Échanges", "echanges:liste", frozenset({Role.AGENT, Role.INVITE})),
    Entree(
        "Contrôle des expertises", "controle:accueil", frozenset({Role.MAGISTRAT}), habilitation=Habilitation.CONTROLE_EXPERTISES
    ),
    Entree("Statistiques des expertises", "controle:statistiques_accueil", frozenset({Role.ADMINISTRATEUR})),
    Entree("Administration", "comptes:admin_utilisateurs", frozenset({Role.ADMINISTRATEUR})),
    Entree("Greffes des expertises", "expertises:greffes", frozenset({Role.ADMINISTRATEUR})),
    Entree("Mon compte", "comptes:mon_compte"),
)


def menu_pour(user: object) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    roles = user.roles  # type: ignore[attr-defined]
    entrees = []
    for entree in MENU:
        if entree.roles is not None and not roles.intersection(entree.roles):
            continue
        if entree.habilitation is not None and not user.a_habilitation(entree.habilitation):  # type: ignore[attr-defined]
            continue
        try:
            entrees.append({"libelle": entree.libelle, "url": reverse(entree.url_name)})
        except NoReverseMatch:  # a module not installed in this configuration
            continue
    return entrees


def contexte(request: HttpRequest) -> dict[str, object]:
    menu = menu_pour(request.user)
    for entree in menu:
        entree["actif"] = (
            "true" if request.path == entree["url"] or (entree["url"] != "/" and request.path.startswith(entree["url"])) else ""
        )
    return {
        "SITE_CONFIG": SimpleNamespace(
            site_title=settings.SITE_NOM,
            site_tagline=settings.SITE_DESCRIPTION,
            header_brand_html="République<br>française",
            footer_brand_html="République<br>française",
        ),
        "menu_principal": menu,
        "mode_demo": settings.DEMO,
    }
