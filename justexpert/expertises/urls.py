from django.urls import path

from . import views, views_depots

app_name = "expertises"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouvelle/", views.nouvelle, name="nouvelle"),
    path("greffes/", views.greffes_liste, name="greffes"),
    path("greffes/<uuid:juridiction>/", views.greffe_modifier, name="greffe_modifier"),
    path("<uuid:reference>/", views.detail, name="detail"),
    path("<uuid:reference>/actions/<slug:nom>/", views.action, name="action"),
    path("<uuid:reference>/relances/<uuid:relance>/accuser/", views.accuser_relance, name="accuser_relance"),
    path("<uuid:reference>/inviter/", views.inviter, name="inviter"),
    path("<uuid:reference>/greffiers/ajouter/", views.ajouter_greffier, name="ajouter_greffier"),
    path("<uuid:reference>/portalis/", views.portalis_modifier, name="portalis"),
    path("<uuid:reference>/parties/ajouter/", views.ajouter_partie, name="ajouter_partie"),
    path("<uuid:reference>/parties/<uuid:partie>/ne-pas-inscrire/", views.ne_pas_inscrire, name="ne_pas_inscrire"),
    path("<uuid:reference>/participants/<uuid:participant>/retirer/", views.retirer, name="retirer"),
    path("notifications/", views_depots.notifications, name="notifications"),
    path("<uuid:reference>/documents/deposer/", views_depots.deposer, name="deposer"),
    path("<uuid:reference>/documents/convoquer/", views_depots.convoquer, name="convoquer"),
    path("<uuid:reference>/documents/signer-demo/", views_depots.signer_demo, name="signer_demo"),
    path("<uuid:reference>/documents/<uuid:document>/", views_depots.telecharger, name="telecharger"),
    path("<uuid:reference>/accuses/<uuid:evenement>.<str:format>", views_depots.accuse, name="accuse"),
    path("<uuid:reference>/contradictoire/", views_depots.contradictoire, name="contradictoire"),
    path("<uuid:reference>/dossier.zip", views_depots.dossier_zip, name="dossier_zip"),
]
