"""Issue 21 (relevance): the thesaurus points to specialites by label and code and is loaded from
``data/thesaurus.txt``; the rarity of stems over the referential (``FrequenceRacine``); on
PostgreSQL the indexed vector holds the Python stems only (``simple``), so both backends match the
same stems (accents removed before stemming, derived forms brought together: ``texte``)."""

from django.db import migrations, models

ANCIENNES = {
    "fissure": "C.2 C.5",
    "lézarde": "C.2",
    "infiltration": "C.2 C.10",
    "humidité": "C.2 C.10",
    "malfaçon": "C.2",
    "maison": "C.2",
    "mur": "C.2",
    "toiture": "C.2",
    "piscine": "C.2.8",
    "fosse septique": "C.10.2",
    "inondation": "C.4.6 A.9",
    "glissement de terrain": "C.5",
    "bilan": "D.1",
    "faillite": "D.1",
    "valeur des parts": "D.1.2",
    "blessure": "F.1.1",
    "séquelles": "F.1.1",
    "signature": "G.1.1",
    "testament": "G.1.1",
    "traduction": "H",
    "interprète": "H",
}

PG_AVANT = [
    "DROP INDEX IF EXISTS recherche_documentexpert_document_gin",
    "ALTER TABLE recherche_documentexpert DROP COLUMN IF EXISTS document",
]
PG_APRES = [
    "ALTER TABLE recherche_documentexpert ADD COLUMN document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, texte_normalise)) STORED",
    "CREATE INDEX recherche_documentexpert_document_gin ON recherche_documentexpert USING gin (document)",
]
PG_RETOUR = [
    "ALTER TABLE recherche_documentexpert ADD COLUMN document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('recherche_fr'::regconfig, texte) "
    "|| to_tsvector('simple'::regconfig, texte_normalise)) STORED",
    "CREATE INDEX recherche_documentexpert_document_gin ON recherche_documentexpert USING gin (document)",
]


def vecteur(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_AVANT + PG_APRES:
        schema_editor.execute(sql)


def vecteur_retour(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in PG_AVANT + PG_RETOUR:
        schema_editor.execute(sql)


def vider_index(apps, schema_editor):
    """The stems changed (accents removed before stemming, derivations): the next search rebuilds
    the index in bulk (``index.actualiser`` on an empty index)."""
    apps.get_model("recherche", "DocumentExpert").objects.all().delete()


def charger_thesaurus(apps, schema_editor):
    from justexpert.recherche import thesaurus

    Entree = apps.get_model("recherche", "EntreeThesaurus")
    # The seed of migration 0002 pointed words to rubriques (« maison » → C.2: every specialite
    # of C.2, pools included): removed unless an administrator changed it.
    for mot, codes in ANCIENNES.items():
        Entree.objects.filter(mot=mot, codes=codes, specialites="").delete()
    for e in thesaurus.lire():
        Entree.objects.update_or_create(mot=e.mot[:100], defaults={"specialites": " | ".join(e.specialites), "codes": " ".join(e.codes)})


class Migration(migrations.Migration):
    dependencies = [("recherche", "0004_document_colonnes_classement")]

    operations = [
        migrations.AlterField(
            model_name="entreethesaurus",
            name="codes",
            field=models.CharField(
                blank=True,
                help_text="Codes de spécialités, séparés par des espaces ou des virgules, ex. « C.2.1 F.1.2 ».",
                max_length=300,
                verbose_name="codes de la nomenclature",
            ),
        ),
        migrations.AddField(
            model_name="entreethesaurus",
            name="specialites",
            field=models.TextField(
                blank=True,
                help_text="Libellés de spécialités, séparés par « | » (la casse, les accents et une mention « (démo) » ne comptent pas).",
                verbose_name="libellés de spécialités",
            ),
        ),
        # A plain ADD COLUMN on both backends: Django would rebuild the SQLite table and lose the
        # ``expert_id integer PRIMARY KEY`` (rowid) of migration 0004 that the FTS index uses.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE recherche_documentexpert ADD COLUMN racines_libelles text NOT NULL DEFAULT ' '",
                    "ALTER TABLE recherche_documentexpert DROP COLUMN racines_libelles",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="documentexpert",
                    name="racines_libelles",
                    field=models.TextField(
                        blank=True, default=" ", help_text="Racines des libellés de ses spécialités (rareté des mots seulement)."
                    ),
                )
            ],
        ),
        migrations.CreateModel(
            name="FrequenceRacine",
            fields=[
                ("racine", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("fiches", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(vecteur, vecteur_retour, elidable=False),
        migrations.RunPython(vider_index, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(charger_thesaurus, migrations.RunPython.noop),
    ]
