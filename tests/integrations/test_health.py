"""Connection health: validation when the endpoint or auth changes and on a schedule (per
tenant interval), and the health figures of the last 7 days in constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import DeliveryAttempt
from integrations.services.connections import connection_update
from integrations.services.health import connections_validate_due
from tenants.actors import SYSTEM
from tenants.context import tenant_context
from tests.support import FakeVendor, assert_error, refreshed

from .factories import make_connection, make_dead_letter

pytestmark = pytest.mark.django_db


def _connection(api, vendor, **body):
    response = api.post(
        "/api/v1/connections",
        {"name": "HRIS", "kind": "hris", "endpoint_url": vendor.url, **body},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_new_connection_shows_its_validation_and_is_due_again_in_a_quarter(api_a, vendor):
    body = _connection(api_a, vendor)
    assert body["last_validation_ok"] is True
    validated_at = timezone.datetime.fromisoformat(body["last_validated_at"])
    next_at = timezone.datetime.fromisoformat(body["next_validation_at"])
    assert next_at - validated_at == timedelta(days=91)


def test_changing_the_endpoint_validates_again_and_a_failure_saves_it_disabled(api_a, vendor):
    body = _connection(api_a, vendor)
    failing = FakeVendor(answers=[503])
    try:
        response = api_a.patch(
            f"/api/v1/connections/{body['id']}", {"endpoint_url": failing.url}, format="json"
        )
    finally:
        failing.stop()
    changed = response.json()
    assert response.status_code == 200, changed
    assert changed["validation"]["ok"] is False and changed["validation"]["status"] == 503
    assert changed["enabled"] is False and "503" in changed["disabled_reason"]
    assert len(failing.received) == 1


def test_changing_only_the_name_sends_no_test_event(api_a, vendor):
    body = _connection(api_a, vendor)
    response = api_a.patch(f"/api/v1/connections/{body['id']}", {"name": "HR"}, format="json")
    assert response.status_code == 200 and "validation" not in response.json()
    assert len(vendor.received) == 1  # the validation on create only


def test_a_new_auth_secret_is_validated_with_the_new_token(api_a, vendor):
    body = _connection(api_a, vendor, auth_kind="bearer", auth_secret="old")
    api_a.patch(f"/api/v1/connections/{body['id']}", {"auth_secret": "new"}, format="json")
    assert vendor.received[-1]["headers"]["Authorization"] == "Bearer new"


def test_the_tenant_sets_how_often_connections_are_validated(api_a, vendor):
    assert api_a.get("/api/v1/integration_settings").json()["validation_interval_days"] == 91
    response = api_a.put(
        "/api/v1/integration_settings", {"validation_interval_days": 30}, format="json"
    )
    assert response.status_code == 200 and response.json()["validation_interval_days"] == 30
    body = _connection(api_a, vendor)
    validated_at = timezone.datetime.fromisoformat(body["last_validated_at"])
    assert timezone.datetime.fromisoformat(body["next_validation_at"]) - validated_at == timedelta(
        days=30
    )
    bad = api_a.put("/api/v1/integration_settings", {"validation_interval_days": 0}, format="json")
    assert_error(bad, 400, field="validation_interval_days")


def test_the_sweep_validates_what_is_due_and_leaves_an_admin_s_disabled_connection(
    tenant_a, vendor
):
    due, _ = make_connection(tenant=tenant_a, url=vendor.url)
    later, _ = make_connection(tenant=tenant_a, url=vendor.url)
    switched_off, _ = make_connection(tenant=tenant_a, url=vendor.url)
    now = timezone.now()
    with tenant_context(tenant_a):
        for connection, at in ((due, now), (later, now + timedelta(days=3))):
            connection.next_validation_at = at
            connection.save()
        connection_update(connection=switched_off, actor=SYSTEM, values={"enabled": False})
    result = connections_validate_due(now=now)
    # `due` and `switched_off`? No: only `due` (never-scheduled ones are due, but an
    # admin's disabled connection is left alone).
    assert result.validated == 1 and result.failed == []
    assert [b["data"]["connection_id"] for b in vendor.bodies()] == [str(due.pk)]
    assert refreshed(due).next_validation_at > now + timedelta(days=90)
    assert connections_validate_due(now=now).validated == 0  # nothing is due twice


def test_the_sweep_brings_back_a_connection_validation_had_disabled(tenant_a):
    vendor = FakeVendor(answers=[500, 200])
    try:
        connection, _ = make_connection(tenant=tenant_a, url=vendor.url)
        first = connections_validate_due()
        assert first.failed == [str(connection.pk)] and refreshed(connection).enabled is False
        with tenant_context(tenant_a):
            stored = refreshed(connection)
            stored.next_validation_at = timezone.now() - timedelta(seconds=1)
            stored.save()
        assert connections_validate_due().failed == []
        assert refreshed(connection).enabled is True
    finally:
        vendor.stop()


def test_beat_runs_the_validation_sweep():
    entry = settings.CELERY_BEAT_SCHEDULE["integrations-validation-sweep"]
    assert entry["task"] == "integrations.tasks.integrations_validation_sweep_task"


def _attempts(tenant, connection, statuses_latencies, *, at=None):
    letter = make_dead_letter(tenant=tenant, connection=connection)
    with tenant_context(tenant):
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                tenant_id=tenant.pk,
                delivery=letter,
                connection=connection,
                number=n,
                status_code=status,
                latency_ms=latency,
                error="" if status else "Could not connect to the endpoint",
                attempted_at=at or timezone.now() - timedelta(minutes=n),
            )
            for n, (status, latency) in enumerate(statuses_latencies, start=1)
        )


def test_health_shows_success_rate_p95_last_error_and_dead_letters(api_a, tenant_a):
    peer, _ = make_connection(tenant=tenant_a, url="http://127.0.0.1:9/hooks")
    # 90 answered 200 and 10 got no answer (latencies 1..100 ms); one failure is 8 days old.
    _attempts(tenant_a, peer, [(200, float(i)) for i in range(1, 91)])
    _attempts(tenant_a, peer, [(None, float(i)) for i in range(91, 101)])
    _attempts(tenant_a, peer, [(500, 5000.0)], at=timezone.now() - timedelta(days=8))
    health = api_a.get(f"/api/v1/connections/{peer.pk}/health").json()
    assert health["attempts_7d"] == 100
    assert health["success_rate_7d"] == pytest.approx(0.9)
    assert health["p95_latency_ms_7d"] == pytest.approx(95.05)
    assert health["last_error"] == "Could not connect to the endpoint"
    assert health["dead_letters"] == 3  # one per _attempts call


def test_the_health_overview_is_a_constant_number_of_queries(
    api_a, tenant_a, django_assert_num_queries
):
    def overview():
        response = api_a.get("/api/v1/integration_health")
        assert response.status_code == 200
        return response.json()

    first, _ = make_connection(tenant=tenant_a, url="http://127.0.0.1:9/hooks")
    _attempts(tenant_a, first, [(200, 10.0), (503, 20.0)])
    overview()  # warm the token's caches
    with CaptureQueriesContext(connection) as small:
        assert len(overview()) == 1
    for _ in range(4):
        more, _ = make_connection(tenant=tenant_a, url="http://127.0.0.1:9/hooks")
        _attempts(tenant_a, more, [(200, 10.0), (None, 30.0)])
    with django_assert_num_queries(len(small.captured_queries)):
        rows = overview()
    assert len(rows) == 5 and {r["attempts_7d"] for r in rows} == {2}
    assert {r["last_error"] for r in rows} == {"HTTP 503", "Could not connect to the endpoint"}
