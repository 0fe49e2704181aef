"""The relay against a fake vendor (a real HTTP server on loopback): signed, ordered,
retried, dead-lettered, alerting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations.models import Delivery, DeliveryAttempt, OutboxEvent
from integrations.services.connections import connection_rotate_signing_secret
from integrations.services.http import HttpClient
from integrations.services.relay import RelayResult, deliveries_send, outbox_dispatch, relay_run
from notifications.models import Notification
from tenants.actors import SYSTEM
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.support import FakeVendor, refreshed, rows

from ..milestones.factories import advance, make_tracked_application, make_version
from .factories import make_connection

pytestmark = pytest.mark.django_db


def _send(now=None) -> RelayResult:
    result = RelayResult()
    outbox_dispatch(now=now)
    deliveries_send(now=now or timezone.now(), client=HttpClient(), result=result)
    return result


def test_every_event_reaches_the_endpoint_signed_and_verifiable(tenant_a, vendor):
    connection, secret = make_connection(tenant=tenant_a, url=vendor.url)
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    advance(tenant_a, application)
    result = relay_run()
    assert result.delivered == 2  # the entry into the workflow, then the move
    first, second = vendor.received
    for received in vendor.received:
        Webhook(secret).verify(received["body"], received["headers"])  # raises if not
    assert first["headers"]["webhook-id"].startswith("msg_")
    assert [b["data"]["to_milestone"] for b in vendor.bodies()] == ["APPLIED", "SCREEN"]
    delivered = rows(Delivery, connection=connection)
    assert {d.state for d in delivered} == {"delivered"}
    attempt = rows(DeliveryAttempt, connection=connection)[0]
    assert attempt.status_code == 200 and attempt.latency_ms > 0
    assert '"ok"' in attempt.response_excerpt


def test_an_application_s_later_event_waits_for_its_earlier_one(tenant_a, vendor, settings):
    # The vendor's answers go in arrival order: one POST at a time, arrival is claim order.
    settings.INTEGRATIONS_RELAY_CONCURRENCY = 1
    make_connection(tenant=tenant_a, url=vendor.url)
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    other = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    advance(tenant_a, application, times=2)
    vendor.answers = [503, 200]
    _send()
    # The first event of `application` failed: its later two wait; `other`'s one went.
    assert [b["data"]["application_id"] for b in vendor.bodies()] == [
        str(application.pk),
        str(other.pk),
    ]
    _send(now=timezone.now() + timedelta(minutes=1))  # the retry is due (5 s, jittered)
    moved = [
        b["data"] for b in vendor.bodies() if b["data"]["application_id"] == str(application.pk)
    ]
    assert [m["to_milestone"] for m in moved] == ["APPLIED", "APPLIED"]
    _send(now=timezone.now() + timedelta(minutes=1))
    _send(now=timezone.now() + timedelta(minutes=1))
    moved = [
        b["data"] for b in vendor.bodies() if b["data"]["application_id"] == str(application.pk)
    ]
    assert [m["to_milestone"] for m in moved] == ["APPLIED", "APPLIED", "SCREEN", "INTERVIEW"]
    assert (
        vendor.received[0]["headers"]["webhook-id"] == vendor.received[2]["headers"]["webhook-id"]
    )


def test_a_batch_posts_its_lines_at_once_and_each_line_stays_in_order(tenant_a, settings):
    settings.INTEGRATIONS_RELAY_CONCURRENCY = 4
    vendor = FakeVendor(delay_s=1.0)
    try:
        connection, _ = make_connection(tenant=tenant_a, url=vendor.url, timeout_s=10)
        version = make_version(tenant=tenant_a)
        applications = [
            make_tracked_application(tenant=tenant_a, version=version) for _ in range(4)
        ]
        for application in applications:
            advance(tenant_a, application, times=2)
        first = _send()  # the head of each of the four lines, together
        assert first.delivered == 4
        with tenant_context(tenant_a):
            attempts = list(DeliveryAttempt.objects.filter(connection=connection))
        # Every POST started before any answered: the intervals share a point (one at a
        # time, each would start after the one before ended, 1 s later).
        starts = [a.attempted_at for a in attempts]
        ends = [a.attempted_at + timedelta(milliseconds=a.latency_ms) for a in attempts]
        assert len(attempts) == 4 and max(starts) < min(ends)
        vendor.delay_s = 0
        _send()
        _send()
    finally:
        vendor.stop()
    by_application: dict[str, list[str]] = {}
    for body in vendor.bodies():
        by_application.setdefault(body["data"]["application_id"], []).append(
            body["data"]["to_milestone"]
        )
    assert by_application == {str(a.pk): ["APPLIED", "SCREEN", "INTERVIEW"] for a in applications}


def test_after_the_last_attempt_the_event_is_dead_lettered_and_admins_alerted(
    tenant_a, vendor, settings
):
    settings.INTEGRATIONS_RETRY_SCHEDULE_S = [1, 1]
    admin = factories.make_membership(tenant=tenant_a, role=Role.ADMIN).user
    admin.email = "admin@example.com"
    admin.save()
    connection, _ = make_connection(
        tenant=tenant_a, url=vendor.url, event_types=["milestone.moved"]
    )
    vendor.answers = [500]
    make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    later = timezone.now()
    for _ in range(3):
        later += timedelta(minutes=1)
        _send(now=later)
    delivery = rows(Delivery, connection=connection)[0]
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("dead", 3, 500)
    alert = rows(Notification, recipient=admin)[0]
    assert alert.kind == "integration.dead_letter"
    assert connection.name in alert.title and alert.link == "/integrations/dead-letters/"
    assert len(vendor.received) == 3


@pytest.mark.parametrize(
    ("status", "state"),
    [(400, "dead"), (422, "dead"), (409, "pending"), (408, "pending"), (425, "pending")],
)
def test_a_client_error_is_final_except_the_retryable_ones(tenant_a, vendor, status, state):
    connection, _ = make_connection(
        tenant=tenant_a, url=vendor.url, event_types=["milestone.moved"]
    )
    vendor.answers = [status]
    make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    _send()
    assert rows(Delivery, connection=connection)[0].state == state


def test_retry_after_on_429_sets_the_next_attempt(tenant_a, vendor):
    connection, _ = make_connection(
        tenant=tenant_a, url=vendor.url, event_types=["milestone.moved"]
    )
    vendor.answers = [(429, {"Retry-After": "120"})]
    make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    before = timezone.now()
    _send()
    delivery = rows(Delivery, connection=connection)[0]
    assert delivery.state == "pending"
    assert timedelta(seconds=119) < delivery.next_attempt_at - before < timedelta(seconds=125)


def test_410_disables_the_connection_and_alerts_admins(tenant_a, vendor):
    admin = factories.make_membership(tenant=tenant_a, role=Role.ADMIN).user
    connection, _ = make_connection(
        tenant=tenant_a, url=vendor.url, event_types=["milestone.moved"]
    )
    vendor.answers = [410]
    make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    _send()
    connection = refreshed(connection)
    assert not connection.enabled and "410" in connection.disabled_reason
    assert rows(Notification, recipient=admin)[0].kind == "integration.connection_disabled"


def test_a_timeout_is_retried_and_logged(tenant_a):
    slow = FakeVendor(delay_s=1.5)
    try:
        connection, _ = make_connection(
            tenant=tenant_a, url=slow.url, timeout_s=0.3, event_types=["milestone.moved"]
        )
        make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
        _send()
    finally:
        slow.stop()
    delivery = rows(Delivery, connection=connection)[0]
    assert delivery.state == "pending" and delivery.last_status is None
    assert rows(DeliveryAttempt, connection=connection)[0].error == "No answer within 0.3 seconds."


def test_filters_and_subscriptions_choose_what_a_connection_hears(tenant_a, vendor):
    make_connection(
        tenant=tenant_a,
        url=vendor.url,
        event_types=["milestone.moved"],
        filters={"to_milestone": ["SCREEN"]},
    )
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    advance(tenant_a, application, times=2)
    relay_run()
    assert [b["data"]["to_milestone"] for b in vendor.bodies()] == ["SCREEN"]


def test_events_of_another_tenant_never_reach_a_connection(tenant_a, tenant_b, vendor):
    make_connection(tenant=tenant_a, url=vendor.url)
    make_tracked_application(tenant=tenant_b, version=make_version(tenant=tenant_b))
    relay_run()
    assert vendor.received == []
    assert all(e.dispatched_at for e in rows(OutboxEvent))


def test_a_failed_alert_mail_goes_to_admins_with_an_address(
    tenant_a, vendor, settings, django_capture_on_commit_callbacks
):
    settings.INTEGRATIONS_RETRY_SCHEDULE_S = [1]
    admin = factories.make_membership(tenant=tenant_a, role=Role.ADMIN).user
    admin.email = "ops@example.com"
    admin.save()
    make_connection(tenant=tenant_a, url=vendor.url, event_types=["milestone.moved"])
    vendor.answers = [400]
    make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    assert [m.to for m in mail.outbox] == [["ops@example.com"]]


def test_oauth2_client_credentials_fetch_a_token_once_and_send_it(tenant_a, vendor):
    token_server = FakeVendor(reply=b'{"access_token": "tok-oauth", "expires_in": 3600}')
    try:
        make_connection(
            tenant=tenant_a,
            url=vendor.url,
            auth_kind="oauth2_client_credentials",
            auth_username="client-1",
            auth_secret="s3cret",
            oauth_token_url=token_server.url,
        )
        application = make_tracked_application(
            tenant=tenant_a, version=make_version(tenant=tenant_a)
        )
        advance(tenant_a, application)
        relay_run()
    finally:
        token_server.stop()
    assert {r["headers"]["Authorization"] for r in vendor.received} == {"Bearer tok-oauth"}
    (token_request,) = token_server.received  # cached for the batch and after
    assert token_request["body"] == b"grant_type=client_credentials"
    assert token_request["headers"]["Authorization"].startswith("Basic ")


def test_a_rate_limited_connection_gets_no_more_attempts_a_minute(tenant_a, vendor):
    connection, _ = make_connection(tenant=tenant_a, url=vendor.url, rate_limit_per_minute=2)
    version = make_version(tenant=tenant_a)
    for _ in range(3):
        make_tracked_application(tenant=tenant_a, version=version)
    result = relay_run()
    assert len(vendor.received) == 2
    assert result.postponed >= 1
    waiting = [d for d in rows(Delivery, connection=connection) if d.state == "pending"]
    assert len(waiting) == 1 and waiting[0].attempts == 0  # postponed, not counted


def _batch_statements(tenant, vendor, applications: int) -> int:
    version = make_version(tenant=tenant)
    for _ in range(applications):
        make_tracked_application(tenant=tenant, version=version)
    outbox_dispatch()
    result = RelayResult()
    with CaptureQueriesContext(db) as queries:
        deliveries_send(client=HttpClient(), result=result, connections_seen={})
    assert result.delivered == applications
    return len(queries)


def test_a_batch_takes_the_same_few_statements_whatever_it_holds(tenant_a, vendor):
    make_connection(tenant=tenant_a, url=vendor.url)
    # Savepoint, scope, claim, the connections, the attempts with the outcomes, scope
    # again, release: not one more for 8 times the deliveries (in a relay run the scope is
    # set once and the connections read once, so a batch is its claim and its record).
    assert _batch_statements(tenant_a, vendor, 5) == _batch_statements(tenant_a, vendor, 40) == 7


def test_a_connection_changed_between_batches_is_read_again(tenant_a, vendor):
    connection, old_secret = make_connection(tenant=tenant_a, url=vendor.url)
    version = make_version(tenant=tenant_a)
    seen: dict = {}
    make_tracked_application(tenant=tenant_a, version=version)
    outbox_dispatch()
    deliveries_send(client=HttpClient(), result=RelayResult(), connections_seen=seen)
    with tenant_context(tenant_a):
        new_secret = connection_rotate_signing_secret(
            connection=refreshed(connection), actor=SYSTEM, overlap=timedelta(0)
        )
    make_tracked_application(tenant=tenant_a, version=version)
    outbox_dispatch()
    with CaptureQueriesContext(db) as queries:
        deliveries_send(client=HttpClient(), result=RelayResult(), connections_seen=seen)
    assert any('FROM "integrations_connection"' in q["sql"] for q in queries)
    first, second = vendor.received
    Webhook(old_secret).verify(first["body"], first["headers"])
    Webhook(new_secret).verify(second["body"], second["headers"])  # the rotation, not a copy
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(second["body"], second["headers"])
