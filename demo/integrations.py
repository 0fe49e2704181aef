"""The demo's webhook connection to the app's own development sink (`/dev/webhook-sink/`),
so `make run` shows deliveries, a retry and a dead letter with no other server."""

from __future__ import annotations

from django.conf import settings

from demo.result import SeedResult
from integrations.models import Connection, ConnectionKind
from integrations.services.connections import connection_create
from integrations.services.http import EndpointRefused, endpoint_address
from tenants.actors import SYSTEM

DEV_SINK_NAME = "Development sink"
# The sink fails the first event's first four requests: three retries (local settings'
# schedule has three waits), then a dead letter to replay; every other event goes through.
DEV_SINK_FAIL_FIRST = 4


def dev_sink_url(connection_id) -> str:
    return f"{settings.SITE_URL}/dev/webhook-sink/{connection_id}/?fail_first={DEV_SINK_FAIL_FIRST}"


def seed_dev_sink(tenant, result: SeedResult) -> None:
    """One generic webhook connection to the sink (its URL from SITE_URL), once."""
    if Connection.objects.filter(name=DEV_SINK_NAME).exists():
        return
    try:
        endpoint_address(settings.SITE_URL)
    except EndpointRefused as refusal:  # SITE_URL not on the allow-list: not development
        result.notes.append(f"No development sink connection: {refusal}")
        return
    connection, _ = connection_create(
        tenant_id=tenant.pk,
        actor=SYSTEM,
        values={
            "name": DEV_SINK_NAME,
            "kind": ConnectionKind.WEBHOOK,
            "endpoint_url": f"{settings.SITE_URL}/dev/webhook-sink/",
            "timeout_s": 5.0,
        },
    )
    connection.endpoint_url = dev_sink_url(connection.pk)  # the sink knows it by its id
    connection.save(update_fields=["endpoint_url", "updated_at"])
    result.count("webhook connections", 1)
    sink = f"{settings.SITE_URL}/dev/webhook-sink/"
    result.notes.append(f"Webhooks of {tenant.name} go to the development sink: {sink}")
