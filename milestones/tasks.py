"""Celery tasks of the milestone module: thin, idempotent, one service call each."""

from __future__ import annotations

from celery import shared_task

from milestones.services.timers.sweep import milestones_sweep


@shared_task(
    name="milestones.tasks.milestones_sweep_task",
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
    ignore_result=True,
)
def milestones_sweep_task() -> dict:
    """Escalate overdue stays and fire due deadlines across all tenants (beat, every
    minute). A cross-tenant job, so no tenant_id: the sweep scopes each row's work to its
    tenant itself. Safe to run twice at once or again after a crash (SKIP LOCKED claims)."""
    return milestones_sweep().as_dict()
