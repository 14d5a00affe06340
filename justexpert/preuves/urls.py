from django.urls import path

from . import views

app_name = "preuves"

urlpatterns = [
    path("verifier/", views.verifier, name="verifier"),
    path("horodatage/", views.horodater, name="horodatage"),
]
