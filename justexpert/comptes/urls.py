from django.urls import path

from . import views

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.connexion, name="connexion"),
    path("connexion/carte/", views.connexion_certificat, name="connexion_certificat"),
    path("connexion/federee/<slug:fournisseur>/", views.federation_debut, name="federation_debut"),
    path("connexion/federee/<slug:fournisseur>/retour/", views.federation_retour, name="federation_retour"),
    path("mon-compte/federation/<slug:fournisseur>/lier/", views.federation_lier, name="federation_lier"),
    path("mon-compte/federation/confirmer/", views.federation_confirmer, name="federation_confirmer"),
    path("connexion/second-facteur/", views.second_facteur, name="second_facteur"),
    path("deconnexion/", views.deconnexion, name="deconnexion"),
    path("inscription/", views.inscription, name="inscription"),
    path("verifier-adresse/<str:jeton>/", views.verifier_adresse, name="verifier_adresse"),
    path("mot-de-passe/oublie/", views.Reinitialisation.as_view(), name="reinitialisation"),
    path("mot-de-passe/envoye/", views.ReinitialisationEnvoyee.as_view(), name="reinitialisation_envoyee"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", views.ReinitialisationConfirmer.as_view(), name="reinitialisation_confirmer"),
    path("mot-de-passe/termine/", views.ReinitialisationTerminee.as_view(), name="reinitialisation_terminee"),
    path("mon-compte/", views.mon_compte, name="mon_compte"),
    path("mon-compte/second-facteur/", views.second_facteur_activer, name="second_facteur_activer"),
    path("mon-compte/jetons/", views.jetons, name="jetons"),
    path("mon-compte/jetons/<uuid:uuid>/revoquer/", views.revoquer_jeton, name="revoquer_jeton"),
    path("administration/comptes/", views.admin_utilisateurs, name="admin_utilisateurs"),
    path("administration/comptes/nouveau/", views.admin_creer, name="admin_creer"),
    path("administration/comptes/<uuid:uuid>/", views.admin_utilisateur, name="admin_utilisateur"),
    path("administration/comptes/<uuid:uuid>/desactiver/", views.admin_desactiver, name="admin_desactiver"),
    path("administration/comptes/<uuid:uuid>/second-facteur/", views.admin_reinitialiser_totp, name="admin_reinitialiser_totp"),
    path(
        "administration/appartenances/<uuid:uuid>/retirer/", views.admin_retirer_appartenance, name="admin_retirer_appartenance"
    ),
    path("administration/journal/", views.admin_journal, name="admin_journal"),
    path("invitation/", views.invitation_ouverte, name="invitation_ouverte"),
    path("invitations/<uuid:uuid>/", views.invitation_en_attente, name="invitation_en_attente"),
    path("invitation/<str:secret>/", views.invitation, name="invitation"),
    path("demo/courriels/", views.boite_demo, name="boite_demo"),
]
