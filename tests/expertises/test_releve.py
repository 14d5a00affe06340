"""The expert's record of activity (annuaire.activite), built from two years of cases run through
the expertises services: each line of the record is checked against what happened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from justexpert.annuaire import activite
from justexpert.annuaire.models import FaitActivite, NatureFait
from justexpert.expertises import depots
from justexpert.expertises import services as services_expertises
from justexpert.expertises.models import Etat, Qualite, TypeDocument

from .conftest import inscrire, parties
from .outils_depots import deposer, etat

UN = dt.date(2024, 6, 3)
DEUX = dt.date(2025, 9, 15)


def a_la_date(monkeypatch, jour: dt.date) -> None:
    """The expertises services run on ``jour`` (10:00 UTC, midday in Paris)."""
    instant = dt.datetime(jour.year, jour.month, jour.day, 10, tzinfo=dt.UTC)
    monkeypatch.setattr(services_expertises, "maintenant", lambda: instant)
    monkeypatch.setattr(depots, "maintenant", lambda: instant)


def une_mission(
    *, jour, magistrat, greffier, expert, fiche, avocat, orgs, numero, accepter=True, en_retard=False, dires=0, taxe=None
):
    """One case of the expert, designated on ``jour``: accepted or refused; then ``dires`` dires,
    each answered but the last; the report (late if asked); a fee request; the taxation."""
    e = services_expertises.designer(
        acteur=magistrat,
        juridiction=orgs["TJ_PARIS"],
        numero_rg=numero,
        matiere="civile",
        type_procedure="refere",
        fiche_expert=fiche,
        mission="Décrire les désordres affectant la toiture.",
        questions=["Décrire les désordres"],
        date_ordonnance=jour - dt.timedelta(days=1),
        date_limite_rapport=jour + dt.timedelta(days=120),
        greffiers=[greffier],
        parties=[("SCI Les Tilleuls", "demandeur"), ("Entreprise Toitures", "defendeur")],
    )
    services_expertises.notifier(acteur=greffier, expertise=e)
    if not accepter:
        services_expertises.refuser(acteur=expert, expertise=e, motif="Conflit d'intérêts")
        return e
    services_expertises.accepter(acteur=expert, expertise=e)
    a, _b = parties(e)
    inscrire(e, expert, avocat, Qualite.AVOCAT, a)
    e = etat(e, Etat.PHASE_DIRES, date_limite_dires=jour + dt.timedelta(days=30))
    recus = [deposer(avocat, e, TypeDocument.DIRE, nom=f"dire-{i}.pdf") for i in range(dires)]
    for dire in recus[:-1]:
        deposer(expert, e, TypeDocument.REPONSE_DIRE, nom="reponse.pdf", repond_a=dire)
    if recus[:-1]:  # answering the same dire twice counts once
        deposer(expert, e, TypeDocument.REPONSE_DIRE, nom="reponse-bis.pdf", repond_a=recus[0])
    e = etat(e, Etat.REDACTION, date_limite_rapport=jour - dt.timedelta(days=1) if en_retard else jour + dt.timedelta(days=5))
    services_expertises.deposer_rapport(acteur=expert, expertise=e)
    deposer(expert, e, TypeDocument.DEMANDE_REMUNERATION, nom="demande.pdf")
    if taxe is not None:
        e = etat(e, Etat.TAXATION)
        services_expertises.taxer(acteur=magistrat, expertise=e, montant=Decimal(taxe))
    return e


@pytest.fixture
def deux_annees(monkeypatch, magistrat, greffier, expert, fiche_expert, avocat_partie_a, orgs):
    acteurs = {
        "magistrat": magistrat,
        "greffier": greffier,
        "expert": expert,
        "fiche": fiche_expert,
        "avocat": avocat_partie_a,
        "orgs": orgs,
    }
    a_la_date(monkeypatch, UN)
    une_mission(jour=UN, numero="24/00001", dires=3, taxe="1800.00", **acteurs)
    une_mission(jour=UN, numero="24/00002", dires=1, en_retard=True, **acteurs)
    une_mission(jour=UN, numero="24/00003", accepter=False, **acteurs)
    a_la_date(monkeypatch, DEUX)
    une_mission(jour=DEUX, numero="25/00001", dires=2, taxe="950.50", **acteurs)
    une_mission(jour=DEUX, numero="25/00002", accepter=False, **acteurs)
    une_mission(jour=DEUX, numero="25/00003", accepter=False, **acteurs)
    return fiche_expert


def cellules(fiche) -> dict[str, dict[int, tuple[int, Decimal | None]]]:
    return {
        ligne.nature: {c.annee: (c.nombre, c.montant) for c in ligne.cellules}
        for ligne in activite.releve(fiche, [2024, 2025, 2026])
    }


def test_the_record_of_two_years_reads_item_by_item(deux_annees):
    r = cellules(deux_annees)
    assert r[NatureFait.MISSION_ACCEPTEE][2024][0] == 2 and r[NatureFait.MISSION_ACCEPTEE][2025][0] == 1
    assert r[NatureFait.MISSION_REFUSEE][2024][0] == 1 and r[NatureFait.MISSION_REFUSEE][2025][0] == 2
    assert r[NatureFait.RAPPORT_DEPOSE][2024][0] == 2 and r[NatureFait.RAPPORT_DEPOSE][2025][0] == 1
    assert r[NatureFait.DELAI_RESPECTE][2024][0] == 1 and r[NatureFait.DELAI_DEPASSE][2024][0] == 1
    assert r[NatureFait.DELAI_RESPECTE][2025][0] == 1 and r[NatureFait.DELAI_DEPASSE][2025][0] == 0
    assert r[NatureFait.DIRE_RECU][2024][0] == 4 and r[NatureFait.DIRE_REPONDU][2024][0] == 2
    assert r[NatureFait.DIRE_RECU][2025][0] == 2 and r[NatureFait.DIRE_REPONDU][2025][0] == 1
    assert r[NatureFait.REMUNERATION_DEMANDEE][2024][0] == 2 and r[NatureFait.REMUNERATION_DEMANDEE][2025][0] == 1
    assert r[NatureFait.REMUNERATION_TAXEE][2024] == (1, Decimal("1800.00"))
    assert r[NatureFait.REMUNERATION_TAXEE][2025] == (1, Decimal("950.50"))
    # A year without activity reads as zeros, never as a gap or a score.
    assert all(v[2026][0] == 0 for k, v in r.items() if k != activite.HEURES)
    assert r[activite.HEURES][2026] == (0, Decimal("0.0"))


def test_a_replayed_push_changes_nothing(deux_annees):
    avant = FaitActivite.objects.count()
    fait = FaitActivite.objects.filter(nature=NatureFait.MISSION_ACCEPTEE).first()
    assert activite.consigner_fait(deux_annees, fait.nature, jour=fait.jour, reference=fait.reference) is None
    assert FaitActivite.objects.count() == avant
