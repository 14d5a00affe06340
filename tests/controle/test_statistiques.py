"""Every statistic on the small world of conftest.py, against figures worked out by hand.

Period: 1 January - 30 June 2026 (Paris). TJ Paris: A (designated 5 Jan, accepted 7 Jan, provision
found 17 Jan, meeting 27 Jan, pré-rapport 28 Mar, report 27 Apr before its 30 Apr deadline, taxed
and closed 7 May, provision 3000 €, taxed 2700 €); B (designated 1 Feb, refused 3 Feb, accepted
5 Feb, provision paid 4 Feb before the acceptance, report 3 Mar after its 1 Mar deadline, taxed and
closed 13 Mar, provision 1000 €, taxed 1500 €); C (other rubrique, designated 10 Mar, accepted
12 Mar, caduque 10 Apr); E (designated 20 Dec 2025, accepted 2 Jan 2026). TJ Lyon: D (designated
10 Jan, accepted 20 Jan). Solicitations of TJ Paris: S1 accepted after 6 h, S2 refused with a
conflict of interest after 24 h, S3 expired, S4 sent in 2025.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from justexpert.controle import faits, statistiques
from justexpert.controle.statistiques import Perimetre, mediane, p90
from tests.conftest import texte

DEBUT, FIN = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


@pytest.fixture
def calcul(monde_stats):
    faits.reconstruire()
    return monde_stats


def _valeurs(chiffres):
    return {c.cle: c.valeur for c in chiffres}


def _durees(durees):
    return {d.cle: (d.n, d.mediane, d.p90) for d in durees}


def test_percentiles_are_the_documented_ones():
    assert mediane([2, 2, 4, 13]) == 3
    assert p90([2, 2, 4, 13]) == 13  # ceil(3.6) = 4th value
    assert p90(list(range(1, 11))) == 9  # ceil(9) = 9th value
    assert mediane([]) is None and p90([]) is None


def test_statistics_of_a_juridiction(calcul, orgs):
    r = statistiques.calculer(Perimetre(orgs["TJ_PARIS"]), DEBUT, FIN)
    assert _valeurs(r.comptes) == {
        "designation": 3,  # A, B, C (E was designated in 2025)
        "acceptation": 4,  # A, B, C, E
        "refus": 1,  # B
        "caducite": 1,  # C
        "cloture": 2,  # A, B
        "rapport": 2,  # A, B
    }
    assert _durees(r.durees) == {
        "acceptation": (4, 3, 13),  # [2, 2, 4, 13]
        "consignation": (2, 5, 10),  # A 10; B paid before accepting: 0
        "reunion": (1, 10, 10),
        "pre_rapport": (1, 60, 60),
        "rapport": (1, 30, 30),
        "taxation": (2, 10, 10),
        "totale": (2, 71, 112),  # B 30, A 112
    }
    assert _valeurs(r.retard) == {"rapports": 2, "rapports_retard": 1, "part_retard": 50.0}
    assert _valeurs(r.frais) == {
        "taxees": 2,
        "provisions": Decimal("4000"),
        "taxe": Decimal("4200"),
        "taxe_sur_provision": 1.2,  # median of 0.9 and 1.5
        # Fees asked vs taxed (« Frais »): A asked 3,000, taxed 2,700; B asked and taxed 1,500
        # (B's ordonnance rendered through « Frais », its amount read there).
        "demande": Decimal("4500"),
        "taxe_demande": Decimal("4200"),
        "taxe_sur_demande": 0.95,  # median of 0.9 and 1.0
    }
    assert _valeurs(r.sollicitations) == {
        "envoyees": 3,
        "repondues": 2,
        "acceptees": 1,
        "refusees": 1,
        "refusees_conflit": 1,
        "expirees": 1,
        "en_attente": 0,
    }
    assert _durees(r.delais_reponse) == {"reponse": (2, 15, 24)}
    assert r.par_mois == [
        ("janv. 2026", 1),
        ("févr. 2026", 1),
        ("mars 2026", 1),
        ("avr. 2026", 0),
        ("mai 2026", 0),
        ("juin 2026", 0),
    ]
    r1, r2 = calcul["r1"], calcul["r2"]
    assert {x["rubrique"]: (x["ordonnees"], x["rapports"], x["retard"]) for x in r.par_rubrique} == {r1: (2, 2, 1), r2: (1, 0, 0)}
    assert not r.vide


def test_cour_appel_and_national_add_the_other_courts(calcul, orgs):
    cour = statistiques.calculer(Perimetre(orgs["PARIS"]), DEBUT, FIN)
    assert _valeurs(cour.comptes)["designation"] == 3  # TJ Paris is in the ressort of Paris
    lyon = statistiques.calculer(Perimetre(orgs["LYON"]), DEBUT, FIN)
    assert _valeurs(lyon.comptes) == {"designation": 1, "acceptation": 1, "refus": 0, "caducite": 0, "cloture": 0, "rapport": 0}
    assert _durees(lyon.durees)["acceptation"] == (1, 10, 10)
    national = statistiques.calculer(Perimetre(None), DEBUT, FIN)
    assert _valeurs(national.comptes)["designation"] == 4
    assert _durees(national.durees)["acceptation"] == (5, 4, 13)  # [2, 2, 4, 10, 13]


def test_by_specialite(calcul, orgs):
    r = statistiques.calculer(Perimetre(orgs["TJ_PARIS"]), DEBUT, FIN, rubrique=calcul["r2"])
    assert _valeurs(r.comptes) == {"designation": 1, "acceptation": 1, "refus": 0, "caducite": 1, "cloture": 0, "rapport": 0}


def test_a_period_with_no_data_says_so(calcul, client, magistrat, orgs):
    r = statistiques.calculer(Perimetre(orgs["TJ_PARIS"]), dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert r.vide
    client.force_login(magistrat)
    page = client.get(
        reverse("controle:statistiques", args=[orgs["TJ_PARIS"].uuid]), {"debut": "2020-01-01", "fin": "2020-12-31"}
    )
    assert page.status_code == 200
    assert "Aucune donnée pour cette période" in texte(page)
    assert "Pas encore de données" in texte(page)


def test_page_shows_figures_definitions_charts_and_the_stop_date(calcul, client, magistrat, orgs):
    client.force_login(magistrat)
    page = client.get(
        reverse("controle:statistiques", args=[orgs["TJ_PARIS"].uuid]), {"debut": "2026-01-01", "fin": "2026-06-30"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chiffres arrêtés au" in html
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "#000091" in html  # DSFR blue France
    assert "Expertises dont la désignation a été enregistrée dans la période." in html
    assert "Rémunération demandée par l&#x27;expert" in html or "Rémunération demandée par l'expert" in html


def test_csv_export_and_a_too_long_period(calcul, client, magistrat, orgs, settings):
    client.force_login(magistrat)
    url = reverse("controle:statistiques_csv", args=[orgs["TJ_PARIS"].uuid])
    reponse = client.get(url, {"debut": "2026-01-01", "fin": "2026-06-30"})
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/csv")
    contenu = reponse.content.decode("utf-8-sig")
    assert "Expertises ordonnées;3;" in contenu
    assert "De la désignation à l'acceptation — médiane;3,0;jours" in contenu
    settings.CONTROLE_EXPORT_JOURS_MAX = 100
    trop = client.get(url, {"debut": "2026-01-01", "fin": "2026-06-30"})
    assert trop.status_code == 400
    assert "La période demandée est trop longue" in texte(trop)
    mauvaise = client.get(url, {"debut": "2026-06-30", "fin": "2026-01-01"})
    assert mauvaise.status_code == 400 and "La fin de la période doit suivre son début." in texte(mauvaise)
    invalide = client.get(url, {"debut": "hier"})
    assert invalide.status_code == 400 and "Date invalide" in texte(invalide)


def test_another_court_is_404_and_the_national_level_is_the_ministrys(calcul, client, magistrat, orgs, administrateur):
    client.force_login(magistrat)
    assert client.get(reverse("controle:statistiques", args=[orgs["TJ_LYON"].uuid])).status_code == 404
    assert client.get(reverse("controle:statistiques_nationales")).status_code == 403
    client.force_login(administrateur)
    assert (
        client.get(reverse("controle:statistiques_nationales"), {"debut": "2026-01-01", "fin": "2026-06-30"}).status_code == 200
    )
    assert client.get(reverse("controle:statistiques", args=[orgs["TJ_LYON"].uuid])).status_code == 200


def test_the_periodic_task_rebuilds_the_figures(monde_stats):
    from justexpert.controle.tasks import arreter_statistiques

    assert arreter_statistiques.call() == 5
    assert faits.dernier_arrete() is not None
