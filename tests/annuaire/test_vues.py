"""Pages and API: the permission matrix (404 for hidden fiches, 403 for visible but not managed),
bad input on every form, the expert's own edits, the directory search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from justexpert.annuaire.models import Expert, Historique, StatutInscription
from tests.conftest import texte

pytestmark = pytest.mark.django_db


def _statut(client, user, url, methode="get", data=None):
    client.force_login(user)
    reponse = getattr(client, methode)(url, data or {})
    client.logout()
    return reponse.status_code


def test_fiche_permission_matrix(
    client, fiche_liee, fiche_autre, expert, autre_expert, greffier_paris, greffier_lyon, magistrat, agent, candidat
):
    url = reverse("annuaire:fiche", args=[fiche_liee.uuid])
    modifier = reverse("annuaire:fiche_modifier", args=[fiche_liee.uuid])
    decision = reverse("annuaire:inscription_decider", args=[fiche_liee.inscriptions.get().uuid])
    attendu = {
        expert: (200, 403, 403),
        autre_expert: (404, 403, 403),
        candidat: (404, 403, 403),
        greffier_paris: (200, 200, 200),
        greffier_lyon: (200, 403, 403),
        magistrat: (200, 403, 403),
        agent: (200, 403, 403),
    }
    for user, codes in attendu.items():
        assert (_statut(client, user, url), _statut(client, user, modifier), _statut(client, user, decision)) == codes, user.email
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_directory_is_for_justice_staff(client, fiche_liee, expert, magistrat, greffier_lyon):
    url = reverse("annuaire:repertoire")
    assert _statut(client, expert, url) == 403
    client.force_login(magistrat)
    page = texte(client.get(url, {"q": "durand", "specialite": "C.2", "cour": "PARIS", "statut": "probatoire"}))
    assert "DURAND Alix" in page
    assert "DURAND" not in texte(client.get(url, {"cour": "LYON"}))
    assert "DURAND" not in texte(client.get(url, {"statut": "radie"}))
    assert "DURAND" in texte(client.get(url, {"specialite": "piscines"}))
    assert client.get(url, {"cour": "INCONNUE", "statut": "nimporte"}).status_code == 200


def test_staff_sees_the_history(client, fiche_liee, magistrat):
    client.force_login(magistrat)
    page = texte(client.get(reverse("annuaire:fiche", args=[fiche_liee.uuid])))
    assert "Historique" in page and "Compte de l'expert lié à la fiche" in page and "greffier.paris@test.fr" in page


def test_expert_edits_own_fiche_and_bad_input_is_kept(client, fiche_liee, expert):
    client.force_login(expert)
    assert client.get(reverse("annuaire:ma_fiche")).status_code == 302
    url = reverse("annuaire:ma_fiche_modifier")
    reponse = client.post(
        url, {"telephone_mobile": "pas un numéro", "specialites_fines": "Piscines à débordement", "matiere_civile": "on"}
    )
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Numéro de téléphone invalide" in page and "Piscines à débordement" in page
    reponse = client.post(
        url, {"telephone_mobile": "06 11 22 33 44", "specialites_fines": "Piscines", "matiere_civile": "on", "nom": "Pirate"}
    )
    assert reponse.status_code == 302
    fiche_liee.refresh_from_db()
    assert (fiche_liee.telephone_mobile, fiche_liee.matiere_penale, fiche_liee.nom) == ("06 11 22 33 44", False, "Durand")


def test_expert_without_fiche(client, autre_expert):
    client.force_login(autre_expert)
    assert "pas encore lié" in texte(client.get(reverse("annuaire:ma_fiche")))
    assert client.get(reverse("annuaire:ma_fiche_modifier")).status_code == 404


def test_court_creates_a_fiche_and_bad_input_is_kept(client, greffier_paris, nomenclature_2022):
    client.force_login(greffier_paris)
    url = reverse("annuaire:fiche_creer")
    reponse = client.post(
        url, {"nom": "", "prenom": "Ana", "email": "faux", "code_postal_pro": "75", "date_naissance": "2999-01-01"}
    )
    page = texte(reponse)
    assert reponse.status_code == 200
    assert "Ce champ est obligatoire" in page and "adresse de courriel valide" in page
    assert "cinq chiffres" in page and "dans le passé" in page and 'value="Ana"' in page
    reponse = client.post(
        url,
        {
            "nom": "Roux",
            "prenom": "Ana",
            "email": "ana@test.fr",
            "code_postal_pro": "75011",
            "date_naissance": "1980-02-03",
            "matiere_civile": "on",
        },
    )
    assert reponse.status_code == 302
    assert Expert.objects.get(nom="Roux").cour_appel.code == "PARIS"


def test_court_inscribes_and_decides(client, fiche, greffier_paris, greffier_lyon, orgs):
    url = reverse("annuaire:inscription_ajouter", args=[fiche.uuid])
    client.force_login(greffier_paris)
    page = texte(client.post(url, {"liste": orgs["PARIS"].pk, "specialite": "C.2", "debut": "demain"}))
    assert "choisissez une spécialité" in page and "Saisissez une date valide" in page
    page = texte(client.post(url, {"liste": orgs["LYON"].pk, "specialite": "Z.9.9", "debut": "2025-01-01"}))
    assert "Sélectionnez un choix valide" in page and "Aucune spécialité « Z.9.9 »" in page
    assert client.post(url, {"liste": orgs["PARIS"].pk, "specialite": "c.2.8", "debut": "2025-01-01"}).status_code == 302
    i = fiche.inscriptions.get()
    decision = reverse("annuaire:inscription_decider", args=[i.uuid])
    page = texte(client.post(decision, {"decision": "radie", "motif": ""}))
    assert "Indiquez le motif" in page
    assert client.post(decision, {"decision": "suspendu", "motif": "Enquête"}).status_code == 302
    i.refresh_from_db()
    assert i.statut == StatutInscription.SUSPENDU
    assert "impossible" in texte(client.post(decision, {"decision": "honoraire"}))
    client.force_login(greffier_lyon)
    assert client.post(decision, {"decision": "radie", "motif": "x"}).status_code == 403


def test_instructor_of_a_tribunal_manages_the_list_of_its_ressort(client, fiche_inscrite, instructeur_tj):
    client.force_login(instructeur_tj)
    decision = reverse("annuaire:inscription_decider", args=[fiche_inscrite.inscriptions.get().uuid])
    assert client.get(decision).status_code == 200


def test_invitation_from_the_fiche(client, fiche, greffier_paris, greffier_lyon):
    url = reverse("annuaire:fiche_inviter", args=[fiche.uuid])
    client.force_login(greffier_lyon)
    assert client.post(url).status_code == 403
    client.force_login(greffier_paris)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert Historique.objects.filter(expert=fiche, action="invitation_envoyee").exists()


def test_publication_page(client, greffier_paris, magistrat, orgs):
    url = reverse("annuaire:listes_gestion")
    assert _statut(client, magistrat, url) == 403
    client.force_login(greffier_paris)
    assert "Sélectionnez un choix valide" in texte(client.post(url, {"liste": orgs["LYON"].pk, "annee": "deux mille"}))
    assert client.post(url, {"liste": orgs["PARIS"].pk, "annee": "2026"}).status_code == 302


def test_api_search_and_detail(client, fiche_liee, fiche_autre, magistrat, expert):
    client.force_login(magistrat)
    r = client.get("/api/v1/annuaire/fiches", {"cour": "PARIS"})
    assert r.status_code == 200
    assert [f["nom"] for f in r.json()] == ["Durand"]
    r = client.get(f"/api/v1/annuaire/fiches/{fiche_liee.uuid}")
    assert r.status_code == 200 and r.json()["inscriptions"][0]["specialite"] == "C.2.8"
    assert client.get("/api/v1/annuaire/fiches/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/api/v1/annuaire/fiches", {"statut": "nimporte"}).status_code == 422
    client.force_login(expert)
    assert client.get("/api/v1/annuaire/fiches").status_code == 403
    client.logout()
    assert client.get("/api/v1/annuaire/fiches").status_code == 401


def test_menu_and_a_faire(client, fiche_liee, expert, greffier_paris):
    from justexpert.annuaire.a_faire import a_faire_annuaire

    client.force_login(expert)
    assert reverse("annuaire:ma_fiche") in texte(client.get(reverse("portail:tableau_de_bord")))
    assert isinstance(a_faire_annuaire(greffier_paris), list)


def test_fiche_shows_the_registered_signing_certificate(client, fiche_liee, expert, magistrat):
    from django.conf import settings

    from justexpert.comptes.certificats import enregistrer_certificat
    from justexpert.lib import pki_demo

    client.force_login(magistrat)
    url = reverse("annuaire:fiche", args=[fiche_liee.uuid])
    assert "Certificat de signature enregistré : aucun" in texte(client.get(url))
    pki = pki_demo.generer(settings.PKI_DIR)
    enregistrer_certificat(None, acteur=expert, donnees=pki.experts["valide"].pem)
    assert "Alix Durand (démo)" in texte(client.get(url))
