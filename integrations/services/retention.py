"""Retention of what integrations log: inbound receipts and the delivery log (attempts, and
deliveries delivered long ago) are deleted once older than their retention, in days: the
tenant's integration settings, else the deployment's (`INTEGRATIONS_RECEIPT_RETENTION_DAYS`,
30; `INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS`, 90).

- A receipt answers a repeated `webhook-id` with the first answer, so it must outlive the
  5-minute signature tolerance and the sender's retry window (Standard Webhooks senders
  retry for about 3 days, with a fresh timestamp and the same id): 4 days at least.
- The delivery log feeds the health page's 7-day figures: 7 days at least. Only what was
  delivered goes (its attempts, then the delivery): pending and dead-lettered deliveries
  keep their rows and attempts (still owed, or replayable and explained by them).

Beat runs `integrations_retention_prune_task` every `INTEGRATIONS_RETENTION_SWEEP_S` (an
hour). It walks each connection of each tenant over the indexes that lead with (tenant,
connection) and deletes at most `INTEGRATIONS_RETENTION_BATCH` rows per statement, each
batch its own transaction, so it never holds many locks nor a long transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from integrations.models import Connection, IntegrationSettings
from tenants.context import all_tenants_context, tenant_context

MIN_RECEIPT_DAYS = 4
MIN_DELIVERY_LOG_DAYS = 7
MAX_RETENTION_DAYS = 3660

# Each: one batch of one connection's rows older than the cut-off.
_RECEIPTS = """
DELETE FROM integrations_inboundreceipt WHERE id IN (
  SELECT id FROM integrations_inboundreceipt
  WHERE tenant_id = %(tenant)s AND connection_id = %(connection)s AND received_at < %(cut)s
  LIMIT %(batch)s)
"""
# Attempts of delivered deliveries only: a dead letter keeps the attempts that explain it.
_ATTEMPTS = """
DELETE FROM integrations_deliveryattempt WHERE id IN (
  SELECT a.id FROM integrations_deliveryattempt a
  JOIN integrations_delivery d ON d.id = a.delivery_id AND d.tenant_id = a.tenant_id
  WHERE a.tenant_id = %(tenant)s AND a.connection_id = %(connection)s
    AND a.attempted_at < %(cut)s AND d.state = 'delivered'
  LIMIT %(batch)s)
"""
# Delivered before the cut-off, its attempts gone already (they are no later than it).
_DELIVERIES = """
DELETE FROM integrations_delivery WHERE id IN (
  SELECT d.id FROM integrations_delivery d
  WHERE d.tenant_id = %(tenant)s AND d.connection_id = %(connection)s
    AND d.state = 'delivered' AND d.delivered_at < %(cut)s
    AND NOT EXISTS (SELECT 1 FROM integrations_deliveryattempt a
                    WHERE a.tenant_id = d.tenant_id AND a.delivery_id = d.id)
  LIMIT %(batch)s)
"""


@dataclass
class RetentionResult:
    receipts: int = 0
    attempts: int = 0
    deliveries: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def retention_days(tenant_settings: IntegrationSettings | None) -> tuple[int, int]:
    """(receipt days, delivery log days) of a tenant: its own, else the deployment's."""
    receipts = getattr(tenant_settings, "receipt_retention_days", None)
    log = getattr(tenant_settings, "delivery_log_retention_days", None)
    return (
        receipts or settings.INTEGRATIONS_RECEIPT_RETENTION_DAYS,
        log or settings.INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS,
    )


def _delete_in_batches(sql: str, params: dict) -> int:
    deleted = 0
    while True:
        with transaction.atomic(), db.cursor() as cursor:
            cursor.execute(sql, params)
            count = cursor.rowcount
        deleted += count
        if count < params["batch"]:
            return deleted


def integrations_retention_prune(
    *, now: datetime | None = None, batch: int | None = None
) -> RetentionResult:
    """Delete, per connection of every tenant, the receipts and the delivery log older than
    the tenant's retention (see the module). Safe to run twice at once: a row deleted by
    one run is simply not there for the other."""
    now = now or timezone.now()
    batch = batch or settings.INTEGRATIONS_RETENTION_BATCH
    with all_tenants_context():
        own = {s.tenant_id: s for s in IntegrationSettings.all_tenants.all()}
        connections = list(
            Connection.all_tenants.order_by("tenant_id", "pk").values_list("tenant_id", "pk")
        )
    result = RetentionResult()
    for tenant_id, connection_id in connections:
        receipt_days, log_days = retention_days(own.get(tenant_id))
        params = {"tenant": tenant_id, "connection": connection_id, "batch": batch}
        with tenant_context(tenant_id):
            receipts_cut = now - timedelta(days=receipt_days)
            log_cut = now - timedelta(days=log_days)
            result.receipts += _delete_in_batches(_RECEIPTS, params | {"cut": receipts_cut})
            result.attempts += _delete_in_batches(_ATTEMPTS, params | {"cut": log_cut})
            result.deliveries += _delete_in_batches(_DELIVERIES, params | {"cut": log_cut})
    return result
