"""The demo framework, designed as a draft through the services an admin uses, then published."""

from __future__ import annotations

from demo.automation import seed_automation
from demo.data import FRAMEWORK_NAME, MILESTONES
from demo.result import SeedResult, bulk_missing
from milestones.models import (
    Framework,
    FrameworkRequisitionType,
    FrameworkVersion,
    MilestoneDefinition,
    VersionStatus,
)
from milestones.services.versions.lifecycle import framework_version_publish
from tenants.models import (
    Tenant,
)


def seed_framework(tenant: Tenant, req_types: dict, result: SeedResult) -> FrameworkVersion:
    """One framework for every requisition type, with one active version of MILESTONES."""
    framework = bulk_missing(
        Framework, [Framework(tenant=tenant, name=FRAMEWORK_NAME)], "name", result
    )[FRAMEWORK_NAME]
    bulk_missing(
        FrameworkRequisitionType,
        [
            FrameworkRequisitionType(tenant=tenant, framework=framework, requisition_type=rtype)
            for rtype in req_types.values()
        ],
        "requisition_type_id",
        result,
    )
    version = FrameworkVersion.objects.filter(framework=framework, number=1).first()
    if version is None:
        # A draft first: automation can only be designed on a draft, then it is published.
        version = FrameworkVersion.objects.create(
            tenant=tenant, framework=framework, number=1, status=VersionStatus.DRAFT
        )
        result.count("framework versions", 1)
    existing = set(version.milestones.values_list("code", flat=True))
    missing = [
        MilestoneDefinition(
            tenant=tenant, version=version, code=code, name=name, kind=kind, order=order, **extra
        )
        for order, (code, name, kind, extra) in enumerate(MILESTONES, start=1)
        if code not in existing
    ]
    MilestoneDefinition.objects.bulk_create(missing)
    result.count("milestone definitions", len(missing))
    if version.status == VersionStatus.DRAFT:
        seed_automation(version, result)
        version = framework_version_publish(version=version)
    elif not version.automation_rules.exists():
        result.notes.append(
            f"{tenant.name}: the demo framework was published before the demo had automation "
            "and a published version cannot change; reset the database to see it"
        )
    return version
