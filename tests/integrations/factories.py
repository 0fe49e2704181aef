"""Factories of integrations rows (through the services, so secrets are encrypted as live)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from integrations.models import (
    AdverseAction,
    BackgroundCheck,
    BackgroundCheckResult,
    BackgroundCheckStatus,
    ConflictChoice,
    ConnectionKind,
    Delivery,
    DeliveryState,
    OutboxEvent,
    PrecedenceRule,
    SyncConflict,
)
from integrations.services.connections import connection_create
from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.actors import SYSTEM
from tenants.context import tenant_context
from tests import factories

from ..milestones.factories import make_tracked_application, make_version

_n = iter(range(1, 1_000_000))


def make_connection(*, tenant, url: str, **values):
    """A connection and its signing secret in plain."""
    values = {
        "name": f"Connection {next(_n)}",
        "kind": ConnectionKind.WEBHOOK,
        "endpoint_url": url,
        "timeout_s": 2.0,
    } | values
    auth_secret = values.pop("auth_secret", "")
    with tenant_context(tenant):
        return connection_create(
            tenant_id=tenant.pk, actor=SYSTEM, values=values, auth_secret=auth_secret
        )


UNUSED_LOOPBACK = "http://127.0.0.1:9/hooks"  # the discard port: nothing answers


def make_any_connection(*, tenant, **values):
    """A connection (no secret returned) to a loopback address nothing listens on."""
    return make_connection(tenant=tenant, url=UNUSED_LOOPBACK, **values)[0]


def make_dead_letter(*, tenant, connection=None):
    """A dead-lettered delivery of one outbox event (the most replayable kind)."""
    connection = connection or make_any_connection(tenant=tenant)
    now = timezone.now()
    with tenant_context(tenant):
        event = OutboxEvent.objects.create(
            tenant_id=tenant.pk,
            event_type="milestone.moved",
            ordering_key=uuid.uuid4(),
            occurred_at=now,
            dispatched_at=now,
            payload={"type": "milestone.moved", "timestamp": now.isoformat(), "data": {}},
        )
        return Delivery.objects.create(
            tenant_id=tenant.pk,
            connection=connection,
            event=event,
            event_type=event.event_type,
            ordering_key=event.ordering_key,
            position=event.pk,
            state=DeliveryState.DEAD,
            attempts=10,
            last_status=500,
            dead_at=now,
        )


def make_background_check(*, tenant, waiting_over: bool = True, **values):
    """A background check whose `consider` result waits for a person's decision (over by
    default), for an application standing on its BACKGROUND_CHECK milestone."""
    application = make_tracked_application(
        tenant=tenant,
        version=make_version(tenant=tenant, codes=("APPLIED", "BACKGROUND_CHECK", "OFFER")),
    )
    now = timezone.now()
    with tenant_context(tenant):
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
        values = {
            "connection": values.pop("connection", None)
            or make_any_connection(tenant=tenant, kind=ConnectionKind.BACKGROUND_CHECK),
            "status": BackgroundCheckStatus.COMPLETE,
            "result": BackgroundCheckResult.CONSIDER,
            "adverse_action": AdverseAction.WAITING,
            "waiting_ends_at": now - timedelta(minutes=1)
            if waiting_over
            else now + timedelta(days=7),
            "vendor_report_id": f"rep_{next(_n)}",
        } | values
        return BackgroundCheck.objects.create(
            tenant_id=tenant.pk,
            application=application,
            milestone_code="BACKGROUND_CHECK",
            package="tasker_standard",
            **values,
        )


def signed_inbound(
    client, connection, secret: str, document: dict, *, msg_id=None, at=None, headers=None
):
    """POST `document` to the connection's inbound endpoint as a peer system would: signed
    with the `standardwebhooks` package (the sending side's own library)."""
    body = json.dumps(document)
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or timezone.now()
    signed = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body),
    } | (headers or {})
    return client.post(
        f"/api/v1/inbound/{connection.pk}",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in signed.items() if v is not None},
    )


def application_updated(application, fields: dict, *, updated_at) -> dict:
    return {
        "type": "application.updated",
        "timestamp": timezone.now().isoformat(),
        "data": {
            "application_id": str(application.pk),
            "fields": fields,
            "updated_at": updated_at.isoformat(),
        },
    }


def make_sync_conflict(*, tenant, connection=None, application=None, **values):
    """An open conflict on a candidate's email (ours and theirs differ)."""
    connection = connection or make_any_connection(tenant=tenant)
    application = application or factories.make_application(tenant=tenant)
    now = timezone.now()
    values = {
        "field": "candidate.email",
        "object_type": "candidate",
        "object_id": application.candidate_id,
        "ours_value": "ours@example.com",
        "ours_changed_at": now,
        "theirs_value": "theirs@example.com",
        "theirs_changed_at": now,
        "rule": PrecedenceRule.LATEST_WINS,
        "applied": ConflictChoice.THEIRS,
    } | values
    with tenant_context(tenant):
        return SyncConflict.objects.create(
            tenant_id=tenant.pk, connection=connection, application=application, **values
        )
