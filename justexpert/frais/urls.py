from django.urls import path

from . import views, views_remuneration

app_name = "frais"

urlpatterns = [
    path("<uuid:reference>/", views.frais, name="frais"),
    path("<uuid:reference>/provisions/nouvelle/", views.provision, name="provision_nouvelle"),
    path("<uuid:reference>/provisions/<uuid:provision>/", views.provision, name="provision"),
    path("<uuid:reference>/versements/nouveau/", views.versement, name="versement"),
    path("<uuid:reference>/remuneration/", views_remuneration.page, name="remuneration"),
    path("<uuid:reference>/remuneration/documents/<slug:quoi>/", views_remuneration.document, name="remuneration_document"),
    path("<uuid:reference>/remuneration/export.<str:format>", views_remuneration.export, name="remuneration_export"),
    *(
        path(
            f"<uuid:reference>/remuneration/{nom.replace('_', '-')}/",
            views_remuneration.action,
            {"nom": nom},
            name=f"remuneration_{nom}",
        )
        for nom in views_remuneration.ACTIONS
    ),
]
