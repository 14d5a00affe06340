from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("calendrier/", views.mon_calendrier, name="mon_calendrier"),
    path("calendrier/<str:secret>.ics", views.flux, name="flux"),
    path("<uuid:reference>/", views.operations, name="operations"),
    path("<uuid:reference>/reunions/nouvelle/", views.reunion_nouvelle, name="reunion_nouvelle"),
    path("<uuid:reference>/reunions/<uuid:reunion>/", views.reunion, name="reunion"),
    path("<uuid:reference>/reunions/<uuid:reunion>/deplacer/", views.deplacer, name="deplacer"),
    path("<uuid:reference>/reunions/<uuid:reunion>/annuler/", views.annuler, name="annuler"),
    path("<uuid:reference>/reunions/<uuid:reunion>/presence/", views.presence, name="presence"),
    path("<uuid:reference>/reunions/<uuid:reunion>/sceller/", views.sceller, name="sceller"),
    path("<uuid:reference>/reunions/<uuid:reunion>/feuille.pdf", views.feuille, name="feuille"),
    path("<uuid:reference>/reunions/<uuid:reunion>/compte-rendu/", views.compte_rendu, name="compte_rendu"),
    path("<uuid:reference>/reunions/<uuid:reunion>/consentement-visio/", views.consentement_visio, name="consentement_visio"),
    path("<uuid:reference>/convocations/<uuid:convocation>/envoi/", views.envoi, name="envoi"),
    path("<uuid:reference>/convocations/<uuid:convocation>/avis/", views.avis, name="avis"),
    path("<uuid:reference>/convocations/<uuid:convocation>/preuve/", views.preuve, name="preuve"),
    path("<uuid:reference>/consentement/", views.consentement, name="consentement"),
    path("<uuid:reference>/calendrier/nouvelle/", views.etape, name="etape_nouvelle"),
    path("<uuid:reference>/calendrier/<uuid:etape>/", views.etape, name="etape"),
]
