from django.urls import path

from . import views

app_name = "preuves"

urlpatterns = [
    path("verifier/", views.verifier, name="verifier"),
    path("horodatage/", views.horodater, name="horodatage"),
    # Fixed forever (docs/preuves.md, « Vérifier dans vingt ans »): verifiers and receipts name them.
    path("ancres/", views.ancres, name="ancres"),
    path("ancres.json", views.ancres_json, name="ancres_json"),
    path("ancres/sceau-ac.crl", views.crl_sceau, name="crl_sceau"),
    path("ancres/horodatage-ac.crl", views.crl_horodatage, name="crl_horodatage"),
]
