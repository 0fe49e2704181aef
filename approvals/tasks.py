"""Celery tasks of approvals: thin, idempotent, one service call each."""

from __future__ import annotations

from celery import shared_task

from approvals.services.reminders import approvals_reminder_sweep


@shared_task(
    name="approvals.tasks.approvals_reminder_sweep_task",
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
    ignore_result=True,
)
def approvals_reminder_sweep_task() -> dict:
    """Remind the approvers of steps due too long and escalate overdue ones, across all
    tenants (beat). Safe to run twice at once or again after a crash (SKIP LOCKED claims,
    each clock's times fire once)."""
    return approvals_reminder_sweep().as_dict()
