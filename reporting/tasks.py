"""Celery tasks of reporting: thin, idempotent, one service call each."""

from __future__ import annotations

from celery import shared_task

from reporting.exports.schedules import scheduled_exports_run


@shared_task(
    name="reporting.tasks.reporting_scheduled_exports_task",
    acks_late=True,
    time_limit=3600,
    soft_time_limit=3500,
    ignore_result=True,
)
def reporting_scheduled_exports_task() -> dict:
    """Write the files of every scheduled export that is due (beat). Across tenants: each
    schedule is claimed with SKIP LOCKED and runs in its tenant; running twice at once or
    again after a crash writes each slot's file once (named by the slot, replaced whole)."""
    result = scheduled_exports_run()
    return {"ran": result.ran, "failed": result.failed}
