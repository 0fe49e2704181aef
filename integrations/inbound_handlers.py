"""What an inbound event from a peer system does, by its type.

`POST /api/v1/inbound/{connection}` verifies the Standard Webhooks signature, deduplicates by
`webhook-id` and then calls the handler registered for the body's `type`. Connectors (HRIS,
background check, payroll) and the generic updates register their handlers here, so the
endpoint knows none of them:

    @register_inbound_handler("background_check.completed")
    def background_check_completed(event: InboundEvent) -> dict: ...

A handler applies the event through the same services a person's action uses, inside the
endpoint's transaction, and returns a short summary (stored with the receipt, answered to
the sender). It raises a domain error (`ats_milestones.errors`) for what it refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class InboundEvent:
    """One verified, first-seen inbound event."""

    connection: Any  # integrations.models.Connection (the tenant's, in context)
    webhook_id: str
    event_type: str
    occurred_at: datetime | None  # the source's own timestamp, when it sent one
    data: dict
    receipt_id: Any = None  # the InboundReceipt's id, for rows that name the event


InboundHandler = Callable[[InboundEvent], dict]

_handlers: dict[str, InboundHandler] = {}


def register_inbound_handler(event_type: str) -> Callable[[InboundHandler], InboundHandler]:
    """Register the handler of one inbound event type (one handler per type)."""

    def decorator(handler: InboundHandler) -> InboundHandler:
        existing = _handlers.get(event_type)
        if existing is not None and existing is not handler:
            raise ValueError(f"inbound event type {event_type!r} already has a handler")
        _handlers[event_type] = handler
        return handler

    return decorator


def inbound_handler(event_type: str) -> InboundHandler | None:
    return _handlers.get(event_type)


def inbound_event_types() -> list[str]:
    return sorted(_handlers)
