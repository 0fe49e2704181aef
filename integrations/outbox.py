"""Domain events into the outbox: one mapping per event type, one row per event.

The outbox subscribes to every mapped event at `Moment.WITH_STATEMENT`: it hands back the
unsaved `OutboxEvent` and the publisher writes it with its change (the move in its one
statement, anything else in its transaction). A rollback leaves no event; a commit loses
none. A new event type (approvals' lifecycle) is one entry in `OUTBOX_MAPPINGS`.

Payloads follow the Standard Webhooks shape, `{"type", "timestamp", "data"}`, and name
ids, codes and states only: no candidate personal data leaves through the outbox.

A move that ends the candidacy (its `application_status` becomes rejected, withdrawn or
hired: the engine moves only active applications, so such a move is the one that changed
it) also writes `application.rejected` / `.withdrawn` / `.hired`, right after its
`milestone.moved` and in the same statement: the move stays one write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ats_milestones.events import DomainEvent, Moment, OutboundEvent, subscribe
from integrations.models import OutboxEvent
from milestones.events import MilestoneMoved
from recruiting.events import ApplicationCreated
from tenants.actors import Actor


@dataclass(frozen=True)
class OutboxMapping:
    """How one domain event type leaves: its public type name, the key that orders it
    (an application's events reach a connection in order) and its `data` document."""

    type: str
    ordering_key: Callable[[Any], Any]
    data: Callable[[Any], dict]


def _actor(actor: Actor) -> dict:
    return actor.as_data()


def _moved(event: MilestoneMoved) -> dict:
    return {
        "application_id": str(event.application_id),
        "transition_id": str(event.transition_id),
        "kind": event.kind,
        "cause": str(event.cause),
        "from_milestone": event.from_code,
        "to_milestone": event.to_code,
        "application_status": event.application_status,
        "application_version": event.application_version,
        "at": event.at.isoformat(),
        "actor": _actor(event.actor),
    }


def _created(event: ApplicationCreated) -> dict:
    return {
        "application_id": str(event.application_id),
        "requisition_id": str(event.requisition_id),
        "actor": _actor(event.actor),
    }


# Application statuses a move can end in, and the lifecycle event each writes.
LIFECYCLE_TYPES = {
    "rejected": "application.rejected",
    "withdrawn": "application.withdrawn",
    "hired": "application.hired",
}


def _lifecycle(event: MilestoneMoved) -> dict:
    return {
        "application_id": str(event.application_id),
        "transition_id": str(event.transition_id),
        "application_status": event.application_status,
        "milestone": event.from_code or event.to_code,
        "cause": str(event.cause),
        "application_version": event.application_version,
        "at": event.at.isoformat(),
        "actor": _actor(event.actor),
    }


def _lifecycle_type(event: DomainEvent) -> str | None:
    if not isinstance(event, MilestoneMoved) or event.kind == "initialize":
        return None
    return LIFECYCLE_TYPES.get(event.application_status)


OUTBOX_MAPPINGS: dict[type[DomainEvent], OutboxMapping] = {
    MilestoneMoved: OutboxMapping("milestone.moved", lambda e: e.application_id, _moved),
    ApplicationCreated: OutboxMapping("application.created", lambda e: e.application_id, _created),
}


def _outbound_types() -> list[str]:
    """Every public type name an `OutboundEvent` subclass declares (imported apps only)."""
    found: list[str] = []
    pending = list(OutboundEvent.__subclasses__())
    while pending:
        klass = pending.pop()
        pending += klass.__subclasses__()
        if klass.outbound_type:
            found.append(klass.outbound_type)
    return found


def event_types() -> tuple[str, ...]:
    """The event types a connection may subscribe to: the mapped ones, every
    `OutboundEvent` of the installed apps (read after apps are ready), the test event."""
    names = {m.type for m in OUTBOX_MAPPINGS.values()} | set(_outbound_types())
    names |= set(LIFECYCLE_TYPES.values())
    return (*sorted(names), "connection.test")


def _mapping(event: DomainEvent) -> OutboxMapping:
    mapping = next((OUTBOX_MAPPINGS[k] for k in type(event).__mro__ if k in OUTBOX_MAPPINGS), None)
    if mapping is not None:
        return mapping
    return OutboxMapping(
        event.outbound_type, lambda e: e.ordering_key(), lambda e: e.outbound_data()
    )


def _row(event: DomainEvent, event_type: str, ordering_key, data: dict) -> OutboxEvent:
    now = getattr(event, "at", None) or timezone.now()
    return OutboxEvent(
        tenant_id=event.tenant_id,
        event_type=event_type,
        ordering_key=ordering_key,
        occurred_at=now,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
    )


def outbox_event_build(event: DomainEvent) -> list[OutboxEvent]:
    """The outbox rows of `event` (unsaved, in the order they happened), for its publisher
    to write with the change: its own, then the lifecycle event of a move that ended the
    candidacy."""
    mapping = _mapping(event)
    key = mapping.ordering_key(event)
    rows = [_row(event, mapping.type, key, mapping.data(event))]
    lifecycle_type = _lifecycle_type(event)
    if lifecycle_type:
        rows.append(_row(event, lifecycle_type, key, _lifecycle(event)))
    return rows


OUTBOX_EVENT_CLASSES: tuple[type[DomainEvent], ...] = (*OUTBOX_MAPPINGS, OutboundEvent)


def connect() -> None:
    for event_type in OUTBOX_EVENT_CLASSES:
        subscribe(event_type, outbox_event_build, moment=Moment.WITH_STATEMENT)
