"""Reads behind the browser pages: tenant-scoped, each a constant number of queries."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from milestones import sensitivity
from milestones.models import (
    ApplicationDeadline,
    ApplicationMilestone,
    MilestoneDefinition,
    MilestoneTransition,
)
from milestones.web.board_selectors import CandidateFilters, applications_filtered
from recruiting.models import Application, ApplicationStatus, Requisition
from recruiting.selectors import applications_visible, requisitions_visible
from tenants.models import Department
from tenants.people import person_name

NO_FILTERS = CandidateFilters()


def requisition_list_for_page(
    *,
    tenant,
    membership,
    status: str = "",
    department_id: uuid.UUID | str | None = None,
    recruiter_id: int | None = None,
    search: str = "",
) -> QuerySet[Requisition]:
    """The requisitions `membership` may see, newest first, each with its count of active
    applications (counted for the rows of the page only, through the (tenant, requisition,
    status) index)."""
    active_count = (
        Application.objects.for_tenant(tenant)
        .filter(requisition_id=OuterRef("pk"), status=ApplicationStatus.ACTIVE)
        .order_by()
        .values("requisition_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    requisitions = requisitions_visible(
        Requisition.objects.for_tenant(tenant)
        .select_related("department", "location", "recruiter", "hiring_manager")
        .annotate(active_application_count=Coalesce(Subquery(active_count), 0))
        .order_by("-created_at", "id"),
        membership=membership,
    )
    if status:
        requisitions = requisitions.filter(status=status)
    if department_id:
        requisitions = requisitions.filter(department_id=department_id)
    if recruiter_id:
        requisitions = requisitions.filter(recruiter_id=recruiter_id)
    if search:
        requisitions = requisitions.filter(title__icontains=search)
    return requisitions


def requisition_get_for_page(
    *, tenant, membership, requisition_id: uuid.UUID
) -> Requisition | None:
    """One requisition `membership` may see with everything its page shows, or None."""
    return (
        requisitions_visible(Requisition.objects.for_tenant(tenant), membership=membership)
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
    *,
    tenant,
    membership,
    now: datetime,
    status: str = "",
    requisition_id: uuid.UUID | str | None = None,
    milestone_id: uuid.UUID | None = None,
    recruiter_id: int | None = None,
    candidates: CandidateFilters = NO_FILTERS,
) -> QuerySet[Application]:
    """The applications `membership` may see, newest first: page 1 walks the (tenant,
    applied_at, id) index (or its requisition's), so it costs the same at 1,000 rows or
    100,000."""
    applications = applications_visible(
        Application.objects.for_tenant(tenant)
        .select_related("candidate", "requisition", "current_milestone")
        .order_by("-applied_at", "id"),
        membership=membership,
    )
    if status:
        applications = applications.filter(status=status)
    if requisition_id:
        applications = applications.filter(requisition_id=requisition_id)
    if milestone_id:
        applications = applications.filter(current_milestone_id=milestone_id)
        if not sensitivity.may_see_sensitive(membership):
            # Who stands on a sensitive milestone is not for this viewer to list.
            applications = applications.exclude(current_milestone__is_sensitive=True)
    if recruiter_id:
        applications = applications.filter(requisition__recruiter_id=recruiter_id)
    return applications_filtered(applications, tenant=tenant, filters=candidates, now=now)


def recruiter_choices(*, tenant) -> list[tuple[str, str]]:
    """(id, name) of the people who recruit for the tenant's requisitions."""
    ids = (
        Requisition.objects.for_tenant(tenant)
        .exclude(recruiter_id=None)
        .values("recruiter_id")
        .distinct()
    )
    users = get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "pk")
    return [(str(user.pk), person_name(user)) for user in users]


def milestone_name(*, tenant, membership, milestone_id) -> str:
    """The name of a drill-down's milestone, for the chip that says what is filtered (a
    sensitive one's only to those who may see it)."""
    if not milestone_id:
        return ""
    found = (
        MilestoneDefinition.objects.for_tenant(tenant)
        .filter(pk=milestone_id)
        .values_list("name", "is_sensitive")
        .first()
    )
    if found is None:
        return ""
    name, is_sensitive = found
    if is_sensitive and not sensitivity.may_see_sensitive(membership):
        return sensitivity.RESTRICTED_LABEL
    return name


def department_choices(*, tenant) -> list[tuple[str, str]]:
    """(id, name) of the tenant's departments, for a filter drop-down."""
    return [
        (str(pk), name)
        for pk, name in Department.objects.for_tenant(tenant)
        .order_by("name")
        .values_list("pk", "name")
    ]


def requisition_choices(*, tenant, membership) -> list[tuple[str, str]]:
    """(id, title) of the requisitions `membership` may see, for a filter drop-down."""
    return [
        (str(pk), title)
        for pk, title in requisitions_visible(
            Requisition.objects.for_tenant(tenant), membership=membership
        )
        .order_by("title", "id")
        .values_list("pk", "title")
    ]


def application_get_for_page(
    *, tenant, membership, application_id: uuid.UUID, grant: str | None = None
) -> Application | None:
    """One application `membership` may see, with what its page shows, or None; `grant`
    names the page when an app opened it to more people (`register_application_grant`)."""
    return (
        applications_visible(
            Application.objects.for_tenant(tenant), membership=membership, grant=grant
        )
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
