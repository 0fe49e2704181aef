"""Reads about tenancy that necessarily cross tenants: who belongs where."""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone

from tenants.context import all_tenants_context
from tenants.models import (
    ApiClient,
    Department,
    JobFamily,
    Location,
    Membership,
    MembershipDepartment,
    RequisitionType,
    hash_token,
)

_LAST_USED_RESOLUTION = timezone.timedelta(minutes=5)


def membership_list_for_user(*, user) -> list[Membership]:
    """Every active membership of a user, across tenants (for login and the switcher)."""
    with all_tenants_context():
        return list(
            Membership.all_tenants.filter(user=user, is_active=True, tenant__is_active=True)
            .select_related("tenant")
            .order_by("tenant__name")
        )


def membership_get_in_context(*, user, tenant_id: uuid.UUID) -> Membership | None:
    """The user's membership in the tenant already in context (RLS lets only that one through)."""
    return (
        Membership.objects.filter(user=user, is_active=True, tenant__is_active=True)
        .select_related("tenant")
        # Its departments in the same query: every page asks for the department scope.
        .annotate(
            department_ids=ArraySubquery(
                MembershipDepartment.objects.filter(membership=OuterRef("pk")).values(
                    "department_id"
                )
            )
        )
        .first()
        if tenant_id
        else None
    )


def api_client_get_by_token(*, token: str) -> ApiClient | None:
    with all_tenants_context():
        client = (
            ApiClient.all_tenants.filter(
                token_hash=hash_token(token), is_active=True, tenant__is_active=True
            )
            .select_related("tenant")
            .first()
        )
        now = timezone.now()
        if client and (
            client.last_used_at is None or now - client.last_used_at > _LAST_USED_RESOLUTION
        ):
            ApiClient.all_tenants.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
    return client


# -- configuration of the tenant in context (API and pages) ---------------------------


def department_list(*, tenant_id: uuid.UUID):
    return Department.objects.for_tenant(tenant_id).order_by("name", "id")


def job_family_list(*, tenant_id: uuid.UUID):
    return JobFamily.objects.for_tenant(tenant_id).order_by("name", "id")


def location_list(*, tenant_id: uuid.UUID):
    return Location.objects.for_tenant(tenant_id).order_by("name", "id")


def requisition_type_list(*, tenant_id: uuid.UUID):
    return RequisitionType.objects.for_tenant(tenant_id).order_by("name", "id")


def tenant_user_list(*, tenant_id: uuid.UUID, roles=None):
    """Users who hold an active membership in the tenant: the only ones a record may name;
    `roles`: only with one of these roles (e.g. `roles_with(Capability.APPROVE)`)."""
    memberships = {"memberships__tenant_id": tenant_id, "memberships__is_active": True}
    if roles is not None:
        memberships["memberships__role__in"] = list(roles)
    return get_user_model().objects.filter(**memberships)


def department_scope_ids(membership) -> frozenset | None:
    """The departments a membership is limited to, with every department below them; None
    when it is tenant-wide (no departments listed, or no membership: an API client).
    No query for a tenant-wide membership read by the middleware (its `department_ids`
    come with it), one for the department tree otherwise; kept on the membership."""
    if membership is None:
        return None
    cached = getattr(membership, "_department_scope", False)
    if cached is not False:
        return cached
    roots = getattr(membership, "department_ids", None)
    if roots is None:
        roots = MembershipDepartment.objects.filter(membership_id=membership.pk).values_list(
            "department_id", flat=True
        )
    roots = set(roots)
    scope = None
    if roots:
        children: dict = {}
        for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        scope, todo = set(), list(roots)
        while todo:
            department = todo.pop()
            if department not in scope:
                scope.add(department)
                todo.extend(children.get(department, ()))
        scope = frozenset(scope)
    membership._department_scope = scope
    return scope


def departments_in_scope(rows, *, membership):
    """`rows` (departments) limited to those `membership` works in (all when tenant-wide)."""
    scope = department_scope_ids(membership)
    return rows if scope is None else rows.filter(pk__in=scope)
