from django.urls import path

from . import views, views_releve

app_name = "candidatures"

urlpatterns = [
    path("", views.mes_candidatures, name="mes_candidatures"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("instruction/", views.instruction, name="instruction"),
    path("instruction/<str:code>/<int:annee>/export.<str:format>", views.export, name="export"),
    path("comptes-rendus/", views.compte_rendu, name="compte_rendu"),
    path("comptes-rendus/suivi/", views.comptes_rendus_suivi, name="comptes_rendus_suivi"),
    path("releve/", views_releve.releve, name="releve"),
    path("formations/", views_releve.formations, name="formations"),
    path("formations/<uuid:uuid>/attestation/", views_releve.formation_attestation, name="formation_attestation"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path(
        "<uuid:uuid>/formations/<uuid:formation>/attestation/",
        views_releve.candidature_attestation,
        name="candidature_attestation",
    ),
    path("<uuid:uuid>/modifier/", views.modifier, name="modifier"),
    path("<uuid:uuid>/enregistrer/", views.enregistrer, name="enregistrer"),
    path("<uuid:uuid>/pieces/", views.piece_deposer, name="piece_deposer"),
    path("<uuid:uuid>/pieces/<uuid:piece>/", views.piece_telecharger, name="piece_telecharger"),
    path("<uuid:uuid>/pieces/<uuid:piece>/accuse/", views.piece_accuse, name="piece_accuse"),
    path("<uuid:uuid>/pieces/<uuid:piece>/retirer/", views.piece_retirer, name="piece_retirer"),
    path("<uuid:uuid>/messages/", views.message, name="message"),
    path("<uuid:uuid>/actions/<str:transition>/", views.action, name="action"),
]
