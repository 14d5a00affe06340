"""The copy of the DS schema and the import's query (validated with graphql-core)."""

from __future__ import annotations

import hashlib

from graphql import parse, validate

from justexpert.passerelles import schema_ds

# The copy named in justexpert/passerelles/ds/README.md (commit e1338d7 of demarches-simplifiees.fr).
SHA256_SCHEMA = "999dc34a9e8b7e32dfee09c10cfcb4e755748386e55d0bac49700f36d2bb6dea"


def test_schema_copy_is_the_one_named_in_the_readme():
    assert hashlib.sha256(schema_ds.SCHEMA.read_bytes()).hexdigest() == SHA256_SCHEMA
    readme = (schema_ds.DOSSIER / "README.md").read_text(encoding="utf-8")
    assert SHA256_SCHEMA in readme and "e1338d79114265bb1ee774235e1be64962e60d09" in readme and "Affero" in readme


def test_the_import_query_is_valid_against_the_schema():
    assert validate(schema_ds.schema(), parse(schema_ds.REQUETE.read_text(encoding="utf-8"))) == []
    assert schema_ds.requete() is not None


def test_a_query_asking_for_what_ds_does_not_have_is_caught():
    erreurs = validate(schema_ds.schema(), parse("query { demarche(number: 1) { dossiers { nodes { numeroRG } } } }"))
    assert any("Cannot query field 'numeroRG' on type 'Dossier'" in e.message for e in erreurs)


def test_scalars_follow_their_declared_formats():
    def dossier(**kw):
        d = {
            "__typename": "Dossier", "id": "1", "number": 1, "state": "en_construction",
            "dateDepot": "2026-01-12T09:30:00+01:00", "dateDerniereModification": "2026-01-12T09:30:00+01:00",
            "usager": {"email": "a@exemple.fr"}, "demandeur": {"__typename": "PersonnePhysique", "nom": "A", "prenom": "B"}, "champs": [],
        }  # fmt: skip
        d.update(kw)
        return {"demarche": {"number": 1, "title": "t", "dossiers": {"pageInfo": {"hasNextPage": False}, "nodes": [d]}}}

    variables = {"demarche": 1, "premiers": 10}
    assert schema_ds.verifier_reponse(dossier(), variables) == []
    (v,) = schema_ds.verifier_reponse(dossier(dateDepot="12/01/2026"), variables)
    assert v.indice_dossier == 0 and "RFC 3339" in str(v)
    (v,) = schema_ds.verifier_reponse(dossier(dateDepot="2026-01-12T09:30:00"), variables)
    assert "fuseau" in str(v)
    (v,) = schema_ds.verifier_reponse(
        dossier(demandeur={"__typename": "PersonnePhysique", "nom": "A", "prenom": "B", "dateDeNaissance": "1970-02-30"}),
        variables,
    )
    assert "ISO8601Date" in str(v)
    assert schema_ds.verifier_reponse([], variables)[0].message.startswith("la réponse ne contient pas")
