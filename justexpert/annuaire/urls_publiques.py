"""Public pages: the published annual lists (D2004 art. 21)."""

from django.urls import path

from . import views

app_name = "listes"

urlpatterns = [
    path("", views.listes_publiques, name="index"),
    path("<uuid:uuid>/", views.liste_publique, name="liste"),
    path("<uuid:uuid>/export.<str:format>", views.liste_export, name="export"),
]
