from django.urls import path

from . import views

app_name = "annuaire"

urlpatterns = [
    path("", views.repertoire, name="repertoire"),
    path("ma-fiche/", views.ma_fiche, name="ma_fiche"),
    path("ma-fiche/modifier/", views.ma_fiche_modifier, name="ma_fiche_modifier"),
    path("fiches/nouvelle/", views.fiche_creer, name="fiche_creer"),
    path("fiches/<uuid:uuid>/", views.fiche, name="fiche"),
    path("fiches/<uuid:uuid>/modifier/", views.fiche_modifier, name="fiche_modifier"),
    path("fiches/<uuid:uuid>/inviter/", views.fiche_inviter, name="fiche_inviter"),
    path("fiches/<uuid:uuid>/inscrire/", views.inscription_ajouter, name="inscription_ajouter"),
    path("inscriptions/<uuid:uuid>/decision/", views.inscription_decider, name="inscription_decider"),
    path("listes/", views.listes_gestion, name="listes_gestion"),
    path("listes/<str:code>/reglages/", views.reglages_cour, name="reglages_cour"),
]
