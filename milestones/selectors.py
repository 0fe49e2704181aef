"""Reads of the milestone module, scoped to the tenant in context."""

from __future__ import annotations

import uuid

from django.db.models import IntegerField, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from milestones.models import (
    DEFAULT_CODE_PATTERN,
    ApplicationMilestone,
    AutomationFailure,
    FailureStatus,
    Framework,
    FrameworkRequisitionType,
    FrameworkVersion,
    MilestoneSettings,
    MilestoneState,
    MilestoneTransition,
    SandboxRun,
    VersionStatus,
)
from recruiting.selectors import visible_to


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


def active_stay_annotations(*, tenant, fields: tuple[str, ...]) -> dict[str, Subquery]:
    """Annotations for a query of applications: `milestone_<field>` of each one's active
    milestone row, as subqueries (no extra query however many applications)."""
    active = ApplicationMilestone.objects.for_tenant(tenant).filter(
        application_id=OuterRef("pk"), state=MilestoneState.ACTIVE
    )
    return {f"milestone_{name}": Subquery(active.values(name)[:1]) for name in fields}


def milestone_settings_list() -> QuerySet[MilestoneSettings]:
    return MilestoneSettings.objects.all()


def milestone_settings_get() -> MilestoneSettings:
    """The tenant's settings (code pattern, business hours), or the defaults when it never
    saved any. The one read of them."""
    return MilestoneSettings.objects.first() or MilestoneSettings(code_pattern=DEFAULT_CODE_PATTERN)


# A run's steps counted (in all and by kind) in Postgres: a list never loads the steps.
_SANDBOX_STEPS = f"coalesce({SandboxRun._meta.db_table}.result->'steps', '[]'::jsonb)"
_SANDBOX_STEPS_BY_KIND_SQL = f"""
SELECT coalesce(jsonb_object_agg(kinds.kind, kinds.n), '{{}}'::jsonb)
FROM (SELECT step->>'kind' AS kind, count(*) AS n
      FROM jsonb_array_elements({_SANDBOX_STEPS}) AS step GROUP BY 1) AS kinds
"""  # noqa: S608 -- the table name is the model's, there are no values
_SANDBOX_STEP_COUNT = RawSQL(f"jsonb_array_length({_SANDBOX_STEPS})", (), IntegerField())  # noqa: S611
_SANDBOX_STEPS_BY_KIND = RawSQL(_SANDBOX_STEPS_BY_KIND_SQL, (), JSONField())  # noqa: S611


def sandbox_run_list(*, version_id: uuid.UUID) -> QuerySet[SandboxRun]:
    """A version's sandbox runs, newest first, with who ran them, `step_count` and
    `steps_by_kind` (counted by kind) but not their scenario and steps: one query."""
    return (
        SandboxRun.objects.filter(version_id=version_id)
        .select_related("created_by")
        .defer("scenario", "result")
        .annotate(step_count=_SANDBOX_STEP_COUNT, steps_by_kind=_SANDBOX_STEPS_BY_KIND)
        .order_by("-created_at", "-id")
    )


def automation_failure_list(*, membership=None) -> QuerySet[AutomationFailure]:
    """Failures with what a list shows beside them (application, candidate, rule), of the
    applications `membership` may see (None: every one)."""
    return visible_to(
        AutomationFailure.objects.select_related(
            "application__candidate", "application__requisition", "rule"
        ),
        membership=membership,
        via="application__requisition__",
    )


def automation_failure_list_for_page(*, membership, status: str = FailureStatus.OPEN) -> QuerySet:
    failures = automation_failure_list(membership=membership).select_related("resolved_by")
    return failures.filter(status=status) if status else failures


def automation_failure_open_for_application(
    *, application_id: uuid.UUID
) -> QuerySet[AutomationFailure]:
    return automation_failure_list().filter(
        application_id=application_id, status=FailureStatus.OPEN
    )
