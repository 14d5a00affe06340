from django.urls import path

from . import views

app_name = "coffre"

urlpatterns = [
    path("", views.mes_documents, name="mes_documents"),
    path("deposer/", views.deposer, name="deposer"),
    path("<uuid:reference>/telecharger/", views.telecharger, name="telecharger"),
]
