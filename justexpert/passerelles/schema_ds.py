"""The Démarches Simplifiées GraphQL schema (a copy kept in ``ds/schema.graphql``, see ``ds/README.md``)
and the checks made with graphql-core, the reference implementation: the import's query is
validated against it, and every answer is checked against it before anything is read from it.

Checking an answer: graphql-core *executes* the same query against the schema with the answer as
root data, each field resolved from the answer's own key. Execution then applies the schema's rules
to every value (non-null fields, lists, enums, scalars, the concrete type of each interface value):
a violation comes back as a GraphQL error with its path (``demarche.dossiers.nodes.3.number``), which
the import reports for the file concerned. No hand-written parser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    execute,
    parse,
    validate,
)

DOSSIER = Path(__file__).resolve().parent / "ds"
SCHEMA = DOSSIER / "schema.graphql"
REQUETE = DOSSIER / "dossiers.graphql"


def _date_heure(valeur: Any) -> str:
    if not isinstance(valeur, str):
        raise GraphQLError(f"ISO8601DateTime attend une chaîne, pas {valeur!r}")
    try:
        d = dt.datetime.fromisoformat(valeur)
    except ValueError:
        raise GraphQLError(f"ISO8601DateTime : {valeur!r} n'est pas une date et heure RFC 3339") from None
    if d.tzinfo is None:
        raise GraphQLError(f"ISO8601DateTime : {valeur!r} n'indique pas son fuseau")
    return valeur


def _date(valeur: Any) -> str:
    if not isinstance(valeur, str):
        raise GraphQLError(f"ISO8601Date attend une chaîne, pas {valeur!r}")
    try:
        dt.date.fromisoformat(valeur)
    except ValueError:
        raise GraphQLError(f"ISO8601Date : {valeur!r} n'est pas une date RFC 3339") from None
    return valeur


def _url(valeur: Any) -> str:
    if not isinstance(valeur, str) or urlsplit(valeur).scheme not in {"http", "https"} or not urlsplit(valeur).netloc:
        raise GraphQLError(f"URL : {valeur!r} n'est pas une adresse http(s)")
    return valeur


def _grand_entier(valeur: Any) -> str:
    # BigInt travels as a string of digits (graphql-ruby's BigInt), sometimes as a number.
    if isinstance(valeur, bool) or not isinstance(valeur, (int, str)) or not str(valeur).lstrip("-").isdigit():
        raise GraphQLError(f"BigInt : {valeur!r} n'est pas un entier")
    return str(valeur)


@cache
def schema() -> GraphQLSchema:
    """The schema, with the formats its custom scalars declare (``@specifiedBy`` RFC 3339, URL,
    BigInt) enforced when an answer is checked."""
    s = build_schema(SCHEMA.read_text(encoding="utf-8"))
    for nom, verifier in {"ISO8601DateTime": _date_heure, "ISO8601Date": _date, "URL": _url, "BigInt": _grand_entier}.items():
        scalaire = s.get_type(nom)
        assert isinstance(scalaire, GraphQLScalarType), nom
        # graphql-core 3.2 completes leaf values with ``serialize``, 3.3 with ``coerce_output_value``.
        scalaire.serialize = verifier  # type: ignore[method-assign,assignment]
        if hasattr(scalaire, "coerce_output_value"):
            scalaire.coerce_output_value = verifier  # type: ignore[attr-defined]
    return s


@cache
def requete() -> DocumentNode:
    """The import's query, parsed and validated against the schema (raises on any error)."""
    document = parse(REQUETE.read_text(encoding="utf-8"))
    erreurs = validate(schema(), document)
    if erreurs:
        raise ValueError("; ".join(e.message for e in erreurs))
    return document


def texte_requete() -> str:
    requete()
    return REQUETE.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    chemin: tuple[str | int, ...]
    message: str

    @property
    def indice_dossier(self) -> int | None:
        """Index in ``demarche.dossiers.nodes`` of the file this violation is about, if any."""
        c = self.chemin
        if len(c) >= 4 and c[:3] == ("demarche", "dossiers", "nodes") and isinstance(c[3], int):
            return c[3]
        return None

    def __str__(self) -> str:
        return f"{'.'.join(str(p) for p in self.chemin) or 'réponse'} : {self.message}"


def _resoudre(source: Any, info: GraphQLResolveInfo, **_arguments: Any) -> Any:
    """Each field from the answer, by its key in the answer (the alias if any, else the name)."""
    if isinstance(source, Mapping):
        return source.get(info.path.key)
    return None


def _type_concret(valeur: Any, info: GraphQLResolveInfo, abstrait: Any) -> str | None:
    if isinstance(valeur, Mapping):
        nom = valeur.get("__typename")
        return nom if isinstance(nom, str) else None
    return None


def verifier_reponse(donnees: Any, variables: Mapping[str, Any] | None = None) -> list[Violation]:
    """What in the ``data`` of an answer to ``requete()`` does not follow the schema (empty: all of it does)."""
    if not isinstance(donnees, Mapping):
        return [Violation((), "la réponse ne contient pas d'objet « data »")]
    resultat = execute(
        schema(),
        requete(),
        root_value=donnees,
        variable_values=dict(variables or {}),
        field_resolver=_resoudre,
        type_resolver=_type_concret,
    )
    if hasattr(resultat, "__await__"):  # pragma: no cover - no async resolvers here
        raise TypeError("unexpected asynchronous execution")
    return [Violation(tuple(e.path or ()), e.message) for e in (resultat.errors or [])]  # type: ignore[union-attr]
