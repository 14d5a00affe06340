"""The ranking columns of the search documents (copies of the fiche and of the availability), so
that the ranking query reads one narrow row per candidate (docs/recherche.md, "Mesures").

After the columns are added they are filled from the fiches and the statements (both backends:
``UPDATE … FROM``). On SQLite the table is then rebuilt so that ``expert_id`` is an
``INTEGER PRIMARY KEY`` (the rowid: one B-tree lookup per candidate instead of two), and the FTS5
triggers of 0003, which the column additions dropped with the old table, are created again.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

TABLE = "recherche_documentexpert"

REMPLIR = [
    f"UPDATE {TABLE} SET nom = e.nom, prenom = e.prenom, cour_appel_id = e.cour_appel_id, "
    "departement = e.departement, langues = e.langues, matiere_civile = e.matiere_civile, "
    "matiere_penale = e.matiere_penale, echange_securise = e.echange_securise, "
    "missions_en_cours = e.missions_en_cours, derniere_designation = e.derniere_designation "
    f"FROM annuaire_expert e WHERE e.id = {TABLE}.expert_id",
    f"UPDATE {TABLE} SET etat_disponibilite = d.etat, indisponible_jusqu_au = d.jusqu_au, max_missions = d.max_missions "
    f"FROM recherche_disponibilite d WHERE d.expert_id = {TABLE}.expert_id",
]


def reconstruire_sqlite(schema_editor):
    """SQLite: the same table with ``expert_id integer`` as its primary key (a rowid alias)."""
    fts = importlib.import_module("justexpert.recherche.migrations.0003_fts_sqlite")
    cursor = schema_editor.connection.cursor()
    for sql in fts.SUPPRIMER[:3]:  # triggers, if any survived
        cursor.execute(sql)
    (creation,) = cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE]).fetchone()
    index = [
        sql
        for (sql,) in cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [TABLE]
        ).fetchall()
    ]
    ancien = '"expert_id" bigint NOT NULL PRIMARY KEY'
    if ancien not in creation:
        raise RuntimeError(f"unexpected definition of {TABLE}: {creation}")
    nouvelle = creation.replace(ancien, '"expert_id" integer NOT NULL PRIMARY KEY').replace(
        f'CREATE TABLE "{TABLE}"', f'CREATE TABLE "{TABLE}__nouveau"', 1
    )
    cursor.execute(nouvelle)
    cursor.execute(f'INSERT INTO "{TABLE}__nouveau" SELECT * FROM "{TABLE}"')
    cursor.execute(f'DROP TABLE "{TABLE}"')
    cursor.execute(f'ALTER TABLE "{TABLE}__nouveau" RENAME TO "{TABLE}"')
    for sql in index:
        cursor.execute(sql)
    for sql in fts.CREER:  # triggers, then the FTS index rebuilt from the documents
        if not sql.startswith("CREATE VIRTUAL TABLE"):
            cursor.execute(sql)


# index.cle_charge: missions × 2²⁰ + days since 1900-01-01 + 1 (0 when never designated).
CLE_CHARGE = {
    "sqlite": "CAST(julianday(derniere_designation) - julianday('1900-01-01') AS INTEGER) + 1",
    "postgresql": "(derniere_designation - DATE '1900-01-01') + 1",
}


def recreer_declencheurs(apps, schema_editor):
    """SQLite, when this migration is reversed: the triggers of 0003 again, and the FTS5 index
    rebuilt from the documents."""
    if schema_editor.connection.vendor != "sqlite":
        return
    fts = importlib.import_module("justexpert.recherche.migrations.0003_fts_sqlite")
    for sql in fts.SUPPRIMER[:3] + [s for s in fts.CREER if not s.startswith("CREATE VIRTUAL TABLE")]:
        schema_editor.execute(sql)


def remplir(apps, schema_editor):
    for sql in REMPLIR:
        schema_editor.execute(sql)
    jours = CLE_CHARGE[schema_editor.connection.vendor]
    schema_editor.execute(
        f"UPDATE {TABLE} SET cle_charge = (CASE WHEN missions_en_cours > 1048575 THEN 1048575 ELSE missions_en_cours END) "
        f"* 1048576 + COALESCE({jours}, 0)"
    )
    if schema_editor.connection.vendor == "sqlite":
        reconstruire_sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0004_index_recherche"),
        ("comptes", "0003_certificat"),
        ("recherche", "0003_fts_sqlite"),
    ]

    operations = [
        # Reversed last: the column removals rebuild the SQLite table and drop the FTS5 triggers.
        migrations.RunPython(migrations.RunPython.noop, recreer_declencheurs, elidable=False),
        migrations.AddField(
            model_name="documentexpert",
            name="cour_appel",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="comptes.organisation",
            ),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="cle_charge",
            field=models.BigIntegerField(
                default=0, help_text="Charge puis dernière désignation, en un entier (index.cle_charge)."
            ),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="departement",
            field=models.CharField(blank=True, max_length=3),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="derniere_designation",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="echange_securise",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="etat_disponibilite",
            field=models.CharField(default="disponible", max_length=24),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="indisponible_jusqu_au",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="langues",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="matiere_civile",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="matiere_penale",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="max_missions",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="missions_en_cours",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="nom",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name="documentexpert",
            name="prenom",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.RunPython(remplir, migrations.RunPython.noop, elidable=False),
    ]
