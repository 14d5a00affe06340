"""Nomenclature import: the shared fragment, repeated imports, bad files, reclassement."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from justexpert.annuaire import nomenclature
from justexpert.annuaire.models import ElementNomenclature, Niveau, VersionNomenclature

pytestmark = pytest.mark.django_db

DATA = Path(nomenclature.__file__).resolve().parent / "data"
FRAGMENT = DATA / "nomenclature-2022-fragment.csv"
ENTETE = "code,branch_code,branch_label,rubric_code,rubric_label,specialty_label\n"


def test_shared_fragment_imports_with_missing_parents_created(tmp_path):
    out = StringIO()
    call_command(
        "importer_nomenclature",
        str(FRAGMENT),
        "--code-version",
        "2022",
        "--reference",
        "arrêté du 5 décembre 2022",
        "--debut",
        "2024-01-01",
        stdout=out,
    )
    v = VersionNomenclature.objects.get(code="2022")
    assert v.reference_juridique == "arrêté du 5 décembre 2022"
    assert str(v.debut) == "2024-01-01"
    codes = set(ElementNomenclature.objects.filter(version=v).values_list("code", flat=True))
    # Every row, plus parents named only through codes (branches A and C, rubrique C.5).
    assert {"A", "C", "C.5", "H", "I", "A.1.6", "C.2.8", "C.10.2"} <= codes
    c5 = ElementNomenclature.objects.get(version=v, code="C.5.3")
    assert c5.niveau == Niveau.SPECIALITE and c5.libelle == "Hydrogéologie"
    assert c5.parent.code == "C.5" and c5.parent.libelle == "" and c5.parent.parent.code == "C"
    assert "parents créés" in out.getvalue()
    # Natural order: C.10 after C.4.
    ordre = list(
        ElementNomenclature.objects.filter(version=v, niveau=Niveau.RUBRIQUE, code__startswith="C").values_list("code", flat=True)
    )
    assert ordre == ["C.2", "C.4", "C.5", "C.10"]


def test_importing_the_same_file_again_changes_nothing():
    nomenclature.importer(FRAGMENT.read_bytes(), version="2022")
    avant = list(ElementNomenclature.objects.values_list("id", "code", "libelle", "parent_id"))
    rapport = nomenclature.importer(FRAGMENT.read_bytes(), version="2022")
    assert rapport.crees == 0 and rapport.modifies == 0
    assert list(ElementNomenclature.objects.values_list("id", "code", "libelle", "parent_id")) == avant


def test_a_later_file_fills_unknown_labels_without_erasing_known_ones():
    nomenclature.importer(FRAGMENT.read_bytes(), version="2022")
    nomenclature.importer(ENTETE + 'C,C,"Bâtiment, travaux publics",,,\nC.5.3,C,,C.5,,\n', version="2022")
    assert ElementNomenclature.objects.get(code="C").libelle == "Bâtiment, travaux publics"
    assert ElementNomenclature.objects.get(code="C.5.3").libelle == "Hydrogéologie"


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        (ENTETE + "A.1,A,,A.1,Agriculture,\nZ.1,Z,,Z.1,Inconnue,\n", "ligne 3 : branche « Z » inconnue"),
        (ENTETE + "A.1,A,,A.1,Agriculture,\nA..1,A,,,,\n", "ligne 3 : code « A..1 » invalide"),
        (ENTETE + "A.1,A,,A.1,Agriculture,\nA.1,A,,A.1,Agriculture,\n", "ligne 3 : code A.1 en double (déjà ligne 2)"),
        (ENTETE + "A.1.6,B,,A.1,,Hydraulique\n", "ligne 2 : branch_code « B » ne correspond pas"),
        (ENTETE + "A.1.6,A,,A.2,,Hydraulique\n", "ligne 2 : rubric_code « A.2 » ne correspond pas"),
        (ENTETE + "A.1.6.2,A,,A.1,,Trop profond\n", "ligne 2 : code « A.1.6.2 » invalide"),
        (ENTETE + "A.1,A,,A.1,x,y,z\n", "ligne 2 : nombre de colonnes incorrect"),
        ("code;libelle\nA;x\n", "ligne 1 : en-tête attendu"),
    ],
)
def test_malformed_rows_are_reported_with_line_numbers_and_nothing_is_imported(tmp_path, contenu, attendu):
    fichier = tmp_path / "n.csv"
    fichier.write_text(contenu, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("importer_nomenclature", str(fichier), "--code-version", "2099", stderr=err)
    assert attendu in err.getvalue()
    assert not VersionNomenclature.objects.filter(code="2099").exists()
    assert not ElementNomenclature.objects.exists()


def test_non_utf8_and_missing_files_are_clear_errors(tmp_path):
    fichier = tmp_path / "latin1.csv"
    fichier.write_bytes((ENTETE + "A.1,A,,A.1,Élevage,\n").encode("latin-1"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("importer_nomenclature", str(fichier), "--code-version", "x", stderr=err)
    assert "UTF-8" in err.getvalue()
    with pytest.raises(CommandError, match="No such file"):
        call_command("importer_nomenclature", str(tmp_path / "absent.csv"), "--code-version", "x")
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("importer_nomenclature", str(fichier), "--code-version", "x", "--debut", "1er janvier")


def test_reclassement_maps_old_items_to_new_ones(tmp_path):
    nomenclature.importer(ENTETE + "C.1.1,C,,C.1,,Ancienne spécialité\nC.1.2,C,,C.1,,Inchangée\n", version="2005")
    nomenclature.importer(FRAGMENT.read_bytes(), version="2022")
    nomenclature.importer(ENTETE + "C.1.2,C,,C.1,,Inchangée\n", version="2022")
    table = tmp_path / "r.csv"
    table.write_text("ancien_code,nouveau_code\nC.1.1,C.2.8\nC.1.1,C.4.3\n", encoding="utf-8")
    call_command("importer_reclassement", str(table), "--de", "2005", "--vers", "2022", stdout=StringIO())
    assert sorted(e.code for e in nomenclature.reclasser("C.1.1", de="2005", vers="2022")) == ["C.2.8", "C.4.3"]
    assert [e.code for e in nomenclature.reclasser("C.1.2", de="2005", vers="2022")] == ["C.1.2"]
    mauvais = tmp_path / "m.csv"
    mauvais.write_text("ancien_code,nouveau_code\nC.9.9,C.2.8\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("importer_reclassement", str(mauvais), "--de", "2005", "--vers", "2022", stderr=err)
    assert "ligne 2 : code C.9.9 absent de la version 2005" in err.getvalue()
