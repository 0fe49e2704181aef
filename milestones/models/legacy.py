"""Stage mappings of legacy systems, for importing history, and the rows imported."""

from __future__ import annotations

from django.db import models

from tenants.models import TenantScopedModel, tenant_key

# -- legacy import ------------------------------------------------------------------------


class LegacyStageMapping(TenantScopedModel):
    """Which milestone a stage of a legacy system (per source system) stands for."""

    source_system = models.CharField(max_length=100)
    legacy_stage = models.CharField(max_length=200)
    milestone_code = models.CharField(max_length=64)

    class Meta:
        ordering = ["source_system", "legacy_stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source_system", "legacy_stage"],
                name="legacy_stage_mapping_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_system}:{self.legacy_stage} -> {self.milestone_code}"


class LegacyImportedRow(TenantScopedModel):
    """One row of a legacy stage history that an import has written, by its natural key:
    the application, the legacy stage and when it was entered, in one source system. An
    import skips (and reports) the rows already here, so importing a file twice writes its
    history once."""

    tenant = tenant_key(db_index=False)  # the natural key's unique index leads with it
    source_system = models.CharField(max_length=100)
    application = models.ForeignKey(
        "recruiting.Application", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    legacy_stage = models.CharField(max_length=200)
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "source_system", "application", "legacy_stage", "entered_at"],
                name="legacy_row_imported_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_system}:{self.legacy_stage}@{self.entered_at:%Y-%m-%dT%H:%M:%SZ}"
