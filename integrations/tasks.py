"""Celery tasks of integrations (queue `integrations`): thin, idempotent, one service each."""

from __future__ import annotations

from celery import shared_task

from integrations.services.health import connections_validate_due
from integrations.services.relay import relay_run


@shared_task(
    name="integrations.tasks.integrations_relay_task",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def integrations_relay_task() -> dict:
    """Dispatch outbox events and send due deliveries across all tenants (beat every few
    seconds, and kicked after commits that wrote events). A cross-tenant job: each row
    carries its tenant. Safe to run twice at once or again after a crash (SKIP LOCKED)."""
    return relay_run().as_dict()


@shared_task(
    name="integrations.tasks.integrations_validation_sweep_task",
    acks_late=True,
    time_limit=900,
    soft_time_limit=840,
    ignore_result=True,
)
def integrations_validation_sweep_task() -> dict:
    """Validate every connection whose next validation is due (quarterly by default, per
    tenant setting). A cross-tenant job; claimed rows make two sweeps at once safe."""
    return connections_validate_due().as_dict()
