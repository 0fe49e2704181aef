"""The relay: outbox events -> deliveries per connection -> signed HTTP POSTs, retried.

Two steps, each a short loop of batches (a Celery task runs them: beat every few seconds,
and a kick after each commit that wrote events):

1. `outbox_dispatch`: the oldest undispatched events (one dispatcher at a time, an
   advisory lock) become one `Delivery` per enabled connection whose subscriptions and
   filters match.
2. `deliveries_send`: due pending deliveries are claimed `FOR UPDATE SKIP LOCKED`, only
   the head of each (connection, application) line: a delivery waits while an earlier one
   of its application to the same connection is pending or dead-lettered, so a later
   event never arrives first. The batch's rows stay locked while their POSTs go out and
   are updated in the same transaction: a worker killed mid-batch leaves them pending,
   and they go again with the same `webhook-id`.

Outcomes (Standard Webhooks): 2xx delivered; 410 dead-letters the delivery and disables
the connection; other 4xx except 408/409/425/429 dead-letter at once; the rest retry on
the schedule with full jitter (or after `Retry-After` on 429/503); after the last attempt
the delivery is dead-lettered and the tenant's admins are alerted (in-app and email).
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record
from integrations import crypto
from integrations.models import (
    AuthKind,
    Connection,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    OutboxEvent,
)
from integrations.services.http import EndpointRefused, HttpClient, HttpResult
from integrations.services.signing import signed_headers, signing_secrets
from notifications.models import Notification
from notifications.services import NotificationRow, notifications_create_many
from tenants.actors import SYSTEM
from tenants.context import all_tenants_context
from tenants.models import Membership, Role

# Standard Webhooks' suggested schedule: waits after attempts 1..9 (about 3 days in all).
DEFAULT_RETRY_SCHEDULE_S = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
RETRYABLE_4XX = frozenset({408, 409, 425, 429})
RETRY_AFTER_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER_S = 86400
DISPATCH_LOCK = 0x0A75_0B0C  # pg advisory lock key of the one dispatcher
ALERT_DEAD_LETTER = "integration.dead_letter"
ALERT_DISABLED = "integration.connection_disabled"

_oauth_tokens: dict = {}


@dataclass
class RelayResult:
    dispatched: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    disabled: int = 0
    postponed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def retry_schedule() -> tuple[float, ...]:
    return tuple(
        getattr(settings, "INTEGRATIONS_RETRY_SCHEDULE_S", None) or DEFAULT_RETRY_SCHEDULE_S
    )


def subscribed(connection: Connection, event: OutboxEvent) -> bool:
    """Whether `connection` hears `event`: its type is subscribed ([] = all) and every
    filter's field in the event's data holds one of the filter's values."""
    if connection.event_types and event.event_type not in connection.event_types:
        return False
    data = (event.payload or {}).get("data", {})
    return all(data.get(field) in allowed for field, allowed in (connection.filters or {}).items())


@transaction.atomic
def outbox_dispatch(*, limit: int = 1000, now: datetime | None = None) -> int:
    """Fan out up to `limit` undispatched events; how many were taken (0 when another
    dispatcher holds the lock or none wait)."""
    now = now or timezone.now()
    with all_tenants_context():
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DISPATCH_LOCK])
            if not cursor.fetchone()[0]:
                return 0
        events = list(OutboxEvent.all_tenants.filter(dispatched_at=None).order_by("id")[:limit])
        if not events:
            return 0
        by_tenant = defaultdict(list)
        for connection in Connection.all_tenants.filter(
            tenant_id__in={e.tenant_id for e in events}, enabled=True
        ):
            by_tenant[connection.tenant_id].append(connection)
        Delivery.all_tenants.bulk_create(
            [
                Delivery(
                    tenant_id=event.tenant_id,
                    connection=connection,
                    event_id=event.pk,
                    event_type=event.event_type,
                    ordering_key=event.ordering_key,
                    position=event.pk,
                    next_attempt_at=now,
                )
                for event in events
                for connection in by_tenant.get(event.tenant_id, ())
                if subscribed(connection, event)
            ]
        )
        OutboxEvent.all_tenants.filter(id__in=[e.pk for e in events]).update(dispatched_at=now)
    return len(events)


_CLAIM = """
SELECT d.id FROM integrations_delivery d
JOIN integrations_connection c ON c.id = d.connection_id AND c.tenant_id = d.tenant_id
WHERE d.state = 'pending' AND d.next_attempt_at <= %s AND c.enabled
  AND NOT EXISTS (
    SELECT 1 FROM integrations_delivery e
    WHERE e.tenant_id = d.tenant_id AND e.connection_id = d.connection_id
      AND e.ordering_key = d.ordering_key AND e.position < d.position
      AND e.state IN ('pending', 'dead'))
ORDER BY d.next_attempt_at, d.position
LIMIT %s
FOR UPDATE OF d SKIP LOCKED
"""


