"""The search documents: the copies the ranking reads (fiche, workload, availability) stay equal to
their sources, and the tables keep the shape the ranking query relies on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import STATUTS_ACTIFS, Expert, Inscription
from justexpert.recherche import index, moteur, services
from justexpert.recherche.models import Disponibilite, DocumentExpert, EtatDisponibilite, LigneClassement

pytestmark = pytest.mark.django_db


def visibles(magistrat, orgs) -> list[str]:
    c = moteur.Criteres(cour=orgs["PARIS"], nomenclature="C.2")
    return [r.expert.nom for r in moteur.rechercher(c, user=magistrat).resultats]


def test_a_statement_of_availability_reaches_the_ranking_in_its_own_transaction(monde, expert, magistrat, orgs, settings):
    batisseur = monde["batisseur"]
    from tests.annuaire.conftest import lier

    lier(batisseur, None, expert)
    index.actualiser(force=True)
    settings.RECHERCHE_FRAICHEUR_S = 3600  # no freshness check in between: the statement itself writes the copy
    services.definir_disponibilite(batisseur, acteur=expert, etat=EtatDisponibilite.INDISPONIBLE)
    assert DocumentExpert.objects.get(expert=batisseur).etat_disponibilite == EtatDisponibilite.INDISPONIBLE
    assert "Maçon" not in visibles(magistrat, orgs)
    services.definir_disponibilite(batisseur, acteur=expert, etat=EtatDisponibilite.DISPONIBLE, max_missions=1)
    assert "Maçon" in visibles(magistrat, orgs)


def test_workload_and_names_follow_the_fiche(monde, magistrat, orgs, greffier_ca):
    couvreur = monde["couvreur"]
    annuaire.mettre_a_jour_compteurs(couvreur, missions_ouvertes=3)
    annuaire.modifier_fiche(monde["batisseur"], acteur=greffier_ca, nom="Bâtisseur")
    index.actualiser(force=True)
    doc = DocumentExpert.objects.get(expert=couvreur)
    assert (doc.missions_en_cours, doc.cle_charge) == (3, index.cle_charge(3, couvreur.derniere_designation))
    assert "Bâtisseur" in visibles(magistrat, orgs)


def test_the_periodic_reconciliation_repairs_writes_that_bypassed_the_services(monde, magistrat, orgs):
    """A bulk update without modifie_le and a statement written straight into the table: the search
    may miss them until ``reindexer`` (hourly) puts the copies right."""
    batisseur, couvreur = monde["batisseur"], monde["couvreur"]
    index.actualiser(force=True)
    Expert.objects.filter(pk=couvreur.pk).update(missions_en_cours=7)
    Disponibilite.objects.create(expert=batisseur, etat=EtatDisponibilite.INDISPONIBLE)
    assert index.reindexer() == 2
    assert DocumentExpert.objects.get(expert=couvreur).missions_en_cours == 7
    assert "Maçon" not in visibles(magistrat, orgs)
    assert index.reindexer() == 0  # nothing left to repair


def test_documents_table_shape():
    """What the ranking query relies on: on SQLite the documents are keyed by the rowid (one B-tree
    lookup per candidate) and the FTS5 index follows them by triggers; on PostgreSQL the tsvector
    column has its GIN index. A migration that rebuilds the table must keep both."""
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            (creation,) = c.execute("SELECT sql FROM sqlite_master WHERE name = 'recherche_documentexpert'").fetchone()
            assert '"expert_id" integer NOT NULL PRIMARY KEY' in creation
            declencheurs = {
                n
                for (n,) in c.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'recherche_documentexpert'"
                )
            }
            assert declencheurs == {f"recherche_documentexpert_fts_{s}" for s in ("ai", "ad", "au")}
            # The ranking lines of a reached specialite are read from their covering index alone.
            (colonnes,) = c.execute("SELECT sql FROM sqlite_master WHERE name = 'recherche_lignes_couvrant'").fetchone()
            assert "specialite_id, liste_id" in colonnes and "texte_normalise" in colonnes
        else:
            c.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'recherche_documentexpert'")
            assert any("gin (document)" in d for (d,) in c.fetchall())


def _lignes(expert) -> dict[int, tuple]:
    return {
        pk: tuple(rest)
        for pk, *rest in LigneClassement.objects.filter(expert=expert).values_list(
            "inscription_id", "liste_id", "specialite_id", "statut", "etat_disponibilite", "nom", "texte_normalise"
        )
    }


def test_the_ranking_lines_follow_inscriptions_and_documents(monde, expert, magistrat, orgs, greffier_ca):
    """One line per inscription in force or probatoire, with its document's columns, rewritten by
    the services, by any save or deletion of an inscription, and with the document."""
    from tests.annuaire.conftest import lier, spe

    batisseur = monde["batisseur"]
    index.actualiser(force=True)
    actives = Inscription.objects.filter(statut__in=STATUTS_ACTIFS, expert__document_recherche__isnull=False)
    assert LigneClassement.objects.count() == actives.count() > 0
    assert index.reconcilier_lignes() == 0  # what the services wrote is what the sources give
    (ligne,) = _lignes(batisseur).values()
    assert ligne[2:] == ("probatoire", "disponible", "Maçon", DocumentExpert.objects.get(expert=batisseur).texte_normalise)

    # The document's columns: an availability statement, a new name.
    lier(batisseur, None, expert)
    services.definir_disponibilite(batisseur, acteur=expert, etat=EtatDisponibilite.INDISPONIBLE)
    annuaire.modifier_fiche(batisseur, acteur=greffier_ca, nom="Bâtisseur")
    (ligne,) = _lignes(batisseur).values()
    assert (ligne[3], ligne[4]) == ("indisponible", "Bâtisseur")

    # A plain save (tests, admin) and a deletion of an inscription.
    autre = Inscription.objects.create(
        expert=batisseur,
        liste=orgs["VERSAILLES"],
        specialite=spe("C.2.2"),
        statut="probatoire",
        debut=dt.date(2025, 1, 1),
        inscrit_depuis=dt.date(2025, 1, 1),
    )
    assert autre.pk in _lignes(batisseur)
    autre.delete()
    assert autre.pk not in _lignes(batisseur)

    # A radiation through the service: the line goes, the search no longer proposes him.
    inscription = Inscription.objects.get(expert=batisseur)
    annuaire.changer_statut(inscription, "radie", acteur=greffier_ca, motif="Décision de l'assemblée générale")
    assert _lignes(batisseur) == {}
    assert index.reconcilier_lignes() == 0

    # A deleted fiche leaves no line behind.
    couvreur = monde["couvreur"]
    assert _lignes(couvreur)
    couvreur.delete()
    assert not LigneClassement.objects.filter(expert_id=couvreur.pk).exists()
    assert index.reconcilier_lignes() == 0


def test_the_periodic_reconciliation_repairs_the_ranking_lines(monde, magistrat, orgs):
    """A bulk update of inscriptions (no save, no signal): the lines are stale until ``reindexer``
    rewrites them; then nothing is left to repair."""
    comptable = monde["comptable"]
    index.actualiser(force=True)
    c = moteur.Criteres(cour=orgs["PARIS"], texte="audit des comptes annuels")
    assert "Chiffre" in [r.expert.nom for r in moteur.rechercher(c, user=magistrat).resultats]
    Inscription.objects.filter(expert=comptable).update(statut="radie")
    LigneClassement.objects.filter(expert=monde["medecin"]).update(nom="Faux")
    assert index.reindexer() == 2
    assert _lignes(comptable) == {}
    assert set(LigneClassement.objects.filter(expert=monde["medecin"]).values_list("nom", flat=True)) == {"Soin"}
    assert "Chiffre" not in [r.expert.nom for r in moteur.rechercher(c, user=magistrat).resultats]
    assert index.reconcilier_lignes() == 0
