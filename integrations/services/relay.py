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
   and they go again with the same `webhook-id`. A batch holds one delivery per line at
   most, so its POSTs go out concurrently (`INTEGRATIONS_RELAY_CONCURRENCY` threads, one
   keep-alive pool per endpoint) and their outcomes are written in one statement
   (`relay_sql.py`).

Outcomes (Standard Webhooks): 2xx delivered; 410 dead-letters the delivery and disables
the connection; other 4xx except 408/409/425/429 dead-letter at once; the rest retry on
the schedule with full jitter (or after `Retry-After` on 429/503); after the last attempt
the delivery is dead-lettered and the tenant's admins are alerted (in-app and email).
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from integrations.connectors import connector_plans, has_connector
from integrations.models import Connection, DeliveryAttempt, DeliveryState, OutboxEvent
from integrations.services.alerts import admins_alert, connection_disable_gone
from integrations.services.auth import auth_headers
from integrations.services.http import EndpointRefused, HttpClient, HttpResult, endpoint_address
from integrations.services.relay_sql import (
    Sending,
    deliveries_claim,
    deliveries_insert,
    deliveries_record,
)
from integrations.services.signing import signed_headers, signing_secrets
from tenants.context import all_tenants_context, in_all_tenants_scope

# Standard Webhooks' suggested schedule: waits after attempts 1..9 (about 3 days in all).
DEFAULT_RETRY_SCHEDULE_S = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
RETRYABLE_4XX = frozenset({408, 409, 425, 429})
RETRY_AFTER_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER_S = 86400
DISPATCH_LOCK = 0x0A75_0B0C  # pg advisory lock key of the one dispatcher


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
    with nullcontext() if in_all_tenants_scope() else all_tenants_context():
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
        pairs = [
            (event, connection)
            for event in events
            for connection in by_tenant.get(event.tenant_id, ())
            if subscribed(connection, event)
        ]
        # A connector (HRIS, background check, payroll) says what its connection gets.
        plans = connector_plans([p for p in pairs if has_connector(p[1])], now=now)
        deliveries = []
        for event, connection in pairs:
            key = (event.pk, connection.pk)
            if has_connector(connection) and plans.get(key) is None:
                continue
            body = plans.get(key)
            deliveries.append(
                {
                    "id": uuid.uuid4(),
                    "tenant_id": event.tenant_id,
                    "created_at": now,
                    "updated_at": now,
                    "connection_id": connection.pk,
                    "event_id": event.pk,
                    "event_type": body["type"] if body else event.event_type,
                    "ordering_key": event.ordering_key,
                    "position": event.pk,
                    "state": DeliveryState.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "last_error": "",
                    "replays": 0,
                    "payload": body,
                }
            )
        deliveries_insert(deliveries)
        OutboxEvent.all_tenants.filter(id__in=[e.pk for e in events]).update(dispatched_at=now)
    return len(events)