def auth_headers(connection: Connection, client: HttpClient) -> dict:
    """The connection's auth as request headers (never logged, never stored)."""
    if connection.auth_kind == AuthKind.BEARER:
        return {"Authorization": f"Bearer {crypto.decrypt(connection.auth_secret_encrypted)}"}
    if connection.auth_kind == AuthKind.BASIC:
        pair = f"{connection.auth_username}:{crypto.decrypt(connection.auth_secret_encrypted)}"
        return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    if connection.auth_kind == AuthKind.OAUTH2:
        return {"Authorization": f"Bearer {_oauth_token(connection, client)}"}
    return {}


def _oauth_token(connection: Connection, client: HttpClient) -> str:
    key = (connection.pk, connection.updated_at)
    cached = _oauth_tokens.get(key)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    pair = f"{connection.auth_username}:{crypto.decrypt(connection.auth_secret_encrypted)}"
    body = "grant_type=client_credentials" + (
        f"&scope={connection.oauth_scope}" if connection.oauth_scope else ""
    )
    result = client.post(
        connection.oauth_token_url,
        body=body.encode(),
        timeout_s=connection.timeout_s,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
        },
    )
    try:
        document = json.loads(result.excerpt) if result.status == 200 else {}
        token = document["access_token"]
    except (ValueError, KeyError, TypeError):
        raise EndpointRefused(
            f"The OAuth token endpoint answered {result.status or result.error}"
        ) from None
    _oauth_tokens[key] = (
        token,
        time.monotonic() + max(0, float(document.get("expires_in", 300)) - 30),
    )
    return token


def _outcome(
    delivery: Delivery, result: HttpResult, now: datetime, result_counts: RelayResult
) -> str:
    """Apply one attempt's result to `delivery`; 'delivered' | 'retry' | 'dead' | 'gone'."""
    delivery.attempts += 1
    delivery.updated_at = now
    delivery.last_status = result.status
    delivery.last_error = result.error[:500]
    status = result.status
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryState.DELIVERED,
            now,
            None,
        )
        result_counts.delivered += 1
        return "delivered"
    gone = status == 410
    final = gone or (status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX)
    schedule = retry_schedule()
    if final or delivery.attempts > len(schedule):
        delivery.state, delivery.dead_at, delivery.next_attempt_at = DeliveryState.DEAD, now, None
        result_counts.dead += 1
        return "gone" if gone else "dead"
    if status in RETRY_AFTER_STATUSES and result.retry_after_s is not None:
        wait = min(result.retry_after_s, MAX_RETRY_AFTER_S)
    else:
        wait = random.uniform(0, schedule[delivery.attempts - 1])  # full jitter
    delivery.next_attempt_at = now + timedelta(seconds=max(wait, 0.5))
    result_counts.retried += 1
    return "retry"


def _rate_budget(connections: dict, now: datetime) -> dict:
    limited = [c.pk for c in connections.values() if c.rate_limit_per_minute]
    if not limited:
        return {}
    counts = defaultdict(int)
    for connection_id in DeliveryAttempt.all_tenants.filter(
        connection_id__in=limited, attempted_at__gt=now - timedelta(minutes=1)
    ).values_list("connection_id", flat=True):
        counts[connection_id] += 1
    return {pk: connections[pk].rate_limit_per_minute - counts[pk] for pk in limited}


