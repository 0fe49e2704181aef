"""The writing transaction's id as a column value: what a warehouse's change feed orders by.

`pg_current_xact_id()` (xid8, 64-bit and never wrapping) of the transaction that wrote a
row, stored as bigint. Every transaction whose id is below the current snapshot's xmin has
finished, so a feed that hands out only rows below that horizon never skips a row that a
transaction started earlier commits later (reporting/exports/changes.py)."""

from __future__ import annotations

from django.db.models import BigIntegerField, Func

XID_SQL = "pg_current_xact_id()::text::bigint"
#: The horizon: every transaction with a smaller id has committed or rolled back.
HORIZON_SQL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"


class CurrentTransactionId(Func):
    """A database default: the id of the transaction inserting the row."""

    template = f"({XID_SQL})"
    output_field = BigIntegerField()
