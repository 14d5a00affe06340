from django.urls import path

from . import views

app_name = "recherche"

urlpatterns = [
    path("", views.recherche, name="recherche"),
    path("solliciter/", views.solliciter, name="solliciter"),
    path("demandes/", views.demandes, name="demandes"),
    path("demandes/<uuid:uuid>/", views.demande, name="demande"),
    path("demandes/<uuid:uuid>/etat.json", views.demande_etat, name="demande_etat"),
    path("sollicitations/", views.sollicitations, name="sollicitations"),
    path("sollicitations/<uuid:uuid>/", views.sollicitation, name="sollicitation"),
    path("disponibilite/", views.disponibilite, name="disponibilite"),
]
