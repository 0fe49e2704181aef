"""Reads of the workflow editor pages, scoped to the tenant in context."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet

from milestones import selectors
from milestones.models import (
    AutomationRule,
    Framework,
    FrameworkVersion,
    MilestoneDefinition,
    SandboxRun,
)
from tenants.models import Department, RequisitionType


def framework_list_for_editor() -> QuerySet[Framework]:
    """Frameworks with their versions (newest first) and requisition types: three queries."""
    return Framework.objects.prefetch_related(
        Prefetch("versions", queryset=FrameworkVersion.objects.order_by("-number")),
        Prefetch("requisition_types", queryset=RequisitionType.objects.order_by("name")),
    ).order_by("name")


def framework_get_for_editor(*, framework_id: uuid.UUID) -> Framework | None:
    return Framework.objects.filter(pk=framework_id).first()


def framework_version_get_for_editor(*, version_id: uuid.UUID) -> FrameworkVersion | None:
    """A version with its milestones in order and its pilot departments, in three queries."""
    return (
        FrameworkVersion.objects.select_related("framework", "copied_from")
        .prefetch_related(
            Prefetch("milestones", queryset=MilestoneDefinition.objects.order_by("order")),
            Prefetch("pilot_departments", queryset=Department.objects.order_by("name")),
        )
        .filter(pk=version_id)
        .first()
    )


def milestone_definition_get_for_editor(
    *, version: FrameworkVersion, definition_id: uuid.UUID
) -> MilestoneDefinition | None:
    return version.milestones.filter(pk=definition_id).first()


def department_choices() -> QuerySet[Department]:
    return Department.objects.order_by("name")


def requisition_type_choices() -> QuerySet[RequisitionType]:
    return RequisitionType.objects.order_by("name")


def automation_rule_list_for_editor(*, version: FrameworkVersion) -> QuerySet[AutomationRule]:
    return version.automation_rules.select_related("milestone").order_by("order", "created_at")


def automation_rule_get_for_editor(
    *, version: FrameworkVersion, rule_id: uuid.UUID
) -> AutomationRule | None:
    return version.automation_rules.select_related("milestone").filter(pk=rule_id).first()


def sandbox_run_list_for_editor(*, version: FrameworkVersion, limit: int) -> list[SandboxRun]:
    """The version's `limit` latest runs with their step counts, in one query."""
    return list(selectors.sandbox_run_list(version_id=version.pk)[:limit])


def sandbox_run_get_for_editor(
    *, version: FrameworkVersion, run_id: uuid.UUID
) -> SandboxRun | None:
    return (
        SandboxRun.objects.select_related("created_by").filter(version=version, pk=run_id).first()
    )
