from django.urls import path

from . import views

app_name = "candidatures"

urlpatterns = [
    path("", views.mes_candidatures, name="mes_candidatures"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("instruction/", views.instruction, name="instruction"),
    path("instruction/<str:code>/<int:annee>/export.<str:format>", views.export, name="export"),
    path("comptes-rendus/", views.compte_rendu, name="compte_rendu"),
    path("comptes-rendus/suivi/", views.comptes_rendus_suivi, name="comptes_rendus_suivi"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/modifier/", views.modifier, name="modifier"),
    path("<uuid:uuid>/enregistrer/", views.enregistrer, name="enregistrer"),
    path("<uuid:uuid>/pieces/", views.piece_deposer, name="piece_deposer"),
    path("<uuid:uuid>/pieces/<uuid:piece>/", views.piece_telecharger, name="piece_telecharger"),
    path("<uuid:uuid>/pieces/<uuid:piece>/accuse/", views.piece_accuse, name="piece_accuse"),
    path("<uuid:uuid>/pieces/<uuid:piece>/retirer/", views.piece_retirer, name="piece_retirer"),
    path("<uuid:uuid>/messages/", views.message, name="message"),
    path("<uuid:uuid>/actions/<str:transition>/", views.action, name="action"),
]
