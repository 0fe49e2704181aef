"""Stage mappings of legacy systems, for importing history."""

from __future__ import annotations

from django.db import models

from tenants.models import TenantScopedModel

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
