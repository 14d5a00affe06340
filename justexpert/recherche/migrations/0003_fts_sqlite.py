"""SQLite only: an FTS5 index over ``texte_normalise`` (external content: the documents table,
rowid = expert id), kept in step with the documents by triggers, so every write of
``index.indexer`` / ``index.reconstruire`` (insert, upsert, delete, cascade from the fiche) updates
it in the same transaction. The stems are already computed in Python (``texte.normaliser``):
the ``ascii`` tokenizer only splits them on spaces. PostgreSQL has its GIN index (0002)."""

from django.db import migrations

TABLE = "recherche_documentexpert_fts"

CREER = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(texte_normalise, content='recherche_documentexpert', "
    "content_rowid='expert_id', tokenize='ascii', detail='none')",
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON recherche_documentexpert BEGIN "
    f"INSERT INTO {TABLE}(rowid, texte_normalise) VALUES (new.expert_id, new.texte_normalise); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON recherche_documentexpert BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, texte_normalise) VALUES ('delete', old.expert_id, old.texte_normalise); END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE ON recherche_documentexpert BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, texte_normalise) VALUES ('delete', old.expert_id, old.texte_normalise); "
    f"INSERT INTO {TABLE}(rowid, texte_normalise) VALUES (new.expert_id, new.texte_normalise); END",
    # Documents written before this migration.
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
SUPPRIMER = [
    f"DROP TRIGGER IF EXISTS {TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {TABLE}_au",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def creer(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in CREER:
        schema_editor.execute(sql)


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in SUPPRIMER:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("recherche", "0002_recherche_fr")]

    operations = [migrations.RunPython(creer, supprimer, elidable=False)]