def _outcome(
    delivery: Sending, result: HttpResult, now: datetime, result_counts: RelayResult
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


def _post(
    client: HttpClient, connection: Connection, prepared, secrets: list[str], sending, gone
) -> tuple[HttpResult, datetime] | None:
    """One signed POST (a thread of the batch's pool; no database here). `prepared` is the
    connection's (auth headers, checked endpoint), or the EndpointRefused its token request
    or its endpoint check met. None: not sent, its connection answered 410 while the batch
    was under way. The body is the stored JSON's text as it is: what is signed is sent."""
    if connection.pk in gone:
        return None
    sent_at = timezone.now()
    if isinstance(prepared, EndpointRefused):
        return HttpResult(None, 0.0, error=str(prepared)[:500]), sent_at
    auth, target = prepared
    body = sending.payload
    headers = auth | signed_headers(secrets, msg_id=sending.webhook_id, body=body, now=sent_at)
    try:
        outcome = client.post(
            connection.endpoint_url,
            body=body.encode(),
            headers=headers,
            timeout_s=connection.timeout_s,
            target=target,
        )
    except EndpointRefused as refusal:
        outcome = HttpResult(None, 0.0, error=str(refusal)[:500])
    return outcome, sent_at


def _posts(pool: ThreadPoolExecutor, post, sendings: list) -> list:
    """`post(sending)` for each, on the pool's threads, results in order. Each thread takes
    the next sending when it is free (a slow endpoint holds one thread, not a share of the
    batch), with one task per thread rather than a future per POST."""
    results: list = [None] * len(sendings)
    taken = itertools.count()

    def work() -> None:
        while (index := next(taken)) < len(sendings):
            results[index] = post(sendings[index])

    for task in [pool.submit(work) for _ in range(min(send_concurrency(), len(sendings)))]:
        task.result()
    return results


def _prepared(connection: Connection, client: HttpClient):
    """(auth headers, checked endpoint) of a connection for one batch, or the
    EndpointRefused its OAuth token request or its endpoint check met."""
    try:
        return auth_headers(connection, client), endpoint_address(connection.endpoint_url)
    except EndpointRefused as refusal:
        return refusal


def send_concurrency() -> int:
    return max(1, int(getattr(settings, "INTEGRATIONS_RELAY_CONCURRENCY", 8) or 1))


@transaction.atomic
def deliveries_send(
    *,
    limit: int = 200,
    now: datetime | None = None,
    client: HttpClient,
    result: RelayResult,
    pool: ThreadPoolExecutor | None = None,
    connections_seen: dict | None = None,
) -> int:
    """Claim and send one batch of due head-of-line deliveries; how many were claimed.

    The batch holds at most one delivery per (connection, application) line (the head),
    so its POSTs go out concurrently on `pool` without reordering a line; outcomes are
    applied in claim order and written in one statement. `connections_seen` keeps the
    connections read by earlier batches of one relay run (re-read when the claim shows
    a later `updated_at`)."""
    now = now or timezone.now()
    with nullcontext() if in_all_tenants_scope() else all_tenants_context():
        sendings = deliveries_claim(now, limit)
        if not sendings:
            return 0
        connections = _connections(sendings, {} if connections_seen is None else connections_seen)
        budget = _rate_budget(connections, now)
        secrets = {pk: signing_secrets(c, now=now) for pk, c in connections.items()}
        prepared = {pk: _prepared(c, client) for pk, c in connections.items()}
        changed, to_send = [], []
        for sending in sendings:
            connection = connections[sending.connection_id]
            if connection.pk in budget:
                if budget[connection.pk] <= 0:
                    sending.next_attempt_at = now + timedelta(
                        seconds=60 / connection.rate_limit_per_minute
                    )
                    sending.updated_at = now
                    changed.append(sending)
                    result.postponed += 1
                    continue
                budget[connection.pk] -= 1
            to_send.append(sending)
        gone: dict = {}

        def post(s):
            pk = s.connection_id
            return _post(client, connections[pk], prepared[pk], secrets[pk], s, gone)

        own_pool = pool is None
        pool = pool or ThreadPoolExecutor(send_concurrency())
        try:
            sent = _posts(pool, post, to_send)
        finally:
            if own_pool:
                pool.shutdown()
        attempts, dead = [], defaultdict(list)
        for sending, answer in zip(to_send, sent, strict=True):
            if answer is None:
                continue
            outcome, sent_at = answer
            connection = connections[sending.connection_id]
            kind = _outcome(sending, outcome, sent_at, result)
            if kind == "gone":
                gone[connection.pk] = connection
            changed.append(sending)
            attempts.append(_attempt_row(sending, outcome, sent_at))
            if kind in ("dead", "gone"):
                dead[connection.pk].append(sending)
        deliveries_record(changed, attempts)
        for connection in gone.values():
            connection_disable_gone(connection, now)
            result.disabled += 1
            (connections_seen or {}).pop(connection.pk, None)
        if dead or gone:
            admins_alert(connections, dead, gone)
    return len(sendings)


def _connections(sendings: list[Sending], seen: dict) -> dict:
    """The batch's connections: those `seen` by an earlier batch unless the claim shows
    they changed since (a rotation, an edit, a disable), the others read now."""
    current = {s.connection_id: s.connection_updated_at for s in sendings}
    stale = [pk for pk, at in current.items() if pk not in seen or seen[pk].updated_at != at]
    if stale:
        seen.update((c.pk, c) for c in Connection.all_tenants.filter(pk__in=stale))
    return {pk: seen[pk] for pk in current}


def _attempt_row(sending, outcome: HttpResult, sent_at: datetime) -> dict:
    return {
        "id": uuid.uuid4(),
        "tenant_id": sending.tenant_id,
        "created_at": sent_at,
        "delivery_id": sending.id,
        "connection_id": sending.connection_id,
        "number": sending.attempts,
        "status_code": outcome.status,
        "latency_ms": round(outcome.latency_ms, 2),
        "error": outcome.error[:500],
        "response_excerpt": outcome.excerpt,
        "attempted_at": sent_at,
    }


def relay_run(
    *, budget_s: float = 50.0, batch: int = 200, client: HttpClient | None = None
) -> RelayResult:
    """Dispatch what waits in the outbox, then send due deliveries until none is left or
    `budget_s` has passed (the next run picks up the rest)."""
    concurrency = send_concurrency()
    client = client or HttpClient(maxsize=concurrency)
    result = RelayResult()
    started = time.monotonic()
    seen: dict = {}
    # One all-tenants scope for the run: not two settings statements per batch.
    with all_tenants_context():
        while (taken := outbox_dispatch()) and time.monotonic() - started < budget_s:
            result.dispatched += taken
        with ThreadPoolExecutor(concurrency, thread_name_prefix="relay-post") as pool:
            while time.monotonic() - started < budget_s:
                sent = deliveries_send(
                    limit=batch, client=client, result=result, pool=pool, connections_seen=seen
                )
                if not sent:
                    if not (taken := outbox_dispatch()):
                        break
                    result.dispatched += taken
    return result
