from django.urls import path

from . import views

app_name = "frais"

urlpatterns = [
    path("<uuid:reference>/", views.frais, name="frais"),
    path("<uuid:reference>/provisions/nouvelle/", views.provision, name="provision_nouvelle"),
    path("<uuid:reference>/provisions/<uuid:provision>/", views.provision, name="provision"),
    path("<uuid:reference>/versements/nouveau/", views.versement, name="versement"),
]
