"""The relay's set-based statements: claim a batch with what it sends, insert a batch of
deliveries, record a batch of attempts, update a batch of deliveries. Each is one
statement over one JSON document (no model instances on the hot path: Django's
`bulk_create` / `bulk_update` compiled each field of each row in Python, over a second
per batch). A batch's outcomes (attempts and deliveries) go in one round trip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection as db

from ats_milestones.db import json_param

# The head of each (connection, application) line: the lowest position still pending or
# dead. Written as "= (... ORDER BY position LIMIT 1)" so it walks delivery_line_idx in
# order (a NOT EXISTS was planned through the unique index: 4 s for a 3,000-row backlog).
# The outer query reads what the batch sends with the claim: one round trip.
CLAIM = """
WITH claimed AS (
  SELECT d.id FROM integrations_delivery d
  JOIN integrations_connection c ON c.id = d.connection_id AND c.tenant_id = d.tenant_id
  WHERE d.state = 'pending' AND d.next_attempt_at <= %s AND c.enabled
    AND (d.ordering_key IS NULL OR d.position = (
      SELECT e.position FROM integrations_delivery e
      WHERE e.tenant_id = d.tenant_id AND e.connection_id = d.connection_id
        AND e.ordering_key = d.ordering_key AND e.state IN ('pending', 'dead')
      ORDER BY e.position LIMIT 1))
  ORDER BY d.next_attempt_at, d.position
  LIMIT %s
  FOR UPDATE OF d SKIP LOCKED
)
SELECT d.id, d.tenant_id, d.connection_id, d.position, d.state, d.attempts,
       d.next_attempt_at, d.last_status, d.last_error, d.delivered_at, d.dead_at,
       d.updated_at, o.event_id, COALESCE(d.payload, o.payload)::text, c.updated_at
FROM claimed
JOIN integrations_delivery d ON d.id = claimed.id
JOIN integrations_outboxevent o ON o.id = d.event_id AND o.tenant_id = d.tenant_id
JOIN integrations_connection c ON c.id = d.connection_id AND c.tenant_id = d.tenant_id
ORDER BY d.next_attempt_at, d.position
"""


@dataclass(slots=True)
class Sending:
    """A claimed delivery: the columns the attempt changes, and what it sends."""

    id: object
    tenant_id: object
    connection_id: object
    position: int
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str
    delivered_at: datetime | None
    dead_at: datetime | None
    updated_at: datetime
    event_id: object
    payload: str  # its connector's body, else the event's: the jsonb's text, sent as it is
    connection_updated_at: datetime  # whether a relay's copy of the connection is current

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.event_id.hex}"


def deliveries_claim(now: datetime, limit: int) -> list[Sending]:
    with db.cursor() as cursor:
        cursor.execute(CLAIM, [now, limit])
        return [Sending(*row) for row in cursor.fetchall()]


CHANGED = (
    "state",
    "attempts",
    "next_attempt_at",
    "last_status",
    "last_error",
    "delivered_at",
    "dead_at",
    "updated_at",
)
_UPDATE = (
    "UPDATE integrations_delivery d SET "  # noqa: S608 -- fixed column names
    + ", ".join(f"{f} = v.{f}" for f in CHANGED)
    + " FROM jsonb_populate_recordset(NULL::integrations_delivery, %s::jsonb) v"
    " WHERE d.id = v.id AND d.tenant_id = v.tenant_id"
)


def _update_document(deliveries: list[Sending]) -> str:
    return json_param(
        [
            {"id": d.id, "tenant_id": d.tenant_id, **{f: getattr(d, f) for f in CHANGED}}
            for d in deliveries
        ]
    )


def deliveries_update(deliveries: list[Sending]) -> None:
    if not deliveries:
        return
    with db.cursor() as cursor:
        cursor.execute(_UPDATE, [_update_document(deliveries)])


_DELIVERY_COLUMNS = (
    "id",
    "tenant_id",
    "created_at",
    "updated_at",
    "connection_id",
    "event_id",
    "event_type",
    "ordering_key",
    "position",
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "replays",
    "payload",
)
_INSERT_DELIVERIES = (
    f"INSERT INTO integrations_delivery ({', '.join(_DELIVERY_COLUMNS)}) "  # noqa: S608
    f"SELECT {', '.join(_DELIVERY_COLUMNS)} "
    "FROM jsonb_populate_recordset(NULL::integrations_delivery, %s::jsonb)"
)


def deliveries_insert(rows: list[dict]) -> None:
    """New pending deliveries (dicts of the fan-out's columns) in one statement."""
    if rows:
        with db.cursor() as cursor:
            cursor.execute(_INSERT_DELIVERIES, [json_param(rows)])


_ATTEMPT_COLUMNS = (
    "id",
    "tenant_id",
    "created_at",
    "delivery_id",
    "connection_id",
    "number",
    "status_code",
    "latency_ms",
    "error",
    "response_excerpt",
    "attempted_at",
)
_INSERT_ATTEMPTS = (
    f"INSERT INTO integrations_deliveryattempt ({', '.join(_ATTEMPT_COLUMNS)}) "  # noqa: S608
    f"SELECT {', '.join(_ATTEMPT_COLUMNS)} "
    "FROM jsonb_populate_recordset(NULL::integrations_deliveryattempt, %s::jsonb)"
)


def attempts_insert(attempts: list[dict]) -> None:
    """The batch's attempt log in one statement."""
    if attempts:
        with db.cursor() as cursor:
            cursor.execute(_INSERT_ATTEMPTS, [json_param(attempts)])


# Both in one round trip: a data-modifying CTE runs once whether or not it is read.
_RECORD = f"WITH logged AS ({_INSERT_ATTEMPTS}) {_UPDATE}"  # noqa: S608 -- fixed SQL


def deliveries_record(deliveries: list[Sending], attempts: list[dict]) -> None:
    """A batch's outcomes: its attempt log and its deliveries' new state, one statement."""
    if not attempts:
        deliveries_update(deliveries)
        return
    with db.cursor() as cursor:
        cursor.execute(_RECORD, [json_param(attempts), _update_document(deliveries)])
