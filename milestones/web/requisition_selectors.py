"""Reads behind the browser pages: tenant-scoped, each a constant number of queries."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet

from milestones.models import (
    ApplicationDeadline,
    ApplicationMilestone,
    MilestoneDefinition,
    MilestoneTransition,
)
from milestones.selectors import active_stay_annotations
from recruiting.models import Application, ApplicationStatus, Requisition
from tenants.models import Department


def requisition_list_for_page(
    *,
    tenant,
    status: str = "",
    department_id: uuid.UUID | str | None = None,
    search: str = "",
) -> QuerySet[Requisition]:
    """The tenant's requisitions with their count of active applications, in one query."""
    requisitions = (
        Requisition.objects.for_tenant(tenant)
        .select_related("department", "location", "recruiter", "hiring_manager")
        .annotate(
            active_application_count=Count(
                "applications", filter=Q(applications__status=ApplicationStatus.ACTIVE)
            )
        )
        .order_by("-created_at", "id")
    )
    if status:
        requisitions = requisitions.filter(status=status)
    if department_id:
        requisitions = requisitions.filter(department_id=department_id)
    if search:
        requisitions = requisitions.filter(title__icontains=search)
    return requisitions


def requisition_get_for_page(*, tenant, requisition_id: uuid.UUID) -> Requisition | None:
    """One requisition of the tenant with everything its page shows, or None."""
    return (
        Requisition.objects.for_tenant(tenant)
        .select_related(
            "department",
            "location",
            "job_family",
            "requisition_type",
            "recruiter",
            "hiring_manager",
        )
        .filter(pk=requisition_id)
        .first()
    )


def application_list_for_requisition(*, requisition: Requisition) -> QuerySet[Application]:
    return (
        Application.objects.for_tenant(requisition.tenant_id)
        .filter(requisition=requisition)
        .select_related("candidate")
        .order_by("-applied_at", "id")
    )


def application_list_for_page(
    *, tenant, status: str = "", requisition_id: uuid.UUID | str | None = None
) -> QuerySet[Application]:
    applications = (
        Application.objects.for_tenant(tenant)
        .select_related("candidate", "requisition")
        .order_by("-applied_at", "id")
    )
    if status:
        applications = applications.filter(status=status)
    if requisition_id:
        applications = applications.filter(requisition_id=requisition_id)
    return applications


def department_choices(*, tenant) -> list[tuple[str, str]]:
    """(id, name) of the tenant's departments, for a filter drop-down."""
    return [
        (str(pk), name)
        for pk, name in Department.objects.for_tenant(tenant)
        .order_by("name")
        .values_list("pk", "name")
    ]


def requisition_choices(*, tenant) -> list[tuple[str, str]]:
    """(id, title) of the tenant's requisitions, for a filter drop-down."""
    return [
        (str(pk), title)
        for pk, title in Requisition.objects.for_tenant(tenant)
        .order_by("title", "id")
        .values_list("pk", "title")
    ]


def board_get_for_page(*, tenant, requisition_id: uuid.UUID) -> dict | None:
    """A requisition's pipeline board: its pinned version's milestones in order, each with
    the active applications that stand on it. Three queries, however big the pipeline."""
    requisition = (
        Requisition.objects.for_tenant(tenant)
        .select_related("framework_version__framework")
        .filter(pk=requisition_id)
        .first()
    )
    if requisition is None:
        return None
    milestones = []
    if requisition.framework_version_id:
        milestones = list(
            MilestoneDefinition.objects.for_tenant(tenant)
            .filter(version_id=requisition.framework_version_id)
            .order_by("order")
        )
    applications = list(
        Application.objects.for_tenant(tenant)
        .filter(requisition=requisition, status=ApplicationStatus.ACTIVE)
        .select_related("candidate")
        .annotate(
            **active_stay_annotations(
                tenant=tenant, fields=("entered_at", "due_at", "overdue_since")
            )
        )
        .order_by("applied_at", "id")
    )
    by_milestone: dict = {milestone.pk: [] for milestone in milestones}
    untracked = []
    for application in applications:
        by_milestone.get(application.current_milestone_id, untracked).append(application)
    return {
        "requisition": requisition,
        "columns": [(milestone, by_milestone[milestone.pk]) for milestone in milestones],
        "untracked": untracked,
        "application_count": len(applications),
    }


def application_get_for_page(*, tenant, application_id: uuid.UUID) -> Application | None:
    return (
        Application.objects.for_tenant(tenant)
        .select_related("candidate", "requisition", "current_milestone")
        .filter(pk=application_id)
        .first()
    )


def application_milestones_for_page(*, application: Application) -> QuerySet:
    return (
        ApplicationMilestone.objects.for_tenant(application.tenant_id)
        .filter(application=application)
        .select_related("milestone")
        .order_by("milestone__order")
    )


def application_deadlines_for_page(*, application: Application) -> QuerySet:
    """The application's dates (offer expires at, ...) with the firings they scheduled."""
    return (
        ApplicationDeadline.objects.for_tenant(application.tenant_id)
        .filter(application=application)
        .prefetch_related("firings__rule")
        .order_by("at")
    )


def application_timeline_for_page(*, application: Application) -> QuerySet:
    """Every move of the application, newest first, with who made it."""
    return (
        MilestoneTransition.objects.for_tenant(application.tenant_id)
        .filter(application=application)
        .select_related("from_milestone", "to_milestone", "actor_user", "actor_api_client")
        .order_by("-at", "-application_version")
    )
