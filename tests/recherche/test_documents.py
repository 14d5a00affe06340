"""The search documents: the copies the ranking reads (fiche, workload, availability) stay equal to
their sources, and the tables keep the shape the ranking query relies on."""

from __future__ import annotations

import pytest
from django.db import connection

from justexpert.annuaire import services as annuaire
from justexpert.annuaire.models import Expert
from justexpert.recherche import index, moteur, services
from justexpert.recherche.models import Disponibilite, DocumentExpert, EtatDisponibilite

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
        else:
            c.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'recherche_documentexpert'")
            assert any("gin (document)" in d for (d,) in c.fetchall())
