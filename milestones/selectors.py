"""Reads of the milestone module, scoped to the tenant in context."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from .models import (
    ApplicationMilestone,
    Framework,
    FrameworkRequisitionType,
    FrameworkVersion,
    MilestoneSettings,
    MilestoneTransition,
    VersionStatus,
)


def framework_version_resolve(
    *, requisition_type_id: uuid.UUID, department_id: uuid.UUID
) -> FrameworkVersion | None:
    """The version that applies now: a pilot listing the department, else the active one."""
    framework_id = (
        FrameworkRequisitionType.objects.filter(requisition_type_id=requisition_type_id)
        .values_list("framework_id", flat=True)
        .first()
    )
    if framework_id is None:
        return None
    versions = FrameworkVersion.objects.filter(framework_id=framework_id)
    pilot = versions.filter(
        status=VersionStatus.PILOT, pilot_links__department_id=department_id
    ).first()
    return pilot or versions.filter(status=VersionStatus.ACTIVE).first()


def framework_list() -> QuerySet[Framework]:
    return Framework.objects.prefetch_related("type_links")


def framework_version_list() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.select_related("framework").prefetch_related(
        "milestones", "pilot_links"
    )


def application_milestone_list(*, application_id: uuid.UUID) -> QuerySet[ApplicationMilestone]:
    return (
        ApplicationMilestone.objects.filter(application_id=application_id)
        .select_related("milestone")
        .order_by("milestone__order")
    )


def milestone_transition_list(*, application_id: uuid.UUID) -> QuerySet[MilestoneTransition]:
    return (
        MilestoneTransition.objects.filter(application_id=application_id)
        .select_related("from_milestone", "to_milestone")
        .order_by("-at", "-id")
    )


def milestone_settings_list() -> QuerySet[MilestoneSettings]:
    return MilestoneSettings.objects.all()
