"""The instructor's pages: launch from the court's page (background task, then the progress page
that refreshes itself), the report; only that court's instructors (404 for others); bad input."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from justexpert.comptes.models import Habilitation, Role
from justexpert.passerelles.models import DossierDS, EtatImport, ImportDS
from tests.conftest import creer_utilisateur, texte


def test_launch_from_the_court_page_runs_in_the_background_and_shows_the_report(
    client, ds, instructeur, orgs, django_capture_on_commit_callbacks
):
    client.force_login(instructeur)
    page = texte(client.get(reverse("passerelles:cour", args=["PARIS"])))
    assert "n° 101" in page and "Importer les dossiers" in page
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        reponse = client.post(reverse("passerelles:lancer", args=["PARIS"]), {"type": "initiale"})
    # The task is queued after commit (the test backend runs it at once).
    assert rappels[0].__qualname__ == "lancer.<locals>.<lambda>"
    imp = ImportDS.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("passerelles:import", args=["PARIS", imp.uuid])
    assert imp.etat == EtatImport.TERMINE and imp.crees == 3
    page = texte(client.get(reponse["Location"]))
    assert "État : Terminé" in page and "Candidatures créées : 3" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    assert "Dossier n° 1003 non importé" in page and "le téléchargement a échoué (HTTP 404)" in page
    assert "Champ « Numéro de compagnie » non repris" in page
    # The files it brought, with their DS number, DS state (local time) and a link to the candidature.
    c = DossierDS.objects.get(numero=1001).candidature
    assert f'<a href="{reverse("candidatures:detail", args=[c.uuid])}">Claire Lemaire</a> (déposée)' in page
    # Each imported piece has its deposit receipt, served by the candidature as for any piece.
    piece = c.pieces.get(type="lettre_motivation")
    accuse = client.get(reverse("candidatures:piece_accuse", args=[c.uuid, piece.uuid]))
    assert accuse.status_code == 200
    telechargement = client.get(reverse("candidatures:piece_telecharger", args=[c.uuid, piece.uuid]))
    assert b"".join(telechargement.streaming_content) == b"Lettre de motivation de Claire Lemaire.\n"
    assert "n° 1002</td>\n      <td>En instruction</td>\n      <td>13/01/2026 à 11:00</td>" in page
    # The candidatures are in the court's instruction.
    instruction = texte(
        client.get(
            reverse("candidatures:instruction"),
            {"cour": "PARIS", "annee": DossierDS.objects.get(numero=1001).candidature.annee_liste},
        )
    )
    assert "Lemaire" in instruction


def test_progress_page_refreshes_while_the_import_runs(client, instructeur, orgs):
    imp = ImportDS.objects.create(
        cour=orgs["PARIS"],
        type_candidature="initiale",
        demarche=101,
        lance_par=instructeur,
        etat=EtatImport.EN_COURS,
        lus=4,
        pages=2,
    )
    client.force_login(instructeur)
    page = texte(client.get(reverse("passerelles:import", args=["PARIS", imp.uuid])))
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "4 dossiers lus (2 pages)" in page


def test_launch_buttons_are_disabled_with_the_reason(client, ds, instructeur, orgs, settings, tmp_path):
    settings.DS_DEMARCHES = {"PARIS": {"initiale": 101}}
    ImportDS.objects.create(
        cour=orgs["PARIS"], type_candidature="initiale", demarche=101, lance_par=instructeur, etat=EtatImport.EN_COURS
    )
    client.force_login(instructeur)
    page = texte(client.get(reverse("passerelles:cour", args=["PARIS"])))
    assert "(un import est en cours)" in page and "(aucune démarche configurée)" in page
    assert "Importer les dossiers" not in page
    reponse = client.post(reverse("passerelles:lancer", args=["PARIS"]), {"type": "initiale"}, follow=True)
    assert "Un import de cette démarche est déjà en cours" in texte(reponse)
    assert ImportDS.objects.count() == 1


def test_missing_token_file_is_said_in_french_before_and_at_launch(client, ds, instructeur, orgs, settings, tmp_path):
    settings.DS_JETON_FICHIER = str(tmp_path / "nulle-part")
    client.force_login(instructeur)
    page = texte(client.get(reverse("passerelles:cour", args=["PARIS"])))
    assert "Import impossible pour l'instant" in page
    assert f"Le fichier du jeton d'accès à l'API de Démarches Simplifiées est introuvable ({tmp_path / 'nulle-part'})" in page
    assert "(configuration à corriger (ci-dessus))" in page
    reponse = client.post(reverse("passerelles:lancer", args=["PARIS"]), {"type": "initiale"}, follow=True)
    assert "est introuvable" in texte(reponse)
    assert not ImportDS.objects.exists()


@pytest.mark.parametrize("valeur", ["", "nationale", "x" * 500, "initiale\x00", "<script>"])
def test_bad_kind_is_refused_in_french_and_records_nothing(client, ds, instructeur, valeur):
    client.force_login(instructeur)
    reponse = client.post(reverse("passerelles:lancer", args=["PARIS"]), {"type": valeur}, follow=True)
    assert reponse.status_code in (200, 400)
    assert "Aucune démarche Démarches Simplifiées n'est configurée" in texte(reponse) or reponse.status_code == 400
    assert not ImportDS.objects.exists()


def test_malformed_mapping_file_is_said_in_french(client, ds, instructeur, settings, tmp_path):
    fichier = tmp_path / "ds-paris.toml"
    fichier.write_text('[champs]\n"Nom" = "nom_de_famille"\n[pieces]\n"Lettre" = "lettre"\n', encoding="utf-8")
    settings.DS_DEMARCHES = {"PARIS": {"initiale": 101, "correspondance": str(fichier)}}
    client.force_login(instructeur)
    page = texte(client.get(reverse("passerelles:cour", args=["PARIS"])))
    assert "contient des erreurs" in page and "« Nom » = « nom_de_famille » : valeur inconnue" in page
    fichier.write_text("[champs\n", encoding="utf-8")
    assert "n'est pas du TOML valide" in texte(client.get(reverse("passerelles:cour", args=["PARIS"])))


def test_a_court_can_adjust_the_mapping(ds, instructeur, orgs, settings, tmp_path):
    from justexpert.passerelles import correspondance, services

    texte_defaut = correspondance.DEFAUT.read_text(encoding="utf-8")
    fichier = tmp_path / "ds-paris.toml"
    fichier.write_text(texte_defaut + "\n[autres]\n", encoding="utf-8")
    fichier.write_text(
        texte_defaut.replace('"Profession exercée" = "profession"', '"Profession exercée" = "travaux"').replace(
            'etats = ["en_construction", "en_instruction"]', 'etats = ["en_construction"]'
        ),
        encoding="utf-8",
    )
    settings.DS_DEMARCHES = {"PARIS": {"initiale": 101, "correspondance": str(fichier)}}
    imp = services.executer(services.creer(acteur=instructeur, cour=orgs["PARIS"], type_candidature="initiale"))
    c = DossierDS.objects.get(numero=1001).candidature
    assert c.travaux == "Ingénieure hydraulicienne" and c.profession == ""
    assert not DossierDS.objects.filter(numero=1002).exists()  # en instruction on DS: not imported by this court
    assert any(r["numero"] == 1002 and "cet état n'est pas importé" in r["lignes"][0] for r in imp.rapport)


@pytest.fixture
def autres(orgs):
    return {
        "instructeur_lyon": creer_utilisateur("greffier.lyon@test.fr", (Role.GREFFIER, orgs["LYON"], [])),
        "greffier_tj": creer_utilisateur("greffier.tj@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], [])),
        "magistrat": creer_utilisateur("magistrat.tj@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [])),
        "instructeur_cassation": creer_utilisateur("greffier.cassation@test.fr", (Role.GREFFIER, orgs["COUR_CASSATION"], [])),
    }


@pytest.mark.parametrize("qui", ["instructeur_lyon", "greffier_tj", "magistrat", "instructeur_cassation"])
def test_only_the_courts_instructors_others_get_404(client, ds, instructeur, orgs, autres, qui):
    imp = ImportDS.objects.create(
        cour=orgs["PARIS"], type_candidature="initiale", demarche=101, lance_par=instructeur, etat=EtatImport.TERMINE
    )
    client.force_login(autres[qui])
    assert client.get(reverse("passerelles:cour", args=["PARIS"])).status_code == 404
    assert client.get(reverse("passerelles:import", args=["PARIS", imp.uuid])).status_code == 404
    assert client.post(reverse("passerelles:lancer", args=["PARIS"]), {"type": "initiale"}).status_code == 404
    assert ImportDS.objects.count() == 1
    assert client.get(reverse("passerelles:index")).status_code == 200


def test_an_instructor_by_habilitation_in_a_tribunal_of_the_ressort_may_import(client, ds, orgs):
    tj = creer_utilisateur("instructeur.tj@test.fr", (Role.MAGISTRAT, orgs["TJ_PARIS"], [Habilitation.INSTRUCTEUR_CANDIDATURES]))
    client.force_login(tj)
    assert client.get(reverse("passerelles:cour", args=["PARIS"])).status_code == 200
    assert "Cour d'appel de Paris" in texte(client.get(reverse("passerelles:index")))


def test_an_import_of_another_court_or_unknown_is_404(client, ds, instructeur, orgs, autres):
    imp_lyon = ImportDS.objects.create(
        cour=orgs["LYON"], type_candidature="initiale", demarche=201, lance_par=autres["instructeur_lyon"]
    )
    client.force_login(instructeur)
    assert client.get(reverse("passerelles:import", args=["PARIS", imp_lyon.uuid])).status_code == 404
    assert client.get(reverse("passerelles:import", args=["LYON", imp_lyon.uuid])).status_code == 404
    assert client.get(reverse("passerelles:import", args=["PARIS", uuid.uuid4()])).status_code == 404
    assert client.get(reverse("passerelles:cour", args=["NULLE-PART"])).status_code == 404


def test_people_outside_justice_staff_get_403(client, expert):
    client.force_login(expert)
    assert client.get(reverse("passerelles:index")).status_code == 403
    assert client.get(reverse("passerelles:cour", args=["PARIS"])).status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("passerelles:index")).status_code == 302


def test_a_run_silent_for_too_long_no_longer_blocks_a_new_one(ds, instructeur, orgs):
    import datetime as dt

    from django.utils import timezone

    from justexpert.passerelles import services

    ancien = ImportDS.objects.create(
        cour=orgs["PARIS"], type_candidature="initiale", demarche=101, lance_par=instructeur, etat=EtatImport.EN_COURS
    )
    ImportDS.objects.filter(pk=ancien.pk).update(avance_le=timezone.now() - dt.timedelta(hours=1))
    nouveau = services.creer(acteur=instructeur, cour=orgs["PARIS"], type_candidature="initiale")
    ancien.refresh_from_db()
    assert ancien.etat == EtatImport.ECHEC and "s'est arrêté sans finir" in ancien.message
    assert nouveau.etat == EtatImport.EN_ATTENTE


def test_an_unexpected_error_in_the_task_does_not_leave_the_run_in_progress(ds, instructeur, orgs, monkeypatch):
    from justexpert.passerelles import services, tasks

    imp = services.creer(acteur=instructeur, cour=orgs["PARIS"], type_candidature="initiale")

    def panne(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(services, "importer_dossier", panne)
    resultat = tasks.importer.enqueue(str(imp.uuid))
    assert resultat.status == "FAILED"
    imp.refresh_from_db()
    assert imp.etat == EtatImport.ECHEC and imp.message.startswith("Erreur inattendue")
