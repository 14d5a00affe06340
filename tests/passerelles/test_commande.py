"""manage.py importer_ds: the same import from the command line, with its report."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from justexpert.passerelles.models import DossierDS, ImportDS


def test_command_imports_and_prints_the_report(ds, instructeur):
    sortie = io.StringIO()
    call_command("importer_ds", "--cour", "PARIS", "--type", "initiale", "--par", instructeur.email, stdout=sortie)
    texte = sortie.getvalue()
    assert texte.startswith("Terminé : 5 dossier(s) lu(s), 3 créé(s), 0 mis à jour, 0 inchangé(s), 2 non importé(s).")
    assert "- Dossier n° 1003 non importé" in texte
    assert DossierDS.objects.count() == 3
    call_command("importer_ds", "--cour", "PARIS", "--type", "initiale", "--par", instructeur.email, stdout=io.StringIO())
    assert DossierDS.objects.count() == 3 and ImportDS.objects.count() == 2


def test_command_refuses_someone_who_does_not_instruct_the_court(ds, instructeur_lyon):
    with pytest.raises(CommandError, match="n'instruit pas les candidatures de la cour « PARIS »"):
        call_command("importer_ds", "--cour", "PARIS", "--type", "initiale", "--par", instructeur_lyon.email)
    assert not ImportDS.objects.exists()


def test_command_says_the_token_file_is_missing(ds, instructeur, settings, tmp_path):
    settings.DS_JETON_FICHIER = str(tmp_path / "absent")
    with pytest.raises(CommandError, match="Le fichier du jeton d'accès à l'API de Démarches Simplifiées est introuvable"):
        call_command("importer_ds", "--cour", "PARIS", "--type", "initiale", "--par", instructeur.email)
    assert not ImportDS.objects.exists()


def test_command_unknown_account(ds):
    with pytest.raises(CommandError, match="Aucun compte actif"):
        call_command("importer_ds", "--cour", "PARIS", "--type", "initiale", "--par", "personne@exemple.fr")


def test_command_stops_with_the_message_when_ds_refuses(ds, instructeur, settings, tmp_path):
    (tmp_path / "j").write_text("autre-jeton")
    settings.DS_JETON_FICHIER = str(tmp_path / "j")
    with pytest.raises(CommandError, match="refuse le jeton"):
        call_command("importer_ds", "--cour", "PARIS", "--type", "initiale", "--par", instructeur.email, stdout=io.StringIO())
