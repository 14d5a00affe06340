"""Formula injection in CSV files (issue 18, item 1): one neutralising writer for every CSV the
platform produces (justexpert/lib/tableur.py)."""

from __future__ import annotations

import csv
import re
from io import StringIO
from pathlib import Path

import pytest

from justexpert.lib.tableur import csv_texte, neutraliser

RACINE = Path(__file__).resolve().parent.parent.parent / "justexpert"


@pytest.mark.parametrize("debut", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_trigger_gets_a_leading_apostrophe(debut):
    assert neutraliser(debut + "1+1") == "'" + debut + "1+1"


@pytest.mark.parametrize("valeur", ["Durand", "", " =1+1", "'déjà", "Jean-Marie", "a=b", None, 12])
def test_ordinary_values_are_left_as_they_are(valeur):
    assert neutraliser(valeur) == ("" if valeur is None else str(valeur))


def test_separators_quotes_and_line_breaks_stay_inside_their_cell():
    piege = "x\",=cmd|'/C calc'!A0\n=1+1"
    lignes = list(csv.reader(StringIO(csv_texte(["nom"], [[piege], ["-2"]], separateur=";"), newline=""), delimiter=";"))
    assert lignes == [["nom"], [piege], ["'-2"]]


def test_the_platform_writes_csv_through_one_writer_only():
    """csv.writer / csv.DictWriter appear in justexpert/lib/tableur.py and nowhere else."""
    autres = [
        str(chemin.relative_to(RACINE.parent))
        for chemin in RACINE.rglob("*.py")
        if chemin.name != "tableur.py" and re.search(r"\bcsv\.(writer|DictWriter)\b", chemin.read_text(encoding="utf-8"))
    ]
    assert not autres, f"CSV written outside justexpert/lib/tableur.py: {autres}"
