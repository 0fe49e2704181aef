"""The two statements of a move, written once in SQL so the hot path builds no ORM queries.

A move is the product's most frequent write. Through the ORM it cost seven statements and
most of its CPU in query building (`bulk_update` alone builds a CASE per field), so it is
one locking read and one write:

- `application_lock_and_load`: the application (locked), its milestone rows and their
  definitions in one SELECT, returned as model instances;
- `move_write`: the changed milestone rows, the application, the transition and the audit
  event in one statement of data-modifying CTEs.

Column lists and value adaptation come from the models' `_meta`, so a new field is picked
up here without editing SQL. Both statements name the tenant explicitly and run under
row-level security like every other query.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import Model

from recruiting.models import Application
from tenants.context import current_tenant_id
from tenants.errors import TenantContextMissing

from ..models import ApplicationMilestone, MilestoneDefinition


def _columns(model: type[Model]) -> list:
    return list(model._meta.concrete_fields)


@cache
def _load_sql() -> str:
    select = ", ".join(
        [f'a."{f.column}"' for f in _columns(Application)]
        + [f'r."{f.column}"' for f in _columns(ApplicationMilestone)]
        + [f'd."{f.column}"' for f in _columns(MilestoneDefinition)]
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
    fields = _columns(model)
    converters = [
        (index, [(c, field) for c in field.get_db_converters(connection)])
        for index, field in enumerate(fields)
        if field.get_db_converters(connection)
    ]
    return [f.attname for f in fields], converters


def _from_db(model: type[Model], values: Sequence):
    attnames, converters = _loader(model)
    values = list(values)
    for index, steps in converters:
        value = values[index]
        for converter, field in steps:
            value = converter(value, field, connection)
        values[index] = value
    return model.from_db(connection.alias, attnames, values)


def application_lock_and_load(
    application_id: uuid.UUID,
) -> tuple[Application, list[ApplicationMilestone]]:
    """Lock the application of the tenant in context and read its milestone rows (each
    with `.milestone` loaded), in milestone order. Raises Application.DoesNotExist."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantContextMissing("a move needs a tenant in context")
    with connection.cursor() as cursor:
        cursor.execute(_load_sql(), [application_id, tenant_id])
        records = cursor.fetchall()
    if not records:
        raise Application.DoesNotExist(f"no application {application_id}")
    n_application = len(_columns(Application))
    n_row = len(_columns(ApplicationMilestone))
    application = _from_db(Application, records[0][:n_application])
    rows = []
    for record in records:
        if record[n_application] is None:  # an application with no milestone rows
            break
        row = _from_db(ApplicationMilestone, record[n_application : n_application + n_row])
        row.milestone = _from_db(MilestoneDefinition, record[n_application + n_row :])
        row.application = application
        rows.append(row)
    return application, rows


def _insert_values(obj: Model) -> tuple[list[str], list]:
    """Columns and adapted values of a new row, with auto_now fields filled as save() does."""
    columns, params = [], []
    for field in _columns(type(obj)):
        value = field.pre_save(obj, add=True)
        columns.append(f'"{field.column}"')
        params.append(field.get_db_prep_save(value, connection))
    return columns, params


def _update_rows_cte(rows: Sequence[ApplicationMilestone], fields: Sequence[str]) -> tuple:
    meta = ApplicationMilestone._meta
    model_fields = [meta.get_field(name) for name in fields]
    casts = ["uuid"] + [f.db_type(connection) for f in model_fields]
    row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    params: list = []
    for row in rows:
        params.append(row.pk)
        params.extend(f.get_db_prep_save(getattr(row, f.attname), connection) for f in model_fields)
    assignments = ", ".join(f'"{f.column}" = v."{f.column}"' for f in model_fields)
    names = ", ".join(["id"] + [f'"{f.column}"' for f in model_fields])
    sql = (
        f"UPDATE {meta.db_table} m SET {assignments} "  # noqa: S608 -- model names
        f"FROM (VALUES {', '.join([row_sql] * len(rows))}) AS v({names}) "
        "WHERE m.id = v.id AND m.tenant_id = %s"
    )
    return sql, params


def move_write(
    *,
    application: Application,
    application_fields: Sequence[str],
    rows: Sequence[ApplicationMilestone],
    row_fields: Sequence[str],
    inserts: Sequence[Model],
) -> None:
    """Write the changed milestone rows, the application's `application_fields` and the new
    rows of `inserts` (transition, audit event) in one statement."""
    ctes: list[str] = []
    params: list = []
    if rows:
        sql, row_params = _update_rows_cte(rows, row_fields)
        ctes.append(sql)
        params.extend([*row_params, application.tenant_id])
    meta = Application._meta
    app_fields = [meta.get_field(name) for name in application_fields]
    sets = ", ".join(f'"{f.column}" = %s' for f in app_fields)
    ctes.append(f"UPDATE {meta.db_table} SET {sets} WHERE id = %s AND tenant_id = %s")  # noqa: S608
    params.extend(
        f.get_db_prep_save(getattr(application, f.attname), connection) for f in app_fields
    )
    params.extend([application.pk, application.tenant_id])
    for obj in inserts:
        columns, values = _insert_values(obj)
        placeholders = ", ".join(["%s"] * len(values))
        ctes.append(
            f"INSERT INTO {obj._meta.db_table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
        )
        params.extend(values)
    *with_parts, last = ctes
    sql = last
    if with_parts:
        named = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(with_parts))
        sql = f"WITH {named} {last}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
