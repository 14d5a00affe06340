from django.urls import path

from . import views

app_name = "passerelles"

urlpatterns = [
    path("ds/", views.index, name="index"),
    path("ds/<str:code>/", views.cour, name="cour"),
    path("ds/<str:code>/lancer/", views.lancer, name="lancer"),
    path("ds/<str:code>/imports/<uuid:uuid>/", views.import_ds, name="import"),
]
