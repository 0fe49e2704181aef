"""Shared setup of the legacy-import tests: stage mappings, applications with external ids,
a two-row history, and the counts an import changes."""

from __future__ import annotations

from milestones.models import ApplicationMilestone, LegacyStageMapping, MilestoneTransition
from recruiting.models import Application
from tenants.context import all_tenants_context
from tests import factories

from .factories import make_version

SOURCE = "oldats"
STAGES = {"New": "APPLIED", "Phone": "SCREEN", "Onsite": "INTERVIEW", "Offer": "OFFER"}


def make_mappings(tenant, source=SOURCE):
    with all_tenants_context():
        for stage, code in STAGES.items():
            LegacyStageMapping.all_tenants.create(
                tenant=tenant, source_system=source, legacy_stage=stage, milestone_code=code
            )


def make_applications(tenant, count, *, prefix="EXT"):
    """Applications with external ids on a requisition pinned to one version, untracked."""
    version = make_version(tenant=tenant)
    requisition = factories.make_requisition(tenant=tenant, framework_version=version)
    return [
        factories.make_application(
            tenant=tenant, requisition=requisition, external_id=f"{prefix}-{n}"
        )
        for n in range(count)
    ]


def two_row_history(external_id):
    return [
        {
            "application_external_id": external_id,
            "legacy_stage": "New",
            "entered_at": "2024-01-02T09:00:00Z",
            "left_at": "2024-01-05T10:00:00Z",
        },
        {
            "application_external_id": external_id,
            "legacy_stage": "Phone",
            "entered_at": "2024-01-05T10:00:00Z",
            "left_at": "",
        },
    ]


def row_counts():
    with all_tenants_context():
        return (
            MilestoneTransition.all_tenants.count(),
            ApplicationMilestone.all_tenants.count(),
            list(Application.all_tenants.order_by("pk").values_list("version", flat=True)),
        )
