"""Hot-path writes in one SQL statement: the pieces the move (milestones) and an approval
decision (approvals) share.

A frequent write through the ORM costs a statement per row and most of its CPU in query
building. These helpers let a service read its rows with one hand-written SELECT (built
into model instances without `Model.__init__`) and write every change with one statement of
data-modifying CTEs whose values travel as JSON documents (`jsonb_populate_record[set]`):
few parameters and one statement text whatever changed, so psycopg keeps its parsed form
and Postgres its plan. Column lists come from the models' `_meta`, so a new field is picked
up without editing SQL. Imports no app.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.base import ModelState


def columns(model: type[Model]) -> list:
    return list(model._meta.concrete_fields)


@cache
def inserted_columns(model: type[Model]) -> list:
    """What an INSERT of a new row names: not the columns the database fills (an identity
    key such as the outbox's position), which it must leave to their defaults."""
    return [f for f in columns(model) if not getattr(f, "db_returning", False)]


def select_list(model: type[Model], alias: str) -> list[str]:
    """`alias."column"` for every column of `model`, in `model_from_db`'s order."""
    return [f'{alias}."{f.column}"' for f in columns(model)]


@cache
def _loader(model: type[Model]) -> tuple[list[str], list[tuple[int, list]]]:
    """Attribute names and, for the columns that need them, the ORM's value converters."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = columns(model)
    converters = [
        (index, [(c, field) for c in field.get_db_converters(connection)])
        for index, field in enumerate(fields)
        if field.get_db_converters(connection)
    ]
    return [f.attname for f in fields], converters


def model_from_db(model: type[Model], values: Sequence, connection=None):
    """What `Model.from_db` makes of `values` (one per `columns(model)`), without
    `__init__`'s per-field descriptor calls. Only for models no init signal receiver listens
    to (tests keep it so for the ones built here)."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    attnames, converters = _loader(model)
    values = list(values)
    for index, steps in converters:
        value = values[index]
        for converter, field in steps:
            value = converter(value, field, connection)
        values[index] = value
    obj = model.__new__(model)
    obj.__dict__.update(zip(attnames, values, strict=True))
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def model_partial(model: type[Model], connection=None, **values):
    """An instance holding only `values` (attribute names), for reading those attributes
    (a policy's name beside a round): reading any other would load it from the database."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    obj = model.__new__(model)
    obj.__dict__.update(values)
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def row_document(obj: Model, fields, *, add: bool) -> dict:
    """Column -> value of `fields`; for a new row, auto_now fields filled as save() does."""
    if add:
        return {f.column: f.pre_save(obj, add=True) for f in fields}
    return {f.column: getattr(obj, f.attname) for f in fields}


def update_sql(model: type[Model], fields: Sequence[str], *, many: bool) -> str:
    """An UPDATE of `fields` of the rows in one JSON parameter (a document, or a list of
    them with `many`), matched by id within the tenant of a second parameter."""
    meta = model._meta
    names = [meta.get_field(name).column for name in fields]
    source = "jsonb_populate_recordset" if many else "jsonb_populate_record"
    return (
        f"UPDATE {meta.db_table} t SET "  # noqa: S608 -- model names
        + ", ".join(f'"{c}" = v."{c}"' for c in names)
        + f" FROM {source}(NULL::{meta.db_table}, %s::jsonb) v"
        " WHERE t.id = v.id AND t.tenant_id = %s"
    )


def update_document(obj: Model, fields: Sequence[str]) -> dict:
    """The document `update_sql` reads for `obj`: its id and `fields`."""
    meta = type(obj)._meta
    return row_document(obj, [meta.pk] + [meta.get_field(name) for name in fields], add=False)


def insert_sql(model: type[Model], *, many: bool) -> str:
    """One INSERT of one row, or of several in their given order (`WITH ORDINALITY`), so
    rows of one model (audit events, outbox events) take identity positions and audit
    chain links in that order."""
    table = model._meta.db_table
    names = ", ".join(f'"{f.column}"' for f in inserted_columns(model))
    if many:
        return (
            f"INSERT INTO {table} ({names}) SELECT {names} "  # noqa: S608 -- model names
            f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) WITH ORDINALITY "
            "ORDER BY ordinality"
        )
    return (
        f"INSERT INTO {table} ({names}) SELECT {names} "  # noqa: S608 -- model names
        f"FROM jsonb_populate_record(NULL::{table}, %s::jsonb)"
    )


def insert_groups(inserts: Sequence[Model]) -> tuple[list[str], list[list[dict]]]:
    """New rows grouped by model in first-seen order: each group's INSERT and documents."""
    groups: dict[type, list[dict]] = {}
    for obj in inserts:
        document = row_document(obj, inserted_columns(type(obj)), add=True)
        groups.setdefault(type(obj), []).append(document)
    return (
        [insert_sql(model, many=len(docs) > 1) for model, docs in groups.items()],
        list(groups.values()),
    )


def with_statement(parts: Sequence[str]) -> str:
    """Data-modifying statements as one: all but the last become CTEs."""
    *with_parts, last = parts
    if not with_parts:
        return last
    named = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(with_parts))
    return f"WITH {named} {last}"
