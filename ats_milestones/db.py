"""Connection-level helpers that must not import Django models (settings import them)."""

import json
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

RESET_TENANT_SQL = (
    "SELECT set_config('app.tenant_id', '', false), set_config('app.all_tenants', 'off', false)"
)


def reset_pooled_connection(conn) -> None:
    """Runs when a connection goes back to the pool: no tenant rides along to the next user."""
    conn.execute(RESET_TENANT_SQL)


def _json_value(value):
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    raise TypeError(f"cannot pass {type(value).__name__} to Postgres as JSON")


def json_param(document) -> str:
    """A document of rows as one parameter, for `jsonb_populate_record[set]` or
    `jsonb_to_recordset`: the C JSON encoder, with uuids, timestamps, dates, decimals and
    intervals as Postgres reads them back. One parameter instead of one per value (or an
    array per column, which psycopg dumps element by element in Python)."""
    return json.dumps(document, default=_json_value, separators=(",", ":"))
