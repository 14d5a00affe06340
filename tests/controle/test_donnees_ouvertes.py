"""Open data: aggregates only, and the statistical secret (primary and secondary suppression)
proven on a crafted table and on a crafted world."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import pytest
from django.urls import reverse

from justexpert.controle import diffusion, faits
from justexpert.controle.diffusion import SECRET, secretiser
from justexpert.expertises.models import Etat, Expertise
from justexpert.expertises.models import Participant as ParticipantExpertise

from .conftest import expertise, t


def _lignes_equations(n: int, m: int) -> list[list[tuple[int, int]]]:
    return [[(i, j) for j in range(m + 1)] for i in range(n + 1)] + [[(i, j) for i in range(n + 1)] for j in range(m + 1)]


def _rang(lignes: list[list[Fraction]]) -> int:
    a = [row[:] for row in lignes]
    rang, cols = 0, len(a[0]) if a else 0
    for c in range(cols):
        pivot = next((r for r in range(rang, len(a)) if a[r][c] != 0), None)
        if pivot is None:
            continue
        a[rang], a[pivot] = a[pivot], a[rang]
        for r in range(len(a)):
            if r != rang and a[r][c] != 0:
                f = a[r][c] / a[rang][c]
                a[r] = [x - f * y for x, y in zip(a[r], a[rang], strict=True)]
        rang += 1
    return rang


def determinables(n: int, m: int, caches: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Suppressed cells an attacker could compute exactly from the published cells and the row
    and column equations (the cell's unit vector lies in the row space of the equations)."""
    inconnues = sorted(caches)
    equations = [[Fraction(1) if c in ligne else Fraction(0) for c in inconnues] for ligne in _lignes_equations(n, m)]
    # A line is "cells minus total = 0": the total carries -1.
    for k, ligne in enumerate(_lignes_equations(n, m)):
        total = ligne[-1]
        if total in inconnues:
            equations[k][inconnues.index(total)] = Fraction(-1)
    base = _rang(equations)
    trouvees = set()
    for i, c in enumerate(inconnues):
        unite = [Fraction(1) if j == i else Fraction(0) for j in range(len(inconnues))]
        if _rang([*equations, unite]) == base:
            trouvees.add(c)
    return trouvees


def verifier_secret(grille: list[list[int]], seuil: int = 11) -> set[tuple[int, int]]:
    n, m = len(grille), len(grille[0])
    table, caches = secretiser(grille, seuil)
    publies = [table[i][j] for i in range(n + 1) for j in range(m + 1) if (i, j) not in caches]
    assert not [v for v in publies if 0 < v < seuil], "a small count is published"
    for ligne in _lignes_equations(n, m):
        assert sum(1 for c in ligne if c in caches) != 1, f"line {ligne} reveals its only secret cell"
    assert not determinables(n, m, caches), "a secret cell can be computed from the totals"
    return caches


def test_primary_and_secondary_suppression_on_a_crafted_table():
    grille = [[20, 3, 15], [12, 14, 30], [25, 18, 0]]
    caches = verifier_secret(grille)
    # 3 is secret; then the smallest other cell of its row (15), of its column (14), and of the
    # column of 15 (30): a rectangle, whose values the totals cannot give back.
    assert caches == {(0, 1), (0, 2), (1, 1), (1, 2)}


@pytest.mark.parametrize(
    "grille",
    [
        [[1, 50], [50, 50]],
        [[5, 5, 5], [5, 5, 5]],
        [[0, 0, 4], [30, 40, 50], [12, 13, 14]],
        [[100, 2, 200, 300], [7, 150, 160, 170], [180, 190, 9, 210]],
        [[3]],
    ],
)
def test_suppression_holds_on_other_tables(grille):
    verifier_secret(grille)


def test_open_data_file_of_a_crafted_world(orgs, magistrat, expert, autre_expert, fiche_expert, administrateur, client):
    # 12 cases at TJ Paris and 3 at TJ Lyon in 2026, same rubrique: Lyon's 3 is secret, and so
    # must be something else in its column, or Lyon's total would give it back.
    for k in range(12):
        expertise(orgs["TJ_PARIS"], magistrat, fiche_expert, f"26/P{k}", t("2026-02-01") + dt.timedelta(days=k), "2026-12-31")
    for k in range(3):
        expertise(orgs["TJ_LYON"], magistrat, fiche_expert, f"26/L{k}", t("2026-03-01") + dt.timedelta(days=k), "2026-12-31")
    faits.reconstruire()
    lignes = [ligne for ligne in diffusion.lignes_ouvertes(2026) if ligne[1] == "Expertises ordonnées"]
    valeurs = {(ligne[2], ligne[3]): ligne[4] for ligne in lignes}
    rubrique = next(r for (_, r) in valeurs if r != diffusion.TOUTES_RUBRIQUES)
    assert valeurs[("Cour d'appel de Lyon", rubrique)] == SECRET
    assert valeurs[("Cour d'appel de Lyon", diffusion.TOUTES_RUBRIQUES)] == SECRET
    assert valeurs[(diffusion.TOUTES_COURS, diffusion.TOUTES_RUBRIQUES)] == 15
    assert SECRET in {valeurs[("Cour d'appel de Paris", rubrique)], valeurs[(diffusion.TOUTES_COURS, rubrique)]}
    assert not [v for v in valeurs.values() if v != SECRET and 0 < v < 11]

    client.force_login(administrateur)
    reponse = client.get(reverse("controle:donnees_ouvertes"), {"annee": "2026", "format": "csv"})
    assert reponse.status_code == 200
    contenu = reponse.content.decode("utf-8-sig")
    # Aggregates only: no name, e-mail, case number or identifier of any kind.
    interdits = [expert.email, expert.nom, fiche_expert.nom, magistrat.email, "26/P", "26/L"]
    interdits += [str(x) for x in Expertise.objects.values_list("uuid", flat=True)]
    interdits += [str(x) for x in ParticipantExpertise.objects.values_list("uuid", flat=True)]
    assert not [x for x in interdits if x in contenu]
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", contenu) and "@" not in contenu
    assert contenu.splitlines()[0] == "annee;mesure;cour_appel;specialite;valeur"
    assert Expertise.objects.filter(etat=Etat.EN_COURS).count() == 15


def test_open_data_is_the_ministrys_and_a_bad_year_is_refused(orgs, magistrat, administrateur, client):
    client.force_login(magistrat)
    assert client.get(reverse("controle:donnees_ouvertes")).status_code == 403
    client.force_login(administrateur)
    reponse = client.get(reverse("controle:donnees_ouvertes"), {"annee": "deux mille"})
    assert reponse.status_code == 400
    assert "Indiquez une année" in reponse.content.decode()
    vide = client.get(reverse("controle:donnees_ouvertes"), {"annee": "2001"})
    assert vide.status_code == 200 and "Aucune donnée pour 2001" in vide.content.decode()
