"""Connection health over time: the tenant's validation interval and the scheduled sweep
that validates every connection whose next validation is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ats_milestones.errors import InvalidInput
from audit.services import audit_record
from integrations.models import Connection, IntegrationSettings
from integrations.selectors import integration_settings_get
from integrations.services.connections import connection_validate
from integrations.services.retention import (
    MAX_RETENTION_DAYS,
    MIN_DELIVERY_LOG_DAYS,
    MIN_RECEIPT_DAYS,
)
from tenants.actors import SYSTEM, Actor
from tenants.context import all_tenants_context, tenant_context

SWEEP_BATCH = 50
# While a sweep validates a claimed connection, another sweep leaves it alone this long.
CLAIM_LEASE = timedelta(minutes=15)
MAX_INTERVAL_DAYS = 366


KEEP = object()  # an argument of integration_settings_update left as it is


@transaction.atomic
def integration_settings_update(
    *,
    tenant_id,
    actor: Actor,
    validation_interval_days=KEEP,
    receipt_retention_days=KEEP,
    delivery_log_retention_days=KEEP,
) -> IntegrationSettings:
    """The tenant's integration settings; what is not passed stays. How often (in days, 1
    to 366; 91 by default) each connection is validated again (connections already
    scheduled keep their date until their next validation); how long inbound receipts (4
    days at least) and the delivery log (7 at least) are kept, None for the deployment's
    default."""
    changes = {}
    for name, value, lowest, highest, nullable in (
        ("validation_interval_days", validation_interval_days, 1, MAX_INTERVAL_DAYS, False),
        (
            "receipt_retention_days",
            receipt_retention_days,
            MIN_RECEIPT_DAYS,
            MAX_RETENTION_DAYS,
            True,
        ),
        (
            "delivery_log_retention_days",
            delivery_log_retention_days,
            MIN_DELIVERY_LOG_DAYS,
            MAX_RETENTION_DAYS,
            True,
        ),
    ):
        if value is KEEP or (value is None and nullable):
            if value is None:
                changes[name] = None
            continue
        if value is None or not lowest <= value <= highest:
            message = f"Between {lowest} and {highest} days."
            raise InvalidInput(message, fields={name: [message]})
        changes[name] = value
    settings = integration_settings_get(tenant_id=tenant_id)
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()
    audit_record(
        action="integration_settings.updated",
        tenant_id=tenant_id,
        actor=actor,
        object_type="integrations.IntegrationSettings",
        object_id=str(settings.pk),
        data=changes,
    )
    return settings


@dataclass
class SweepResult:
    validated: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"validated": self.validated, "failed": self.failed}


def _claim(now: datetime) -> list[tuple]:
    """Due connections across tenants, claimed with a lease (SKIP LOCKED: two sweeps at
    once validate each connection once). A connection an admin disabled is not validated;
    one that validation disabled is, so it comes back when its endpoint does."""
    with all_tenants_context(), transaction.atomic():
        due = list(
            Connection.all_tenants.select_for_update(skip_locked=True)
            .filter(Q(next_validation_at__lte=now) | Q(next_validation_at__isnull=True))
            .filter(Q(enabled=True) | Q(disabled_reason__startswith="Validation failed"))
            .order_by("next_validation_at")
            .values_list("pk", "tenant_id")[:SWEEP_BATCH]
        )
        Connection.all_tenants.filter(pk__in=[pk for pk, _ in due]).update(
            next_validation_at=now + CLAIM_LEASE
        )
    return due


def connections_validate_due(*, now: datetime | None = None) -> SweepResult:
    """Validate the connections whose next validation is due (beat runs it hourly)."""
    now = now or timezone.now()
    result = SweepResult()
    for pk, tenant_id in _claim(now):
        with tenant_context(tenant_id):
            connection = Connection.objects.get(pk=pk)
            outcome = connection_validate(connection=connection, actor=SYSTEM)
        result.validated += 1
        if not outcome.ok:
            result.failed.append(str(pk))
    return result
