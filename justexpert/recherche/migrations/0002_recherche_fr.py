"""PostgreSQL only: the French text search configuration with unaccent, and the indexed tsvector
of each expert's document. SQLite keeps ``texte_normalise`` (built in Python, same steps).

PostgreSQL unaccents before stemming (« fissurées » → « fissurees » → « fissure »), the Python side
stems the accented word first (→ « fissur »): the vector holds both, so a query matches when either
pipeline agrees (see docs/recherche.md)."""

from django.db import migrations

CREER = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'recherche_fr') THEN
        CREATE TEXT SEARCH CONFIGURATION recherche_fr (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION recherche_fr
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    "ALTER TABLE recherche_documentexpert ADD COLUMN document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('recherche_fr'::regconfig, texte) "
    "|| to_tsvector('simple'::regconfig, texte_normalise)) STORED",
    "CREATE INDEX recherche_documentexpert_document_gin ON recherche_documentexpert USING gin (document)",
]
SUPPRIMER = [
    "DROP INDEX IF EXISTS recherche_documentexpert_document_gin",
    "ALTER TABLE recherche_documentexpert DROP COLUMN IF EXISTS document",
]


def creer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in CREER:
        schema_editor.execute(sql)


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in SUPPRIMER:
        schema_editor.execute(sql)


THESAURUS = [
    ("fissure", "C.2 C.5"),
    ("lézarde", "C.2"),
    ("infiltration", "C.2 C.10"),
    ("humidité", "C.2 C.10"),
    ("malfaçon", "C.2"),
    ("maison", "C.2"),
    ("mur", "C.2"),
    ("toiture", "C.2"),
    ("piscine", "C.2.8"),
    ("fosse septique", "C.10.2"),
    ("inondation", "C.4.6 A.9"),
    ("glissement de terrain", "C.5"),
    ("bilan", "D.1"),
    ("faillite", "D.1"),
    ("valeur des parts", "D.1.2"),
    ("blessure", "F.1.1"),
    ("séquelles", "F.1.1"),
    ("signature", "G.1.1"),
    ("testament", "G.1.1"),
    ("traduction", "H"),
    ("interprète", "H"),
]


def semer_thesaurus(apps, schema_editor):
    Entree = apps.get_model("recherche", "EntreeThesaurus")
    for mot, codes in THESAURUS:
        Entree.objects.get_or_create(mot=mot, defaults={"codes": codes})


class Migration(migrations.Migration):
    dependencies = [("recherche", "0001_initial")]

    operations = [
        migrations.RunPython(creer, supprimer, elidable=False),
        migrations.RunPython(semer_thesaurus, migrations.RunPython.noop),
    ]
