"""On SQLite, the ranking lines get a covering index (every column the ranking reads, in index
order after (specialite, list)): the candidates of a reached specialite are then read from the
index alone, without one table lookup per line (issue 21: 12.7 → 9.6 ms of CPU for the national
search « séquelles d'un accident » at 10⁵ experts). Not on PostgreSQL: a B-tree entry is limited
to about 2.7 kB and the stems of the fine competences are unbounded; there the lines are read by
a bitmap scan of (specialite, list)."""

from django.db import migrations

NOM = "recherche_lignes_couvrant"
COLONNES = (
    "specialite_id, liste_id, statut, debut, fin, expert_id, nom, prenom, departement, cour_appel_id, cle_charge, "
    "etat_disponibilite, indisponible_jusqu_au, max_missions, missions_en_cours, matiere_civile, matiere_penale, "
    "echange_securise, langues, texte_normalise"
)


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NOM} ON recherche_ligneclassement ({COLONNES})")


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NOM}")


class Migration(migrations.Migration):
    dependencies = [("recherche", "0006_lignes_classement")]

    operations = [migrations.RunPython(creer, supprimer)]
