"""Scheduled exports: configuring them, and the beat task's run over the due ones.

A run claims each due schedule (SKIP LOCKED, so two workers never take the same one) and
moves it to its next slot in the same transaction, then writes the slot's file. The file
is named by the slot and replaced whole, so a run repeated after a crash writes the same
file again rather than a second one. A failure is kept on the schedule (`last_error`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from ats_milestones.errors import DomainError
from reporting.exports.datasets import dataset_get
from reporting.exports.files import directory_problem, export_write_file, tenant_export_directory
from reporting.exports.stream import ExportFilters
from reporting.models import ExportFormat, ScheduledExport
from tenants.actors import Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Tenant
from tenants.permissions import Capability, actor_require


class ScheduledExportInvalid(DomainError):
    status = 400
    code = "VALIDATION_ERROR"


_EDITABLE = ("name", "dataset", "format", "frequency", "directory", "is_active", "next_run_at")


def _check(data: dict) -> None:
    if "dataset" in data and dataset_get(data["dataset"]) is None:
        raise ScheduledExportInvalid(
            "No such dataset.", fields={"dataset": [f"No dataset {data['dataset']!r}."]}
        )
    problem = directory_problem(data.get("directory", ""))
    if problem:
        raise ScheduledExportInvalid(problem, fields={"directory": [problem]})


@transaction.atomic
def scheduled_export_create(*, actor: Actor, data: dict) -> ScheduledExport:
    """A new standing export; its first run is at `next_run_at` (default: now)."""
    actor_require(actor, Capability.EXPORT)
    _check(data)
    fields = {k: v for k, v in data.items() if k in _EDITABLE}
    fields.setdefault("next_run_at", timezone.now())
    schedule = ScheduledExport(**fields)
    schedule.save()
    return schedule


@transaction.atomic
def scheduled_export_update(
    *, schedule: ScheduledExport, actor: Actor, data: dict
) -> ScheduledExport:
    actor_require(actor, Capability.EXPORT)
    _check(data)
    for name, value in data.items():
        if name in _EDITABLE:
            setattr(schedule, name, value)
    schedule.save()
    return schedule


def slot_file_name(schedule: ScheduledExport, slot: datetime) -> str:
    extension = "parquet" if schedule.format == ExportFormat.PARQUET else "csv"
    return f"{schedule.dataset}-{slot.astimezone(UTC):%Y%m%dT%H%MZ}.{extension}"


@dataclass
class ScheduledRun:
    ran: int = 0
    failed: int = 0


def _claim(now: datetime) -> tuple[ScheduledExport, datetime] | None:
    """One due schedule and its slot, moved on to its next slot after now."""
    with transaction.atomic():
        schedule = (
            ScheduledExport.all_tenants.select_for_update(skip_locked=True)
            .filter(is_active=True, next_run_at__lte=now)
            .order_by("next_run_at")
            .first()
        )
        if schedule is None:
            return None
        slot = schedule.next_run_at
        upcoming = schedule.slot_after(slot)
        while upcoming <= now:  # slots missed while nothing ran are not run one by one
            slot, upcoming = upcoming, schedule.slot_after(upcoming)
        schedule.next_run_at = upcoming
        schedule.save(update_fields=["next_run_at", "updated_at"])
        return schedule, slot


def scheduled_export_run(*, schedule: ScheduledExport, slot: datetime) -> int:
    """Write one schedule's file for `slot` (all its dataset's rows, sensitive ones
    included: the destination is the tenant's own directory on the server)."""
    tenant = Tenant.objects.get(pk=schedule.tenant_id)
    dataset = dataset_get(schedule.dataset)
    if dataset is None:
        raise ScheduledExportInvalid(f"No dataset {schedule.dataset!r}.")
    path = tenant_export_directory(
        tenant_slug=tenant.slug, directory=schedule.directory
    ) / slot_file_name(schedule, slot)
    with tenant_context(schedule.tenant_id):
        rows = export_write_file(
            dataset=dataset,
            filters=ExportFilters(tenant_id=schedule.tenant_id, sensitive=True),
            fmt=schedule.format,
            path=path,
        )
        ScheduledExport.objects.filter(pk=schedule.pk).update(
            last_run_at=timezone.now(), last_file=str(path), last_rows=rows, last_error=""
        )
    return rows


def scheduled_exports_run(*, now: datetime | None = None) -> ScheduledRun:
    """Run every schedule that is due (the beat task)."""
    now = now or timezone.now()
    result = ScheduledRun()
    while True:
        with all_tenants_context():
            claimed = _claim(now)
        if claimed is None:
            return result
        schedule, slot = claimed
        try:
            scheduled_export_run(schedule=schedule, slot=slot)
            result.ran += 1
        except Exception as exc:  # kept on the schedule for the admin; the others still run
            result.failed += 1
            with tenant_context(schedule.tenant_id):
                ScheduledExport.objects.filter(pk=schedule.pk).update(
                    last_run_at=timezone.now(), last_error=f"{type(exc).__name__}: {exc}"
                )
