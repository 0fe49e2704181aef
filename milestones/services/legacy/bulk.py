"""The bulk writes of an import: one statement per table, however many rows."""

from __future__ import annotations

import time

import psycopg
from django.db import connection


def insert_rows(model, *, columns: tuple[str, ...], rows: list[tuple], constants: dict) -> None:
    """Insert `rows` (tuples of `columns`, attnames) with one INSERT ... SELECT FROM
    unnest(<one array per column>): the bulk insert of this module. COPY FROM is refused
    on tables under row-level security. `constants` (attname -> value) are the same for
    every row; ids come from gen_random_uuid(). No signals, like bulk_create."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    field = {f.attname: f for f in meta.concrete_fields}
    fixed = list(constants)
    targets = ", ".join(quote(field[name].column) for name in ("id", *fixed, *columns))
    scalars = "".join(f", %b::{field[name].db_type(connection)}" for name in fixed)
    arrays = ", ".join(f"%b::{field[name].db_type(connection)}[]" for name in columns)
    table = quote(meta.db_table)
    sql = (
        f"INSERT INTO {table} ({targets}) "  # noqa: S608 -- names from the model
        f"SELECT gen_random_uuid(){scalars}, u.* FROM unnest({arrays}) AS u"
    )
    values = [list(column) for column in zip(*rows, strict=True)]
    server_bound_execute(sql, [*constants.values(), *values])


def server_bound_execute(sql: str, params: list) -> None:
    """Run one statement with server-side parameters (Django's cursor quotes every array
    element into the SQL text, which is slow for 100,000 values)."""
    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
    if connection.queries_logged:  # so CaptureQueriesContext and debug tools count it
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
