"""Open data at the Ministry level: counts per cour d'appel × rubrique for one calendar year, with
their totals, and nothing else (no name, e-mail, RG number or identifier of any kind).

Statistical secret: a count from 1 to ``CONTROLE_SEUIL_SECRET`` − 1 (default 11) is replaced by
« secret » (primary suppression; 0 is published: it concerns nobody). Then secondary suppression:
in the table with its margins, every row and every column is an equation (its cells add up to
its total); while one of them holds exactly one suppressed cell, the smallest other cell of that
line (a positive count first, the total last) is suppressed too, so no total minus the published
cells gives back a suppressed count. The loop ends because each pass suppresses one more cell.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Count

from justexpert.comptes.models import Organisation, TypeOrganisation
from justexpert.lib.tableur import csv_texte
from justexpert.lib.temps import debut_de_journee

from .models import FaitEtape, NatureEtape
from .statistiques import FUSEAU_NATIONAL

SECRET = "secret"  # noqa: S105 (the word printed in place of a suppressed count)
TOUTES_RUBRIQUES = "Toutes spécialités"
TOUTES_COURS = "Toutes cours d'appel"
AUTRES = "Autres juridictions (Cour de cassation)"
MESURES = (NatureEtape.DESIGNATION, NatureEtape.RAPPORT)
ENTETES = ["annee", "mesure", "cour_appel", "specialite", "valeur"]


def seuil() -> int:
    return int(getattr(settings, "CONTROLE_SEUIL_SECRET", 11))


def secretiser(grille: list[list[int]], limite: int) -> tuple[list[list[int]], set[tuple[int, int]]]:
    """The table with its margins (last row: column totals, last column: row totals) and the set
    of its suppressed cells."""
    n, m = len(grille), len(grille[0]) if grille else 0
    table = [[*ligne, sum(ligne)] for ligne in grille]
    table.append([sum(table[i][j] for i in range(n)) for j in range(m + 1)])
    caches = {(i, j) for i in range(n + 1) for j in range(m + 1) if 0 < table[i][j] < limite}
    lignes = [[(i, j) for j in range(m + 1)] for i in range(n + 1)] + [[(i, j) for i in range(n + 1)] for j in range(m + 1)]
    change = True
    while change:
        change = False
        for ligne in lignes:
            if sum(1 for c in ligne if c in caches) != 1:
                continue
            *cellules, total = ligne
            candidats = [c for c in cellules if c not in caches]
            positifs = [c for c in candidats if table[c[0]][c[1]] > 0]
            choix = min(positifs or candidats or [total], key=lambda c: (table[c[0]][c[1]], c))
            caches.add(choix)
            change = True
    return table, caches


def _grille(annee: int, mesure: str) -> tuple[list[str], list[str], list[list[int]]]:
    t0 = debut_de_journee(dt.date(annee, 1, 1), FUSEAU_NATIONAL)
    t1 = debut_de_journee(dt.date(annee + 1, 1, 1), FUSEAU_NATIONAL)
    comptes: dict[tuple[str, str], int] = defaultdict(int)
    noms = dict(Organisation.objects.filter(type=TypeOrganisation.COUR_APPEL).values_list("pk", "nom"))
    for cour_id, rubrique, n in (
        FaitEtape.objects.filter(nature=mesure, le__gte=t0, le__lt=t1)
        .order_by()
        .values("fait__cour_appel", "fait__rubrique")
        .annotate(n=Count("id"))
        .values_list("fait__cour_appel", "fait__rubrique", "n")
    ):
        comptes[(noms.get(cour_id, AUTRES), rubrique)] += n
    cours = sorted(noms.values()) + ([AUTRES] if any(c == AUTRES for c, _ in comptes) else [])
    rubriques = sorted({r for _, r in comptes})
    return cours, rubriques, [[comptes.get((c, r), 0) for r in rubriques] for c in cours]


def lignes_ouvertes(annee: int) -> list[list[object]]:
    lignes: list[list[object]] = []
    limite = seuil()
    for mesure in MESURES:
        cours, rubriques, grille = _grille(annee, mesure)
        if not rubriques:
            continue
        table, caches = secretiser(grille, limite)
        for i, cour in enumerate([*cours, TOUTES_COURS]):
            for j, rubrique in enumerate([*rubriques, TOUTES_RUBRIQUES]):
                valeur = SECRET if (i, j) in caches else table[i][j]
                lignes.append([annee, NatureEtape(mesure).label, cour, rubrique, valeur])
    return lignes


def csv_ouvert(annee: int) -> str:
    return csv_texte(ENTETES, lignes_ouvertes(annee), separateur=";")
