from django.urls import path

from . import views

app_name = "controle"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("juridictions/<uuid:juridiction>/", views.tableau_de_bord, name="tableau"),
    path("juridictions/<uuid:juridiction>/experts/", views.experts, name="experts"),
    path("juridictions/<uuid:juridiction>/relancer/", views.relancer, name="relancer"),
    path("statistiques/", views.statistiques_accueil, name="statistiques_accueil"),
    path("statistiques/national/", views.statistiques_nationales, name="statistiques_nationales"),
    path("statistiques/national/export.csv", views.statistiques_nationales_csv, name="statistiques_nationales_csv"),
    path("statistiques/<uuid:organisation>/", views.statistiques_de, name="statistiques"),
    path("statistiques/<uuid:organisation>/export.csv", views.statistiques_de_csv, name="statistiques_csv"),
    path("donnees-ouvertes/", views.donnees_ouvertes, name="donnees_ouvertes"),
]
