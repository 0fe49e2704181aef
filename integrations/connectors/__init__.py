"""Connectors: what a connection of a known kind (HRIS, background check, payroll) makes
of the outbox's events, instead of receiving them as they are.

The relay's dispatch step hands each batch of (event, connection) pairs whose connection
has a connector to `connector_plans`. The connector answers, per pair, the body that
connection receives (an HRIS status change, a payroll onboarding request) or nothing
(the pair gets no delivery); the relay then delivers those bodies like any other event:
signed, in order per application, retried, dead-lettered. A connector may also start
work of its own there (the background-check connector records a check to order from the
vendor's API). Connections of other kinds (generic webhook, assessment) receive every
subscribed event unchanged.

Connectors run inside the dispatcher's transaction, after the change committed its
outbox row: a crash before the dispatch commits loses nothing (the event is dispatched
again), so the move itself stays one statement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from integrations.connectors import background_check, hris, payroll
from integrations.connectors.context import ConnectorContext
from integrations.models import Connection, ConnectionKind, OutboxEvent

Pair = tuple[OutboxEvent, Connection]
Plan = Callable[[list[Pair], ConnectorContext, datetime], dict[tuple, dict | None]]

CONNECTORS: dict[str, Plan] = {
    ConnectionKind.HRIS: hris.hris_plan,
    ConnectionKind.BACKGROUND_CHECK: background_check.background_check_plan,
    ConnectionKind.PAYROLL: payroll.payroll_plan,
}


def has_connector(connection: Connection) -> bool:
    return connection.kind in CONNECTORS


def connector_plans(pairs: list[Pair], *, now: datetime) -> dict[tuple, dict | None]:
    """(event pk, connection pk) -> the body that connection receives, for the pairs a
    connector sends anything for; pairs it leaves out get no delivery. A constant number
    of queries per batch."""
    by_kind: dict[str, list[Pair]] = {}
    for event, connection in pairs:
        by_kind.setdefault(connection.kind, []).append((event, connection))
    if not by_kind:
        return {}
    context = ConnectorContext.load([event for event, _ in pairs])
    plans: dict[tuple, dict | None] = {}
    for kind, kind_pairs in by_kind.items():
        plans |= CONNECTORS[kind](kind_pairs, context, now)
    return plans
