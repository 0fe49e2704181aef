"""Reads of integrations, scoped to a tenant."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import (
    Aggregate,
    Count,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from integrations.models import (
    DEFAULT_VALIDATION_INTERVAL_DAYS,
    BackgroundCheck,
    ConflictStatus,
    Connection,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    InboundReceipt,
    IntegrationSettings,
    SyncConflict,
)
from recruiting.selectors import visible_to

HEALTH_WINDOW = timedelta(days=7)


def connection_list(*, tenant_id) -> QuerySet[Connection]:
    return Connection.objects.for_tenant(tenant_id).order_by("name")


def delivery_list(*, tenant_id, connection_id=None, state: str = "") -> QuerySet[Delivery]:
    """Newest first, with the event (payload, webhook id) loaded."""
    deliveries = Delivery.objects.for_tenant(tenant_id).select_related("event", "connection")
    if connection_id is not None:
        deliveries = deliveries.filter(connection_id=connection_id)
    if state:
        deliveries = deliveries.filter(state=state)
    return deliveries


def dead_letter_list(*, tenant_id, connection_id=None) -> QuerySet[Delivery]:
    return delivery_list(tenant_id=tenant_id, connection_id=connection_id, state=DeliveryState.DEAD)


def background_check_list(
    *, tenant_id, membership=None, application_id=None
) -> QuerySet[BackgroundCheck]:
    """Newest first, with their history; only of applications `membership` may see (its
    departments, confidential requisitions; None: the whole tenant, an API client)."""
    checks = visible_to(
        BackgroundCheck.objects.for_tenant(tenant_id).prefetch_related("history"),
        membership=membership,
        via="application__requisition__",
    )
    if application_id is not None:
        checks = checks.filter(application_id=application_id)
    return checks.order_by("-created_at", "-id")


def integration_settings_get(*, tenant_id) -> IntegrationSettings:
    """The tenant's integration settings (defaults when none were saved)."""
    return IntegrationSettings.objects.for_tenant(tenant_id).first() or IntegrationSettings(
        tenant_id=tenant_id
    )


def validation_interval(*, tenant_id) -> timedelta:
    days = (
        IntegrationSettings.objects.for_tenant(tenant_id)
        .values_list("validation_interval_days", flat=True)
        .first()
    )
    return timedelta(days=days or DEFAULT_VALIDATION_INTERVAL_DAYS)


class _Percentile95(Aggregate):
    function = "percentile_cont"
    template = "percentile_cont(0.95) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


_OK = Q(status_code__gte=200, status_code__lt=300)


def connection_health_list(*, tenant_id, now: datetime) -> QuerySet[Connection]:
    """Connections with their health, in one query whatever their number: attempts and
    successes of the last 7 days, their p95 latency, the last failed attempt (error,
    status, when) and the dead letters waiting."""
    attempts = DeliveryAttempt.objects.for_tenant(tenant_id).filter(connection=OuterRef("pk"))
    recent = attempts.filter(attempted_at__gte=now - HEALTH_WINDOW).order_by().values("connection")
    failed = attempts.exclude(_OK).order_by("-attempted_at")

    def of_recent(aggregate, output):
        return Subquery(recent.annotate(v=aggregate).values("v"), output_field=output)

    dead = (
        Delivery.objects.for_tenant(tenant_id)
        .filter(connection=OuterRef("pk"), state=DeliveryState.DEAD)
        .order_by()
        .values("connection")
        .annotate(n=Count("id"))
        .values("n")
    )
    return connection_list(tenant_id=tenant_id).annotate(
        attempts_7d=Coalesce(of_recent(Count("id"), IntegerField()), Value(0)),
        succeeded_7d=Coalesce(of_recent(Count("id", filter=_OK), IntegerField()), Value(0)),
        p95_latency_ms=of_recent(_Percentile95("latency_ms"), FloatField()),
        last_error_text=Subquery(failed.values("error")[:1]),
        last_error_status=Subquery(failed.values("status_code")[:1]),
        last_error_at=Subquery(failed.values("attempted_at")[:1]),
        dead_letters=Coalesce(Subquery(dead, output_field=IntegerField()), Value(0)),
    )


def health_row(connection) -> dict:
    """One connection of `connection_health_list` as the API and the pages show it."""
    attempts = connection.attempts_7d
    last_error = None
    if connection.last_error_at is not None:
        last_error = connection.last_error_text or f"HTTP {connection.last_error_status}"
    return {
        "id": connection.pk,
        "name": connection.name,
        "enabled": connection.enabled,
        "disabled_reason": connection.disabled_reason,
        "attempts_7d": attempts,
        "success_rate_7d": connection.succeeded_7d / attempts if attempts else None,
        "p95_latency_ms_7d": connection.p95_latency_ms,
        "last_error": last_error,
        "last_error_at": connection.last_error_at,
        "dead_letters": connection.dead_letters,
        "last_validated_at": connection.last_validated_at,
        "last_validation_ok": connection.last_validation_ok,
        "last_validation_message": connection.last_validation_message,
        "next_validation_at": connection.next_validation_at,
    }


def sync_conflict_list(*, tenant_id, status: str = "") -> QuerySet[SyncConflict]:
    conflicts = SyncConflict.objects.for_tenant(tenant_id).select_related(
        "connection", "application__candidate", "resolved_by"
    )
    return conflicts.filter(status=status) if status else conflicts


def open_conflict_count(*, tenant_id) -> int:
    return SyncConflict.objects.for_tenant(tenant_id).filter(status=ConflictStatus.OPEN).count()


def inbound_receipt_list(*, tenant_id, connection_id) -> QuerySet[InboundReceipt]:
    """What a connection sent us, newest first."""
    return InboundReceipt.objects.for_tenant(tenant_id).filter(connection_id=connection_id)