@transaction.atomic
def deliveries_send(
    *, limit: int = 200, now: datetime | None = None, client: HttpClient, result: RelayResult
) -> int:
    """Claim and send one batch of due head-of-line deliveries; how many were claimed."""
    now = now or timezone.now()
    with all_tenants_context():
        with db.cursor() as cursor:
            cursor.execute(_CLAIM, [now, limit])
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return 0
        deliveries = sorted(
            Delivery.all_tenants.filter(id__in=ids).select_related("event", "connection"),
            key=lambda d: (d.next_attempt_at, d.position),
        )
        connections = {d.connection_id: d.connection for d in deliveries}
        budget = _rate_budget(connections, now)
        secrets = {pk: signing_secrets(c, now=now) for pk, c in connections.items()}
        headers_of: dict = {}
        attempts, changed, dead, gone = [], [], defaultdict(list), {}
        for delivery in deliveries:
            connection = connections[delivery.connection_id]
            if connection.pk in gone:
                continue
            if connection.pk in budget:
                if budget[connection.pk] <= 0:
                    delivery.next_attempt_at = now + timedelta(
                        seconds=60 / connection.rate_limit_per_minute
                    )
                    delivery.updated_at = now
                    changed.append(delivery)
                    result.postponed += 1
                    continue
                budget[connection.pk] -= 1
            body = json.dumps(delivery.event.payload, separators=(",", ":"))
            sent_at = timezone.now()
            try:
                if connection.pk not in headers_of:
                    headers_of[connection.pk] = auth_headers(connection, client)
                headers = headers_of[connection.pk] | signed_headers(
                    secrets[connection.pk], msg_id=delivery.event.webhook_id, body=body, now=sent_at
                )
                outcome = client.post(
                    connection.endpoint_url,
                    body=body.encode(),
                    headers=headers,
                    timeout_s=connection.timeout_s,
                )
            except EndpointRefused as refusal:
                outcome = HttpResult(None, 0.0, error=str(refusal)[:500])
            kind = _outcome(delivery, outcome, sent_at, result)
            changed.append(delivery)
            attempts.append(
                DeliveryAttempt(
                    tenant_id=delivery.tenant_id,
                    delivery=delivery,
                    connection_id=connection.pk,
                    number=delivery.attempts,
                    status_code=outcome.status,
                    latency_ms=round(outcome.latency_ms, 2),
                    error=outcome.error[:500],
                    response_excerpt=outcome.excerpt,
                    attempted_at=sent_at,
                )
            )
            if kind in ("dead", "gone"):
                dead[connection.pk].append(delivery)
            if kind == "gone":
                gone[connection.pk] = connection
        DeliveryAttempt.all_tenants.bulk_create(attempts)
        Delivery.all_tenants.bulk_update(
            changed,
            [
                "state",
                "attempts",
                "next_attempt_at",
                "last_status",
                "last_error",
                "delivered_at",
                "dead_at",
                "updated_at",
            ],
        )
        for connection in gone.values():
            _disable_gone(connection, now)
            result.disabled += 1
        if dead or gone:
            _alert_admins(connections, dead, gone)
    return len(ids)


def _disable_gone(connection: Connection, now: datetime) -> None:
    reason = (
        f"The endpoint answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC; "
        "fix it and enable the connection again."
    )
    Connection.all_tenants.filter(pk=connection.pk).update(
        enabled=False, disabled_reason=reason, updated_at=now
    )
    audit_record(
        action="connection.disabled",
        tenant_id=connection.tenant_id,
        object_type="integrations.Connection",
        object_id=str(connection.pk),
        data={"reason": "410"},
        actor=SYSTEM,
    )


def _alert_admins(connections: dict, dead: dict, gone: dict) -> None:
    """One in-app notification (and email) per admin per connection that lost deliveries."""
    tenants = {connections[pk].tenant_id for pk in set(dead) | set(gone)}
    admins = defaultdict(list)
    for tenant_id, user_id in Membership.all_tenants.filter(
        tenant_id__in=tenants, role=Role.ADMIN
    ).values_list("tenant_id", "user_id"):
        admins[tenant_id].append(user_id)
    rows = []
    for pk in set(dead) | set(gone):
        connection = connections[pk]
        count = len(dead.get(pk, ()))
        if pk in gone:
            kind, title = (
                ALERT_DISABLED,
                f"Connection {connection.name} was disabled: its endpoint answered 410 Gone",
            )
        else:
            kind = ALERT_DEAD_LETTER
            plural = "s" if count != 1 else ""
            title = f"{count} event{plural} to {connection.name} could not be delivered"
        body = (
            f"{count} event{'s' if count != 1 else ''} moved to the dead letters after "
            f"{max(d.attempts for d in dead[pk]) if count else 0} attempts (last answer: "
            f"{dead[pk][-1].last_status or dead[pk][-1].last_error or 'none'}). "
            "Replay them from Integrations → Dead letters "
            "once the endpoint works."
            if count
            else ""
        )
        rows += [
            NotificationRow(connection.tenant_id, user_id, kind, title, body)
            for user_id in admins[connection.tenant_id]
        ]
    ids = notifications_create_many(rows=rows)
    if ids:
        Notification.all_tenants.filter(id__in=ids).update(
            link=reverse("integrations:dead-letters")
        )


def relay_run(
    *, budget_s: float = 50.0, batch: int = 200, client: HttpClient | None = None
) -> RelayResult:
    """Dispatch what waits in the outbox, then send due deliveries until none is left or
    `budget_s` has passed (the next run picks up the rest)."""
    client = client or HttpClient()
    result = RelayResult()
    started = time.monotonic()
    while (taken := outbox_dispatch()) and time.monotonic() - started < budget_s:
        result.dispatched += taken
    while time.monotonic() - started < budget_s:
        if not deliveries_send(limit=batch, client=client, result=result):
            if not (taken := outbox_dispatch()):
                break
            result.dispatched += taken
    return result
