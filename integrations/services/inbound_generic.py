"""The generic inbound event types every connection may send (connectors add their own):

- `application.updated`: changes to an application's and its candidate's syncable fields,
  by the connection's per-field precedence (`field_sync.py`);
- `milestone.event`: an external event about an application (an assessment completed)
  handed to the automation events service, so rules fire exactly as for an API client.
"""

from __future__ import annotations

import re
import uuid

from ats_milestones.errors import InvalidInput
from integrations.errors import IntegrationErrorCode
from integrations.inbound_handlers import InboundEvent, register_inbound_handler
from integrations.services.field_sync import application_updated_apply, timestamp_parse
from milestones.errors import UnknownApplicationReference
from milestones.services.automation.events import application_event_receive

EVENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")  # as POST /api/v1/events takes


@register_inbound_handler("application.updated")
def application_updated(event: InboundEvent) -> dict:
    return application_updated_apply(
        connection=event.connection, data=event.data, receipt_id=event.receipt_id
    )


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(
        message, code=IntegrationErrorCode.INVALID_INBOUND_EVENT, fields={field: [message]}
    )


@register_inbound_handler("milestone.event")
def milestone_event(event: InboundEvent) -> dict:
    """`data`: `application_id` or `application_external_id`, `event_type`
    (`assessment.completed`), optional `occurred_at` (else the body's `timestamp`) and
    `payload`. Stored once per webhook-id of the connection; the version's rules run."""
    data = event.data
    application_id, external_id = data.get("application_id"), data.get("application_external_id")
    if bool(application_id) == bool(external_id):
        raise _invalid("data.application_id", "Give application_id or application_external_id.")
    if application_id:
        try:
            application_id = uuid.UUID(str(application_id))
        except ValueError:
            raise _invalid("data.application_id", "Not a valid id.") from None
    event_type = data.get("event_type")
    if not isinstance(event_type, str) or not EVENT_TYPE.match(event_type):
        raise _invalid(
            "data.event_type", "Lower case, digits, '.', '_', '-', e.g. assessment.completed."
        )
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise _invalid("data.payload", "An object.")
    occurred_at = event.occurred_at
    if data.get("occurred_at") is not None:
        occurred_at = timestamp_parse(data["occurred_at"], field="data.occurred_at")
    if occurred_at is None:
        raise _invalid("data.occurred_at", "When it happened (ISO-8601 with zone).")
    try:
        stored, created = application_event_receive(
            event_type=event_type,
            occurred_at=occurred_at,
            idempotency_id=f"inbound:{event.connection.pk.hex}:{event.webhook_id}"[:200],
            payload=payload,
            application_id=application_id or None,
            application_external_id=None if application_id else str(external_id),
        )
    except UnknownApplicationReference as refusal:
        name = "data.application_id" if application_id else "data.application_external_id"
        raise UnknownApplicationReference(
            refusal.message, fields={name: ["No such application."]}
        ) from None
    return {
        "event_id": str(stored.pk),
        "application_id": str(stored.application_id),
        "created": created,
        "outcome": stored.outcome,
    }
