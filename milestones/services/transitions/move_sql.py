"""The two statements of a move, written once in SQL so the hot path builds no ORM queries.

A move is the product's most frequent write. Through the ORM it cost seven statements and
most of its CPU in query building (`bulk_update` alone builds a CASE per field), so it is
one locking read and one write:

- `application_lock_and_load`: the application (locked), its milestone rows and their
  definitions in one SELECT, returned as model instances;
- `move_write`: the changed milestone rows, the application, the transition and the audit
  event in one statement of data-modifying CTEs, its values passed as JSON documents
  (`jsonb_populate_record[set]`): six parameters and one statement text whatever changed,
  so psycopg keeps its parsed form and Postgres its plan.

Column lists come from the models' `_meta`, so a new field is picked up here without
editing SQL. Both statements name the tenant explicitly and run under row-level security
like every other query.

Definitions of a version a requisition is pinned to do not change, so each process keeps
the ones it built, keyed by the row version Postgres reports (`xmin`, `ctid`: any UPDATE
gives a new one): a move then only builds its application and milestone rows.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.base import ModelState

from ats_milestones.db import json_param
from milestones.models import ApplicationMilestone, MilestoneDefinition
from recruiting.models import Application
from tenants.context import current_tenant_id
from tenants.errors import TenantContextMissing

DEFINITION_CACHE_SIZE = 4096
_definitions: OrderedDict[tuple, MilestoneDefinition] = OrderedDict()


def _columns(model: type[Model]) -> list:
    return list(model._meta.concrete_fields)


@cache
def _inserted_columns(model: type[Model]) -> list:
    """What an INSERT of a new row names: not the columns the database fills (an identity
    key such as the outbox's position), which it must leave to their defaults."""
    return [f for f in _columns(model) if not getattr(f, "db_returning", False)]


@cache
def _load_sql() -> str:
    select = ", ".join(
        [f'a."{f.column}"' for f in _columns(Application)]
        + [f'r."{f.column}"' for f in _columns(ApplicationMilestone)]
        + [f'd."{f.column}"' for f in _columns(MilestoneDefinition)]
        + ["d.xmin::text || d.ctid::text"]
    )
    return (
        f"SELECT {select} FROM {Application._meta.db_table} a "  # noqa: S608 -- model names
        f"LEFT JOIN {ApplicationMilestone._meta.db_table} r "
        "ON r.application_id = a.id AND r.tenant_id = a.tenant_id "
        f"LEFT JOIN {MilestoneDefinition._meta.db_table} d "
        "ON d.id = r.milestone_id AND d.tenant_id = r.tenant_id "
        'WHERE a.id = %s AND a.tenant_id = %s ORDER BY d."order" FOR UPDATE OF a'
    )


@cache
def _loader(model: type[Model]) -> tuple[list[str], list[tuple[int, list]]]:
    """Attribute names and, for the columns that need them, the ORM's value converters."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = _columns(model)
    converters = [
        (index, [(c, field) for c in field.get_db_converters(connection)])
        for index, field in enumerate(fields)
        if field.get_db_converters(connection)
    ]
    return [f.attname for f in fields], converters


def _from_db(model: type[Model], values: Sequence, connection):
    """What `Model.from_db` makes, without `__init__`'s per-field descriptor calls (no
    signal receiver listens to these models' init; a test keeps it so)."""
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


def _definition(values: Sequence, row_version: str, connection) -> MilestoneDefinition:
    key = (values[0], row_version)
    definition = _definitions.get(key)
    if definition is None:
        definition = _definitions[key] = _from_db(MilestoneDefinition, values, connection)
        if len(_definitions) > DEFINITION_CACHE_SIZE:
            _definitions.popitem(last=False)
    return definition


def application_lock_and_load(
    application_id: uuid.UUID,
) -> tuple[Application, list[ApplicationMilestone]]:
    """Lock the application of the tenant in context and read its milestone rows (each
    with `.milestone` loaded), in milestone order. Raises Application.DoesNotExist."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantContextMissing("a move needs a tenant in context")
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(_load_sql(), [application_id, tenant_id])
        records = cursor.fetchall()
    if not records:
        raise Application.DoesNotExist(f"no application {application_id}")
    n_application = len(_columns(Application))
    n_row = len(_columns(ApplicationMilestone))
    application = _from_db(Application, records[0][:n_application], connection)
    rows = []
    for record in records:
        if record[n_application] is None:  # an application with no milestone rows
            break
        row = _from_db(
            ApplicationMilestone, record[n_application : n_application + n_row], connection
        )
        row.milestone = _definition(record[n_application + n_row : -1], record[-1], connection)
        row.application = application
        rows.append(row)
    return application, rows


def _document(obj: Model, fields, *, add: bool) -> dict:
    """Column -> value of `fields`; for a new row, auto_now fields filled as save() does."""
    if add:
        return {f.column: f.pre_save(obj, add=True) for f in fields}
    return {f.column: getattr(obj, f.attname) for f in fields}


@cache
def _write_sql(
    row_fields: tuple[str, ...],
    application_fields: tuple[str, ...],
    inserts: tuple[tuple[type, bool], ...],
) -> str:
    rows, applications = ApplicationMilestone._meta, Application._meta
    row_columns = [rows.get_field(name).column for name in row_fields]
    app_columns = [applications.get_field(name).column for name in application_fields]
    ctes = (
        [
            f"UPDATE {rows.db_table} m SET "  # noqa: S608 -- model names
            + ", ".join(f'"{c}" = v."{c}"' for c in row_columns)
            + f" FROM jsonb_populate_recordset(NULL::{rows.db_table}, %s::jsonb) v"
            " WHERE m.id = v.id AND m.tenant_id = %s",
            f"UPDATE {applications.db_table} a SET "  # noqa: S608 -- model names
            + ", ".join(f'"{c}" = v."{c}"' for c in app_columns)
            + f" FROM jsonb_populate_record(NULL::{applications.db_table}, %s::jsonb) v"
            " WHERE a.id = v.id AND a.tenant_id = %s",
        ]
        + [_insert_sql(model, many=many) for model, many in inserts]
    )
    *with_parts, last = ctes
    named = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(with_parts))
    return f"WITH {named} {last}"


def _insert_sql(model: type[Model], *, many: bool) -> str:
    """One INSERT of one row, or of several in their given order (`WITH ORDINALITY`), so
    rows of one model (a move's outbox events) take identity positions in that order."""
    table = model._meta.db_table
    columns = ", ".join(f'"{f.column}"' for f in _inserted_columns(model))
    if many:
        return (
            f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 -- model names
            f"FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) WITH ORDINALITY "
            "ORDER BY ordinality"
        )
    return (
        f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 -- model names
        f"FROM jsonb_populate_record(NULL::{table}, %s::jsonb)"
    )


def move_write(
    *,
    application: Application,
    application_fields: Sequence[str],
    rows: Sequence[ApplicationMilestone],
    row_fields: Sequence[str],
    inserts: Sequence[Model],
) -> None:
    """Write the changed milestone rows, the application's `application_fields` and the new
    rows of `inserts` (transition, audit event, outbox events) in one statement. Rows of one
    model go in one INSERT, in the order given."""
    row_meta, app_meta = ApplicationMilestone._meta, Application._meta
    row_document_fields = [row_meta.pk] + [row_meta.get_field(name) for name in row_fields]
    app_document_fields = [app_meta.pk] + [app_meta.get_field(n) for n in application_fields]
    params = [
        json_param([_document(row, row_document_fields, add=False) for row in rows]),
        application.tenant_id,
        json_param(_document(application, app_document_fields, add=False)),
        application.tenant_id,
    ]
    groups: dict[type, list] = {}
    for obj in inserts:
        document = _document(obj, _inserted_columns(type(obj)), add=True)
        groups.setdefault(type(obj), []).append(document)
    params += [json_param(docs if len(docs) > 1 else docs[0]) for docs in groups.values()]
    shape = tuple((model, len(docs) > 1) for model, docs in groups.items())
    sql = _write_sql(tuple(row_fields), tuple(application_fields), shape)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
