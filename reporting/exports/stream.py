"""Reading a dataset for export: one SELECT through a server-side cursor (a psycopg named
cursor inside a transaction, so Postgres hands rows over as they are found and nothing is
materialised first), fetched in batches of plain tuples (no model instances), then written
as CSV lines or Parquet row groups as the batches come. Memory stays flat whatever the size.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection, transaction

from reporting.exports.datasets import FLOAT, INTEGER, STRING, TIMESTAMP, Column, Dataset
from reporting.models import ExportFormat

_ISO_UTC = """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"""


@dataclass(frozen=True)
class ExportFilters:
    """Which rows: a period (`since` inclusive, `until` exclusive) on the dataset's period
    column, departments (None: all), whether sensitive milestones' rows are included, and
    the confidential requisitions whose rows are not."""

    tenant_id: uuid.UUID
    since: datetime | None = None
    until: datetime | None = None
    department_ids: tuple[uuid.UUID, ...] | None = None
    sensitive: bool = False
    # Confidential requisitions the caller may not see: their rows are left out.
    hidden_requisition_ids: tuple[uuid.UUID, ...] = ()


def _select(column: Column, *, typed: bool) -> str:
    if column.type == TIMESTAMP:
        if typed:  # microseconds since the epoch: Arrow takes them as they come
            return f"(extract(epoch FROM {column.sql}) * 1000000)::bigint"
        return f"to_char({column.sql} AT TIME ZONE 'UTC', {_ISO_UTC})"
    return column.sql


def dataset_sql(
    dataset: Dataset, filters: ExportFilters, *, typed: bool, extra_where: str = "", tail: str = ""
) -> tuple[str, dict]:
    """The SELECT of `dataset` under `filters`; `typed` reads timestamps as epoch
    microseconds (Parquet), else as ISO-8601 UTC text (CSV, JSON). The change key comes
    last (two more columns) and orders the rows."""
    xid, key = dataset.change_key
    select = ", ".join([_select(c, typed=typed) for c in dataset.columns] + [xid, key])
    where, params = [], {"tenant": filters.tenant_id}
    if filters.since is not None:
        where.append(f"{dataset.period_column} >= %(since)s")
        params["since"] = filters.since
    if filters.until is not None:
        where.append(f"{dataset.period_column} < %(until)s")
        params["until"] = filters.until
    if filters.department_ids is not None:
        where.append(f"{dataset.department_column} = ANY(%(departments)s)")
        params["departments"] = list(filters.department_ids)
    if not filters.sensitive:
        where.append(f"NOT {dataset.sensitive_sql}")
    if filters.hidden_requisition_ids:
        where.append(f"NOT ({dataset.requisition_column} = ANY(%(hidden)s))")
        params["hidden"] = list(filters.hidden_requisition_ids)
    if extra_where:
        where.append(extra_where)
    conditions = "".join(f"\n  AND {w}" for w in where)
    # Transaction order, then id: the order of the change index, so rows stream from it.
    order = tail or f"ORDER BY {xid}, {key}"
    return f"SELECT {select} {dataset.from_sql}{conditions}\n{order}", params


def dataset_count(dataset: Dataset, filters: ExportFilters) -> int:
    """How many rows an export of `dataset` under `filters` will have (for progress)."""
    sql, params = dataset_sql(dataset, filters, typed=False, tail="")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) rows", params)  # noqa: S608
        return cursor.fetchone()[0]


def stream_from_the_index(cursor) -> None:
    """For this transaction: walk the change index rather than sort (a sort reads every
    row before the first goes out; nested loops with memoized look-ups of the small tables
    send the first row at once), and no JIT compilation (seconds on a big plan)."""
    cursor.execute("SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)")


def dataset_batches(
    dataset: Dataset, filters: ExportFilters, *, typed: bool, batch_rows: int | None = None
) -> Iterator[list[tuple]]:
    """The rows of `dataset` in batches (each row: the columns, then the change key)."""
    size = batch_rows or settings.EXPORTS_BATCH_ROWS
    sql, params = dataset_sql(dataset, filters, typed=typed)
    # Inside a transaction the named cursor is not WITH HOLD: rows stream as they are found.
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        stream_from_the_index(cursor)
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch


# -- CSV -----------------------------------------------------------------------------------


def csv_chunks(dataset: Dataset, batches: Iterator[list[tuple]]) -> Iterator[bytes]:
    """A header line, then one chunk of CSV lines per batch."""
    width = len(dataset.columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(dataset.column_names)
    yield buffer.getvalue().encode()
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(row[:width] for row in batch)
        yield buffer.getvalue().encode()


# -- Parquet -------------------------------------------------------------------------------

_ARROW_TYPES = {
    STRING: pa.string(),
    INTEGER: pa.int64(),
    FLOAT: pa.float64(),
    TIMESTAMP: pa.timestamp("us", tz="UTC"),
}


def arrow_schema(dataset: Dataset) -> pa.Schema:
    return pa.schema(
        [
            pa.field(c.name, _ARROW_TYPES[c.type], metadata={"meaning": c.meaning})
            for c in dataset.columns
        ],
        metadata={"dataset": dataset.name},
    )


class _StreamSink(io.RawIOBase):
    """A file Parquet writes into and the response drains: bytes out as they are written."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _arrow_batch(schema: pa.Schema, batch: list[tuple]) -> pa.RecordBatch:
    columns = list(zip(*batch, strict=True))
    return pa.record_batch(
        [
            pa.array(values, type=schema.field(i).type)
            for i, values in enumerate(columns[: len(schema)])
        ],
        schema=schema,
    )


def parquet_chunks(dataset: Dataset, batches: Iterator[list[tuple]]) -> Iterator[bytes]:
    """One Parquet row group per batch, each sent as soon as it is written; the footer
    last. Needs `typed` batches (timestamps as epoch microseconds)."""
    schema = arrow_schema(dataset)
    sink = _StreamSink()
    writer = pq.ParquetWriter(sink, schema, compression="zstd")
    try:
        for batch in batches:
            writer.write_batch(_arrow_batch(schema, batch))
            if chunk := sink.drain():
                yield chunk
    finally:
        writer.close()
    yield sink.drain()


def export_chunks(
    dataset: Dataset, filters: ExportFilters, fmt: str, *, batch_rows: int | None = None
) -> Iterator[bytes]:
    """The whole export of `dataset` as `fmt`, chunk by chunk."""
    typed = fmt == ExportFormat.PARQUET
    batches = dataset_batches(dataset, filters, typed=typed, batch_rows=batch_rows)
    if typed:
        return parquet_chunks(dataset, batches)
    return csv_chunks(dataset, batches)


CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PARQUET: "application/vnd.apache.parquet",
}
