"""The warehouses' change feed: every row of a dataset once per change, never one missed.

Each row carries the id of the transaction that last wrote it (`change_xid`, see
ats_milestones/xid.py). A sync token remembers a horizon H: every transaction with an id
below H had finished when it was handed out, and every row they wrote has been sent. The
next call takes the current horizon H' (the snapshot's xmin) and sends the rows written
by transactions in [H, H'): all of them have finished by now, so a transaction that began
before another but committed after it is sent on the call after its commit, not skipped.
A long-running transaction holds the horizon back (rows wait; none are lost).

`updated_after` is the simple polling of the same rows by their last-change time:
best-effort, since a row committed late with an earlier time is not seen again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db import connection

from ats_milestones.errors import DomainError
from ats_milestones.xid import HORIZON_SQL
from reporting.exports.datasets import FLOAT, INTEGER, Dataset
from reporting.exports.stream import ExportFilters, dataset_sql

_SALT = "reporting.exports.sync_token"


class SyncTokenInvalid(DomainError):
    status = 400
    code = "INVALID_SYNC_TOKEN"


@dataclass(frozen=True)
class ChangePage:
    rows: list[dict]
    next_sync_token: str | None
    next_updated_after: datetime | None
    has_more: bool


def _token(*, tenant_id, dataset: Dataset, low: int, high: int | None, after) -> str:
    return signing.dumps(
        {"t": str(tenant_id), "d": dataset.name, "lo": low, "hi": high, "after": after},
        salt=_SALT,
        compress=True,
    )


def _untoken(token: str, *, tenant_id, dataset: Dataset) -> dict:
    refused = SyncTokenInvalid(
        "Not a sync token of this dataset: send the `next_sync_token` you were given.",
        fields={"sync_token": ["Not a sync token of this dataset."]},
    )
    try:
        state = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise refused from None
    if state.get("t") != str(tenant_id) or state.get("d") != dataset.name:
        raise refused
    return state


def _horizon() -> int:
    with connection.cursor() as cursor:
        cursor.execute(HORIZON_SQL)
        return cursor.fetchone()[0]


def _as_json(dataset: Dataset, row: tuple) -> dict:
    out = {}
    for column, value in zip(dataset.columns, row, strict=False):
        if value is not None and column.type == INTEGER:
            value = int(value)
        elif value is not None and column.type == FLOAT:
            value = float(value)
        out[column.name] = value
    return out


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def changes_since_token(
    *, dataset: Dataset, filters: ExportFilters, sync_token: str | None, limit: int
) -> ChangePage:
    """The next page of changes after `sync_token` (None: from the beginning)."""
    if sync_token:
        state = _untoken(sync_token, tenant_id=filters.tenant_id, dataset=dataset)
        low, high, after = state["lo"], state["hi"], state["after"]
    else:
        low, high, after = 0, None, None
    if high is None:
        high = _horizon()
    xid, key = dataset.change_key
    where = f"{xid} >= %(low)s AND {xid} < %(high)s"
    params = {"low": low, "high": high, "limit": limit + 1}
    if after is not None:
        where += f" AND ({xid}, {key}) > (%(after_xid)s, %(after_id)s)"
        params.update(after_xid=after[0], after_id=uuid.UUID(after[1]))
    sql, base = dataset_sql(
        dataset,
        filters,
        typed=False,
        extra_where=where,
        tail=f"ORDER BY {xid}, {key} LIMIT %(limit)s",
    )
    rows = _fetch(sql, {**base, **params})
    has_more = len(rows) > limit
    rows = rows[:limit]
    if has_more:
        last = rows[-1]
        token = _token(
            tenant_id=filters.tenant_id,
            dataset=dataset,
            low=low,
            high=high,
            after=[last[-2], str(last[-1])],
        )
    else:  # this window is done: the next call starts where it ended
        token = _token(
            tenant_id=filters.tenant_id, dataset=dataset, low=high, high=None, after=None
        )
    return ChangePage(
        rows=[_as_json(dataset, row) for row in rows],
        next_sync_token=token,
        next_updated_after=None,
        has_more=has_more,
    )


def changes_updated_after(
    *, dataset: Dataset, filters: ExportFilters, updated_after: datetime, limit: int
) -> ChangePage:
    """Rows last changed at or after `updated_after`, oldest first (best-effort: see the
    module's docstring). Rows at the very time of the next value may come twice."""
    column = dataset.updated_column
    sql, params = dataset_sql(
        dataset,
        filters,
        typed=False,
        extra_where=f"{column} >= %(updated_after)s",
        tail=f"ORDER BY {column}, {dataset.change_key[1]} LIMIT %(limit)s",
    )
    # The last-change time itself, as a value, for the next call.
    sql = sql.replace("SELECT ", f"SELECT {column} AS _changed_at, ", 1)
    rows = _fetch(sql, {**params, "updated_after": updated_after, "limit": limit + 1})
    has_more = len(rows) > limit
    rows = rows[:limit]
    return ChangePage(
        rows=[_as_json(dataset, row[1:]) for row in rows],
        next_sync_token=None,
        next_updated_after=rows[-1][0] if rows else updated_after,
        has_more=has_more,
    )
