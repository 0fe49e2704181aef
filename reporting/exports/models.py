"""Scheduled exports: a tenant's standing order for a dataset file, written by a beat task
into its directory on the server's export volume (settings.EXPORTS_ROOT)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models

from tenants.models import TenantScopedModel, tenant_key


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    PARQUET = "parquet", "Parquet"


class ExportFrequency(models.TextChoices):
    HOURLY = "hourly", "Every hour"
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Every week"


FREQUENCY_STEP = {
    ExportFrequency.HOURLY: timedelta(hours=1),
    ExportFrequency.DAILY: timedelta(days=1),
    ExportFrequency.WEEKLY: timedelta(days=7),
}


class ScheduledExport(TenantScopedModel):
    """Write `dataset` as `format` every `frequency` into
    EXPORTS_ROOT/<tenant slug>/<directory>/. A run is for one slot (its start time): the
    file is named by the slot and replaced whole, so running a slot twice writes the same
    file once."""

    tenant = tenant_key(db_index=False)  # the index below leads with it
    name = models.CharField(max_length=200)
    dataset = models.CharField(max_length=40)
    format = models.CharField(max_length=8, choices=ExportFormat.choices)
    frequency = models.CharField(max_length=8, choices=ExportFrequency.choices)
    directory = models.CharField(
        max_length=200, blank=True, help_text="A folder under the tenant's export directory."
    )
    is_active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_file = models.CharField(max_length=500, blank=True)
    last_rows = models.BigIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["tenant", "next_run_at"],
                condition=models.Q(is_active=True),
                name="scheduled_export_due_idx",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def slot_after(self, slot: datetime) -> datetime:
        return slot + FREQUENCY_STEP[ExportFrequency(self.frequency)]
