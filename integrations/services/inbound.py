"""Inbound webhooks: verify a peer's signed event, apply it once, answer the same again.

The signature is the authentication (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
`webhook-signature`, five minutes' tolerance, any unexpired secret of the connection). The
receipt row is inserted first, in the transaction of the effect: a concurrent repeat
waits on its unique index and then answers the first answer; a later repeat reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from standardwebhooks.webhooks import WebhookVerificationError

from ats_milestones.api.errors import error_body
from ats_milestones.errors import DomainError, InvalidInput
from audit.services import audit_record
from integrations.errors import (
    IntegrationErrorCode,
    SignatureHeadersMissing,
    SignatureInvalid,
    UnknownInboundType,
)
from integrations.inbound_handlers import InboundEvent, inbound_event_types, inbound_handler
from integrations.models import Connection, InboundOutcome, InboundReceipt
from integrations.services.field_sync import connection_actor
from integrations.services.signing import signing_secrets, verify

MAX_BODY_BYTES = 256 * 1024
SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
AUDIT_OBJECT_CONNECTION = "integrations.Connection"


@dataclass(frozen=True)
class InboundAnswer:
    status: int
    body: dict
    replayed: bool = False


def _headers_checked(headers) -> dict[str, str]:
    found = {name: (headers.get(name) or "").strip() for name in SIGNATURE_HEADERS}
    missing = [name for name, value in found.items() if not value]
    if missing:
        raise SignatureHeadersMissing(
            f"Missing Standard Webhooks header{'s' if len(missing) > 1 else ''}: "
            f"{', '.join(missing)}.",
            fields={name: ["This header is required."] for name in missing},
        )
    if not found["webhook-timestamp"].isdigit():
        raise SignatureHeadersMissing(
            "webhook-timestamp is whole seconds since 1970 (UTC).",
            fields={"webhook-timestamp": ["Whole seconds since 1970."]},
        )
    if len(found["webhook-id"]) > 200:
        raise SignatureHeadersMissing(
            "webhook-id is at most 200 characters.",
            fields={"webhook-id": ["At most 200 characters."]},
        )
    return found


def _document(body: bytes) -> dict:
    def invalid(field: str, message: str) -> InvalidInput:
        return InvalidInput(
            message, code=IntegrationErrorCode.INVALID_INBOUND_EVENT, fields={field: [message]}
        )

    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise invalid("body", "The body is not JSON.") from None
    if not isinstance(document, dict):
        raise invalid("body", 'A JSON object: {"type", "timestamp", "data"}.')
    if not isinstance(document.get("type"), str) or not document["type"]:
        raise invalid("type", "The event's type, e.g. application.updated.")
    if not isinstance(document.get("data", {}), dict):
        raise invalid("data", "An object.")
    return document


def _occurred_at(document: dict) -> datetime | None:
    raw = document.get("timestamp")
    if not isinstance(raw, str):
        return None
    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else None


def inbound_receive(
    *, connection: Connection, headers, body: bytes, now: datetime | None = None
) -> InboundAnswer:
    """Verify, deduplicate by `webhook-id` and hand the event to the handler of its type.
    Raises (no receipt) for what is not a verified event of the connection: missing or
    malformed headers (400), a bad signature or a timestamp outside five minutes (401),
    a body that is not an event (400). A handler's refusal and an unknown type (422) are
    answers like an applied event: stored with the receipt and answered again on repeat."""
    now = now or timezone.now()
    signed = _headers_checked(headers)
    try:
        verify(signing_secrets(connection, now=now), body=body, headers=signed)
    except WebhookVerificationError as refusal:
        raise SignatureInvalid(
            f"The signature does not verify: {refusal}.",
            fields={"webhook-signature": [str(refusal)]},
        ) from None
    document = _document(body)
    event = InboundEvent(
        connection=connection,
        webhook_id=signed["webhook-id"],
        event_type=document["type"],
        occurred_at=_occurred_at(document),
        data=document.get("data") or {},
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = InboundReceipt.objects.create(
                    tenant_id=connection.tenant_id,
                    connection=connection,
                    webhook_id=event.webhook_id,
                    event_type=event.event_type[:100],
                    received_at=now,
                    source_timestamp=datetime.fromtimestamp(
                        int(signed["webhook-timestamp"]), tz=UTC
                    ),
                    outcome=InboundOutcome.APPLIED,
                    status_code=0,
                )
        except IntegrityError:
            first = InboundReceipt.objects.get(connection=connection, webhook_id=event.webhook_id)
            return InboundAnswer(first.status_code, first.summary, replayed=True)
        answer = _applied(event, receipt)
        receipt.status_code, receipt.summary = answer.status, answer.body
        if answer.status >= 300:
            receipt.outcome = InboundOutcome.REFUSED
        receipt.save(update_fields=["status_code", "summary", "outcome"])
        audit_record(
            action="inbound.applied" if answer.status < 300 else "inbound.refused",
            tenant_id=connection.tenant_id,
            actor=connection_actor(connection),
            object_type=AUDIT_OBJECT_CONNECTION,
            object_id=str(connection.pk),
            data={
                "webhook_id": event.webhook_id,
                "type": event.event_type[:100],
                "status": answer.status,
            },
        )
    return answer


def _applied(event: InboundEvent, receipt: InboundReceipt) -> InboundAnswer:
    handler = inbound_handler(event.event_type)
    try:
        if handler is None:
            known = ", ".join(inbound_event_types())
            raise UnknownInboundType(
                f"No inbound event of type {event.event_type!r}. Known: {known}.",
                fields={"type": [f"Unknown type. Known: {known}."]},
            )
        with transaction.atomic():
            result = handler(replace(event, receipt_id=receipt.pk))
    except DomainError as refusal:
        return InboundAnswer(
            refusal.status, error_body(refusal.code, refusal.message, refusal.fields)
        )
    return InboundAnswer(
        200,
        {
            "webhook_id": event.webhook_id,
            "type": event.event_type,
            "outcome": InboundOutcome.APPLIED.value,
            "result": result,
        },
    )
