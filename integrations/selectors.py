"""Reads of integrations, scoped to a tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from integrations.models import BackgroundCheck, Connection, Delivery, DeliveryState
from recruiting.selectors import visible_to


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
