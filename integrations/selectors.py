"""Reads of integrations, scoped to a tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from integrations.models import Connection, Delivery, DeliveryState


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
