"""The writing transaction's id as a column value: what a warehouse's change feed orders by.

`pg_current_xact_id()` (xid8, 64-bit and never wrapping) of the transaction that wrote a
row, stored as bigint. Every transaction whose id is below the current snapshot's xmin has
finished, so a feed that hands out only rows below that horizon never skips a row that a
transaction started earlier commits later (reporting/exports/changes.py)."""

from __future__ import annotations

from django.db.models import BigIntegerField, Func

XID_SQL = "pg_current_xact_id()::text::bigint"
#: The horizon: every transaction with a smaller id that could have written to this
#: database has committed or rolled back, as the NEXT statement will see it. The
#: snapshot's xmin would do, but it is cluster-wide: a long transaction in another
#: database would hold every feed back. So: the oldest transaction of this statement's
#: snapshot that still holds the lock on its own id and is not known to be another
#: database's (a holder whose database is unknown is counted, to be safe), else the
#: snapshot's xmax. One in the snapshot that holds no lock any more has ended since the
#: statement began, so the feed's next statement (a new snapshot, READ COMMITTED) sees
#: its rows: counting it would only hold the feed back (under load, every call).
HORIZON_SQL = """
WITH snapshot AS (SELECT pg_current_snapshot() AS s),
running AS (
    SELECT l.transactionid::text::bigint AS xid32
    FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
      AND (a.datid IS NULL
           OR a.datid = (SELECT oid FROM pg_database WHERE datname = current_database()))
)
SELECT coalesce(
    (SELECT min(x::text::bigint) FROM snapshot, pg_snapshot_xip(s) AS x
     WHERE x::text::bigint % 4294967296 IN (SELECT xid32 FROM running)),
    (SELECT pg_snapshot_xmax(s)::text::bigint FROM snapshot)
)
"""


class CurrentTransactionId(Func):
    """A database default: the id of the transaction inserting the row."""

    template = f"({XID_SQL})"
    output_field = BigIntegerField()
