"""Celery tasks of integrations (queue `integrations`): thin, idempotent, one service each."""

from __future__ import annotations

from celery import shared_task

from integrations.models import BackgroundCheck
from integrations.services.background_checks import (
    VendorCallFailed,
    background_check_order,
    background_check_pre_adverse_notice,
    background_checks_stalled,
)
from integrations.services.health import connections_validate_due
from integrations.services.relay import relay_run
from integrations.services.retention import integrations_retention_prune
from tenants.tasks import tenant_task

ORDER_RETRIES = 6


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


@tenant_task(
    name="integrations.tasks.background_check_order_task",
    autoretry_for=(VendorCallFailed,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=ORDER_RETRIES,
    ignore_result=True,
)
def background_check_order_task(*, tenant_id: str, check_id: str) -> str:
    """Order one check from the vendor (after the dispatch that recorded it commits);
    the last retry marks it order_failed. Idempotent: an ordered check is left alone."""
    check = BackgroundCheck.objects.get(pk=check_id)
    # By the check's own count, so an order resumed after a lost task ends the same way.
    final = check.order_attempts >= ORDER_RETRIES
    return background_check_order(check=check, final=final).status


@shared_task(
    name="integrations.tasks.background_checks_resume_task",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
)
def background_checks_resume_task() -> int:
    """Queue again the orders no attempt touched for a while (their task was lost: the
    broker was down when the dispatch queued it). Beat, every 15 minutes; cross-tenant,
    each check names its tenant."""
    stalled = background_checks_stalled()
    for tenant_id, check_id in stalled:
        background_check_order_task.apply_async(
            kwargs={"tenant_id": str(tenant_id), "check_id": str(check_id)}
        )
    return len(stalled)


@tenant_task(
    name="integrations.tasks.background_check_pre_adverse_task",
    autoretry_for=(VendorCallFailed,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=ORDER_RETRIES,
    ignore_result=True,
)
def background_check_pre_adverse_task(*, tenant_id: str, check_id: str) -> None:
    """Ask the vendor to send the candidate the pre-adverse notice."""
    background_check_pre_adverse_notice(check=BackgroundCheck.objects.get(pk=check_id))


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


@shared_task(
    name="integrations.tasks.integrations_retention_prune_task",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1740,
    ignore_result=True,
)
def integrations_retention_prune_task() -> dict:
    """Delete inbound receipts and the delivery log past their retention (beat, hourly);
    cross-tenant, in batches. Idempotent: a second run finds nothing more to delete."""
    return integrations_retention_prune().as_dict()
