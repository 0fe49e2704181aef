"""The writing transaction's id as a column value: what a warehouse's change feed orders by.

`pg_current_xact_id()` (xid8, 64-bit and never wrapping) of the transaction that wrote a
row, stored as bigint. Every transaction whose id is below the current snapshot's xmin has
finished, so a feed that hands out only rows below that horizon never skips a row that a
transaction started earlier commits later (reporting/exports/changes.py)."""

from __future__ import annotations

from django.db.models import BigIntegerField, Func

XID_SQL = "pg_current_xact_id()::text::bigint"
#: The horizon: every transaction with a smaller id that could have written to this
#: database has committed or rolled back. The snapshot's xmin would do, but it is
#: cluster-wide: a long transaction in another database would hold every feed back. So:
#: the oldest transaction still running, leaving out those known to be another database's
#: (by the lock each holds on its own id; one not found is counted, to be safe), else the
#: snapshot's xmax.
HORIZON_SQL = """
WITH snapshot AS (SELECT pg_current_snapshot() AS s),
elsewhere AS (
    SELECT l.transactionid::text::bigint AS xid32
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
      AND a.datid IS NOT NULL
      AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())
)
SELECT coalesce(
    (SELECT min(x::text::bigint) FROM snapshot, pg_snapshot_xip(s) AS x
     WHERE x::text::bigint % 4294967296 NOT IN (SELECT xid32 FROM elsewhere)),
    (SELECT pg_snapshot_xmax(s)::text::bigint FROM snapshot)
)
"""


class CurrentTransactionId(Func):
    """A database default: the id of the transaction inserting the row."""

    template = f"({XID_SQL})"
    output_field = BigIntegerField()
