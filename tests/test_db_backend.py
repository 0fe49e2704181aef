"""Our Postgres backend reads timestamps with psycopg's C loader, to the same values."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection
from psycopg.postgres import types
from psycopg.pq import Format

TIMESTAMPTZ = types["timestamptz"].oid


def _read(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
        return cursor.fetchone()[0], loader


def test_timestamps_read_as_utc_instants_with_utc_tzinfo(db):
    value, _ = _read("SELECT '2026-03-29 01:30:00.123456+02'::timestamptz")

    assert value == datetime(2026, 3, 28, 23, 30, 0, 123456, tzinfo=UTC)
    assert value.tzinfo is UTC  # what Django's own loader gives


@pytest.mark.skipif(psycopg.pq.__impl__ != "binary", reason="psycopg's C build is not installed")
def test_plain_cursors_use_the_c_timestamp_loader(db):
    _, loader = _read("SELECT now()")

    assert loader.__module__ == "psycopg_binary._psycopg"


def test_connections_run_without_jit_compilation(db):
    # OLTP queries: compiling them cost more than it saved (docs/operations.md, jit).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
