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
editing SQL; the statement-building pieces are the kernel's (`ats_milestones.statements`),
shared with an approval decision. Both statements name the tenant explicitly and run under
row-level security like every other query.

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

from ats_milestones.db import json_param
from ats_milestones.statements import (
    columns,
    insert_groups,
    model_from_db,
    select_list,
    update_document,
    update_sql,
    with_statement,
)
from milestones.models import ApplicationMilestone, MilestoneDefinition
from recruiting.models import Application
from tenants.context import current_tenant_id
from tenants.errors import TenantContextMissing

DEFINITION_CACHE_SIZE = 4096
_definitions: OrderedDict[tuple, MilestoneDefinition] = OrderedDict()


@cache
def _load_sql() -> str:
    select = ", ".join(
        select_list(Application, "a")
        + select_list(ApplicationMilestone, "r")
        + select_list(MilestoneDefinition, "d")
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


def _definition(values: Sequence, row_version: str, connection) -> MilestoneDefinition:
    key = (values[0], row_version)
    definition = _definitions.get(key)
    if definition is None:
        definition = _definitions[key] = model_from_db(MilestoneDefinition, values, connection)
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
    n_application = len(columns(Application))
    n_row = len(columns(ApplicationMilestone))
    application = model_from_db(Application, records[0][:n_application], connection)
    rows = []
    for record in records:
        if record[n_application] is None:  # an application with no milestone rows
            break
        row = model_from_db(
            ApplicationMilestone, record[n_application : n_application + n_row], connection
        )
        row.milestone = _definition(record[n_application + n_row : -1], record[-1], connection)
        row.application = application
        rows.append(row)
    return application, rows


@cache
def _write_sql(
    row_fields: tuple[str, ...], application_fields: tuple[str, ...], inserts: tuple[str, ...]
) -> str:
    return with_statement(
        [
            update_sql(ApplicationMilestone, row_fields, many=True),
            update_sql(Application, application_fields, many=False),
            *inserts,
        ]
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
    insert_parts, documents = insert_groups(inserts)
    params = [
        json_param([update_document(row, row_fields) for row in rows]),
        application.tenant_id,
        json_param(update_document(application, application_fields)),
        application.tenant_id,
    ]
    params += [json_param(docs if len(docs) > 1 else docs[0]) for docs in documents]
    sql = _write_sql(tuple(row_fields), tuple(application_fields), tuple(insert_parts))
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
