"""Reads behind the browser pages: tenant-scoped, each a constant number of queries."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet

from tenants.models import Department

from .models import Application, ApplicationStatus, Requisition


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
