"""importer_experts (good, bad, repeated, older nomenclature) and the exports of annual lists."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from justexpert.annuaire import exports, importation, nomenclature, services
from justexpert.annuaire.importation import COLONNES
from justexpert.annuaire.models import Expert, Historique, Inscription
from tests.conftest import texte

pytestmark = pytest.mark.django_db
ENTETE = ",".join(COLONNES) + "\n"
BON = ENTETE + (
    "E1,Mme,Durand,Alix,1970-05-01,Ingénieure,12 rue de la Paix,75002,Paris,alix@test.fr,01 23 45 67 89,,CNCEJ,2019-02-01,PARIS,C.2.8,,probatoire,2024-01-01,,\n"
    "E1,Mme,Durand,Alix,1970-05-01,Ingénieure,12 rue de la Paix,75002,Paris,alix@test.fr,01 23 45 67 89,,CNCEJ,2019-02-01,PARIS,C.4.3,,probatoire,2024-01-01,,\n"
    "E2,M.,Martin,Lou,01/02/1965,Traducteur,3 quai Rambaud,69002,Lyon,,04 00 00 00 00,,,,LYON,A.1.6,2022,inscrit,2022-01-01,,2014-01-01\n"
)


def _importer(tmp_path, contenu: str, *args: str) -> str:
    fichier = tmp_path / "liste.csv"
    fichier.write_text(contenu, encoding="utf-8")
    out = StringIO()
    call_command("importer_experts", str(fichier), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_good_file_imports_fiches_inscriptions_and_history(tmp_path, nomenclature_2022, orgs):
    sortie = _importer(tmp_path, BON)
    assert "2 fiche(s) créée(s)" in sortie and "3 inscription(s) créée(s)" in sortie
    alix = Expert.objects.get(reference="E1")
    assert (alix.cour_appel.code, alix.departement) == ("PARIS", "75")
    i = Inscription.objects.get(expert__reference="E2")
    assert (str(i.fin), str(i.inscrit_depuis)) == ("2026-12-31", "2014-01-01")
    assert Historique.objects.filter(expert=alix).count() == 3


def test_same_file_again_changes_nothing(tmp_path, nomenclature_2022, orgs):
    _importer(tmp_path, BON)
    compte = (Expert.objects.count(), Inscription.objects.count(), Historique.objects.count())
    assert "rien n'a changé" in _importer(tmp_path, BON)
    assert (Expert.objects.count(), Inscription.objects.count(), Historique.objects.count()) == compte


def test_changed_row_updates_with_history(tmp_path, nomenclature_2022, orgs):
    _importer(tmp_path, BON)
    _importer(tmp_path, BON.replace("inscrit,2022-01-01", "radie,2022-01-01"))
    i = Inscription.objects.get(expert__reference="E2")
    assert i.statut == "radie"
    assert Historique.objects.filter(inscription=i, action="import").get().changements["statut"] == ["inscrit", "radie"]


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(tmp_path, nomenclature_2022, orgs):
    mauvais = BON + (
        "E3,X,Roux,Ana,1980-13-01,,,7500,,pas-une-adresse,,,,,MARS,C.2.8,,probatoire,2024-01-01,,\n"
        "E4,,Petit,Sam,,,,,,,,,,,PARIS,C.2,,dormant,2024-01-01,2023-01-01,\n"
        "E1,Mme,Durand,Alix,1970-05-01,Autre,12 rue de la Paix,75002,Paris,alix@test.fr,01 23 45 67 89,,CNCEJ,2019-02-01,PARIS,A.1.6,,probatoire,2024-01-01,,\n"
        "trop,court\n"
    )
    with pytest.raises(importation.ImportInvalide) as exc:
        importation.importer(mauvais)
    texte_erreurs = "\n".join(exc.value.erreurs)
    for attendu in (
        "ligne 5 : date_naissance « 1980-13-01 »",
        "ligne 5 : civilité « X »",
        "ligne 5 : adresse électronique",
        "ligne 5 : code postal « 7500 »",
        "ligne 5 : liste « MARS » inconnue",
        "ligne 6 : statut « dormant » inconnu",
        "ligne 6 : « C.2 » n'est pas une spécialité",
        "ligne 6 : la date de fin précède",
        "ligne 7 : la référence E1 a une identité différente de celle de la ligne 2",
        "ligne 8 : nombre de colonnes incorrect",
    ):
        assert attendu in texte_erreurs
    assert not Expert.objects.exists()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        _importer(tmp_path, mauvais)
    with pytest.raises(importation.ImportInvalide, match="en-tête"):
        importation.importer("nom,prenom\nA,B\n")
    with pytest.raises(importation.ImportInvalide, match="UTF-8"):
        importation.importer(ENTETE.encode() + "é".encode("latin-1"))


def test_older_nomenclature_is_reclassified(tmp_path, nomenclature_2022, orgs):
    nomenclature.importer(
        "code,branch_code,branch_label,rubric_code,rubric_label,specialty_label\nC.2.5,C,,C.2,Bâtiment,Piscines (ancien)\nC.2.6,C,,C.2,Bâtiment,Double\n",
        version="2005",
    )
    nomenclature.importer_reclassement(
        "ancien_code,nouveau_code\nC.2.5,C.2.8\nC.2.6,C.2.8\nC.2.6,C.4.3\n", de="2005", vers="2022"
    )
    ligne = "E9,,Blanc,Noé,1975-01-01,,,75001,Paris,,,,,,PARIS,{code},2005,inscrit,2023-01-01,,\n"
    with pytest.raises(importation.ImportInvalide, match="plusieurs spécialités"):
        importation.importer(ENTETE + ligne.format(code="C.2.6"))
    rapport = importation.importer(ENTETE + ligne.format(code="C.2.5"))
    assert rapport.reclassements == 1
    assert Inscription.objects.get(expert__reference="E9").specialite.code == "C.2.8"
    assert Inscription.objects.get().specialite.version.code == "2022"


@pytest.fixture
def liste_publiee(tmp_path, nomenclature_2022, orgs, greffier_paris):
    _importer(tmp_path, BON + "E5,,Zola,Émile,1960-01-01,,,75001,Paris,,,,,,PARIS,A.1.6,,radie,2024-01-01,,\n")
    return services.publier_liste(acteur=greffier_paris, liste=orgs["PARIS"], annee=2026)


def test_csv_and_json_are_ordered_and_carry_public_fields_only(liste_publiee, orgs):
    brut = exports.liste_csv(orgs["PARIS"], 2026)
    lignes = list(csv.reader(StringIO(brut)))
    assert lignes[0] == exports.COLONNES
    assert [ligne[4] for ligne in lignes[1:]] == ["C.2.8", "C.4.3"]
    assert lignes[1][6] == "DURAND" and "alix@test.fr" not in brut and "1970" not in brut
    contenu = json.loads(exports.liste_json(orgs["PARIS"], 2026))
    assert [e["nom"] for e in contenu["experts"]] == ["DURAND", "DURAND"]  # ZOLA is radiated
    assert set(contenu["experts"][0]) == set(exports.COLONNES)


def _texte_pdf(pdf: bytes) -> str:
    outil = shutil.which("pdftotext")
    if outil is None:
        pytest.skip("pdftotext (poppler-utils) absent")
    return subprocess.run([outil, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def test_pdf_contains_the_names(liste_publiee, orgs):
    pdf = exports.liste_pdf(orgs["PARIS"], 2026)
    assert pdf.startswith(b"%PDF")
    contenu = _texte_pdf(pdf)
    assert "DURAND Alix" in contenu and "C.2.8" in contenu and "ZOLA" not in contenu


def test_public_pages_and_exports(client, liste_publiee):
    page = texte(client.get(reverse("listes:index")))
    assert "2026" in page
    page = texte(client.get(reverse("listes:liste", args=[liste_publiee.uuid])))
    assert "DURAND" in page and "12 rue de la Paix" in page and "01 23 45 67 89" in page
    assert "alix@test.fr" not in page and "Ingénieure" not in page
    for fmt, debut in (("pdf", b"%PDF"), ("csv", b"branche_code"), ("json", b"{")):
        r = client.get(reverse("listes:export", args=[liste_publiee.uuid, fmt]))
        assert r.status_code == 200 and r.content.startswith(debut)
    assert client.get(reverse("listes:export", args=[liste_publiee.uuid, "xls"])).status_code == 404
    assert client.get(reverse("listes:liste", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_demo_world_has_experts_lists_and_the_demo_expert_linked(settings):
    settings.DEMO = True
    call_command("charger_demo", stdout=StringIO())
    call_command("charger_demo", stdout=StringIO())
    assert Expert.objects.count() == 20
    assert Expert.objects.get(reference="D0001").utilisateur.email == "expert@demo.justexpert.fr"
    assert {i.liste.code for i in Inscription.objects.all()} == {"PARIS", "LYON", "VERSAILLES"}


def test_import_sets_modifie_le_on_the_fiches_it_changes(tmp_path, nomenclature_2022, orgs):
    """Readers of "fiches changed since" (recherche's index) must see changes made by an import."""
    _importer(tmp_path, BON)
    avant = dict(Expert.objects.values_list("reference", "modifie_le"))
    _importer(tmp_path, BON.replace("Ingénieure", "Géotechnicienne"))
    apres = dict(Expert.objects.values_list("reference", "modifie_le"))
    assert apres["E1"] > avant["E1"]
    assert apres["E2"] == avant["E2"]  # unchanged fiche, unchanged date
    assert Expert.objects.filter(modifie_le__gte=apres["E1"]).get().reference == "E1"
