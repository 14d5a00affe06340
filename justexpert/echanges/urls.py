from django.urls import path

from . import views

app_name = "echanges"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouveau/", views.creer, name="creer"),
    path("<uuid:reference>/", views.detail, name="detail"),
    path("<uuid:reference>/deposer/", views.deposer, name="deposer"),
    path("<uuid:reference>/inviter/", views.inviter, name="inviter"),
    path("<uuid:reference>/agents/", views.ajouter_agent, name="ajouter_agent"),
    path("<uuid:reference>/participants/<uuid:participant>/retirer/", views.retirer, name="retirer"),
    path("<uuid:reference>/trace/", views.trace_echange, name="trace"),
    path("<uuid:reference>/trace.pdf", views.trace_pdf, name="trace_pdf"),
    path("fichiers/<uuid:reference>/", views.telecharger, name="telecharger"),
    path("fichiers/<uuid:reference>/supprimer/", views.supprimer, name="supprimer"),
    path("accuses/<uuid:reference>.json", views.accuse, name="accuse"),
    path("accuses/<uuid:reference>.pdf", views.accuse, {"format": "pdf"}, name="accuse_pdf"),
]
