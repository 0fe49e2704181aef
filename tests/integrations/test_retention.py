"""Retention: inbound receipts and the delivery log older than the tenant's retention (else
the deployment's) are deleted in batches by the beat task; what is recent, still owed or
dead-lettered stays."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    InboundReceipt,
    IntegrationSettings,
)
from integrations.services.retention import integrations_retention_prune
from integrations.tasks import integrations_retention_prune_task
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.support import assert_error, rows

from .factories import make_any_connection, make_dead_letter

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _receipt(tenant, connection, age: timedelta) -> InboundReceipt:
    at = timezone.now() - age
    with tenant_context(tenant):
        return InboundReceipt.objects.create(
            tenant_id=tenant.pk,
            connection=connection,
            webhook_id=f"msg_{uuid.uuid4().hex}",
            event_type="application.updated",
            received_at=at,
            source_timestamp=at,
            outcome="applied",
            status_code=200,
        )


def _delivery(tenant, connection, age: timedelta, state=DeliveryState.DELIVERED) -> Delivery:
    """A delivery in `state` whose one attempt was `age` ago."""
    delivery = make_dead_letter(tenant=tenant, connection=connection)
    at = timezone.now() - age
    with tenant_context(tenant):
        Delivery.objects.filter(pk=delivery.pk).update(
            state=state,
            delivered_at=at if state == DeliveryState.DELIVERED else None,
            dead_at=at if state == DeliveryState.DEAD else None,
        )
        DeliveryAttempt.objects.create(
            tenant_id=tenant.pk,
            delivery=delivery,
            connection=connection,
            number=1,
            status_code=200 if state == DeliveryState.DELIVERED else 500,
            latency_ms=3.0,
            attempted_at=at,
        )
    return delivery


def test_old_receipts_and_delivered_logs_go_and_the_rest_stays(tenant_a, tenant_b):
    ours, theirs = make_any_connection(tenant=tenant_a), make_any_connection(tenant=tenant_b)
    old_receipt = _receipt(tenant_a, ours, 31 * DAY)  # default 30 days
    recent_receipt = _receipt(tenant_a, ours, 29 * DAY)
    # tenant_b keeps its receipts 60 days and its delivery log 7.
    with tenant_context(tenant_b):
        IntegrationSettings.objects.create(
            tenant_id=tenant_b.pk, receipt_retention_days=60, delivery_log_retention_days=7
        )
    kept_longer = _receipt(tenant_b, theirs, 31 * DAY)
    old_delivered = _delivery(tenant_a, ours, 91 * DAY)  # default 90 days
    recent_delivered = _delivery(tenant_a, ours, 89 * DAY)
    old_dead = _delivery(tenant_a, ours, 400 * DAY, state=DeliveryState.DEAD)
    old_pending = _delivery(tenant_a, ours, 400 * DAY, state=DeliveryState.PENDING)
    theirs_delivered = _delivery(tenant_b, theirs, 8 * DAY)

    result = integrations_retention_prune_task()

    assert result == {"receipts": 1, "attempts": 2, "deliveries": 2}
    assert {r.pk for r in rows(InboundReceipt)} == {recent_receipt.pk, kept_longer.pk}
    assert old_receipt.pk not in {r.pk for r in rows(InboundReceipt)}
    kept = {d.pk for d in rows(Delivery)}
    assert kept == {recent_delivered.pk, old_dead.pk, old_pending.pk}
    assert old_delivered.pk not in kept and theirs_delivered.pk not in kept
    # A dead letter and a delivery still owed keep the attempts that explain them.
    assert {a.delivery_id for a in rows(DeliveryAttempt)} == {
        recent_delivered.pk,
        old_dead.pk,
        old_pending.pk,
    }
    again = integrations_retention_prune().as_dict()
    assert again == {"receipts": 0, "attempts": 0, "deliveries": 0}


def test_the_prune_deletes_in_batches(tenant_a):
    connection = make_any_connection(tenant=tenant_a)
    for _ in range(5):
        _receipt(tenant_a, connection, 40 * DAY)
    with CaptureQueriesContext(db) as queries:
        result = integrations_retention_prune(batch=2)
    assert result.receipts == 5 and rows(InboundReceipt) == []
    deletes = [q["sql"] for q in queries if "DELETE FROM integrations_inboundreceipt" in q["sql"]]
    assert len(deletes) == 3  # 2 + 2 + 1: never more than a batch per statement


def test_beat_runs_the_prune_hourly_on_the_integrations_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["integrations-retention"]
    assert entry["task"] == "integrations.tasks.integrations_retention_prune_task"
    assert entry["schedule"] == settings.INTEGRATIONS_RETENTION_SWEEP_S == 3600
    assert entry["options"]["queue"] == "integrations"


def test_the_tenant_sets_its_retention_within_the_floors(api_a):
    body = api_a.get("/api/v1/integration_settings").json()
    assert body == {
        "validation_interval_days": 91,
        "receipt_retention_days": None,
        "delivery_log_retention_days": None,
        "receipts_kept_days": 30,
        "delivery_log_kept_days": 90,
    }
    too_short = api_a.put(
        "/api/v1/integration_settings", {"receipt_retention_days": 3}, format="json"
    )
    assert_error(too_short, 400, field="receipt_retention_days")
    log_too_short = api_a.put(
        "/api/v1/integration_settings", {"delivery_log_retention_days": 6}, format="json"
    )
    assert_error(log_too_short, 400, field="delivery_log_retention_days")
    saved = api_a.put(
        "/api/v1/integration_settings",
        {"receipt_retention_days": 14, "delivery_log_retention_days": 30},
        format="json",
    ).json()
    assert (saved["receipts_kept_days"], saved["delivery_log_kept_days"]) == (14, 30)
    assert saved["validation_interval_days"] == 91  # what the PUT did not name stays
    reset = api_a.put(
        "/api/v1/integration_settings", {"receipt_retention_days": None}, format="json"
    ).json()
    assert (reset["receipt_retention_days"], reset["receipts_kept_days"]) == (None, 30)
    assert reset["delivery_log_kept_days"] == 30


def test_an_admin_sets_the_retention_on_the_health_page(tenant_a):
    admin = Client()
    admin.force_login(factories.make_membership(tenant=tenant_a, role=Role.ADMIN).user)
    page = admin.get(reverse("integrations:health")).content.decode()
    assert 'data-testid="retention-form"' in page and 'placeholder="30"' in page
    saved = admin.post(
        reverse("integrations:health"),
        {"form": "retention", "receipt_retention_days": "45", "delivery_log_retention_days": ""},
        follow=True,
    ).content.decode()
    assert "Receipts are kept 45 days and the delivery log 90 days." in saved
    refused = admin.post(
        reverse("integrations:health"),
        {"form": "retention", "receipt_retention_days": "2", "delivery_log_retention_days": ""},
        follow=True,
    ).content.decode()
    assert "Between 4 and 3660 days." in refused
    with tenant_context(tenant_a):
        assert IntegrationSettings.objects.get().receipt_retention_days == 45
