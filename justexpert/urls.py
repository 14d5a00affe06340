from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from justexpert.api import api


def _api_urls() -> list[URLPattern | URLResolver]:
    """Ninja authenticates API calls itself (session or token, 401 not a redirect): exempt its
    views from the login-redirect middleware. Each operation still requires auth (see api.py)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return [path("api/v1/", include((patterns, app_name), namespace=namespace))]


admin.site.site_header = "Justexpert — administration technique"
admin.site.site_title = "Justexpert — administration technique"
admin.site.index_title = "Administration technique"

urlpatterns = [
    path("", include("justexpert.portail.urls")),
    path("", include("justexpert.comptes.urls")),
    path("preuves/", include("justexpert.preuves.urls")),
    path("coffre/", include("justexpert.coffre.urls")),
    path("annuaire/", include("justexpert.annuaire.urls")),
    path("listes/", include("justexpert.annuaire.urls_publiques")),
    path("candidatures/", include("justexpert.candidatures.urls")),
    path("passerelles/", include("justexpert.passerelles.urls")),
    path("recherche/", include("justexpert.recherche.urls")),
    path("echanges/", include("justexpert.echanges.urls")),
    path("expertises/", include("justexpert.expertises.urls")),
    path("frais/", include("justexpert.frais.urls")),
    path("operations/", include("justexpert.operations.urls")),
    path("controle/", include("justexpert.controle.urls")),
    *_api_urls(),
    path("admin-technique/", admin.site.urls),
]

handler403 = "justexpert.portail.views.erreur_403"
handler404 = "justexpert.portail.views.erreur_404"
handler500 = "justexpert.portail.views.erreur_500"
