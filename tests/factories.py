"""Plain factory functions: each writes real rows, across tenants, as setup code may."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from recruiting.models import Application, Candidate, Requisition
from tenants.context import all_tenants_context
from tenants.models import (
    ApiClient,
    ApiScope,
    Department,
    JobFamily,
    Location,
    Membership,
    RequisitionType,
    Role,
    Tenant,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_tenant(*, slug: str | None = None, name: str | None = None) -> Tenant:
    n = _n()
    return Tenant.objects.create(slug=slug or f"tenant-{n}", name=name or f"Tenant {n}")


def make_user(*, username: str | None = None, password: str = "pw-for-tests-123", **extra):
    username = username or f"user{_n()}"
    extra.setdefault("email", f"{username}@example.com")
    return get_user_model().objects.create_user(username=username, password=password, **extra)


def make_membership(*, tenant: Tenant, user=None, role: str = Role.RECRUITER) -> Membership:
    with all_tenants_context():
        return Membership.all_tenants.create(tenant=tenant, user=user or make_user(), role=role)


def make_api_client(*, tenant: Tenant, scopes: list[str] | None = None) -> tuple[ApiClient, str]:
    """Returns the client and its plain-text token."""
    client = ApiClient(tenant=tenant, name=f"client-{_n()}", scopes=scopes or list(ApiScope.values))
    token = client.set_new_token()
    with all_tenants_context():
        client.save()
    return client, token


def make_department(*, tenant: Tenant, parent: Department | None = None, **kw) -> Department:
    n = _n()
    with all_tenants_context():
        return Department.all_tenants.create(
            tenant=tenant,
            code=kw.pop("code", f"D{n}"),
            name=kw.pop("name", f"Dept {n}"),
            parent=parent,
            **kw,
        )


def make_job_family(*, tenant: Tenant, **kw) -> JobFamily:
    n = _n()
    with all_tenants_context():
        return JobFamily.all_tenants.create(
            tenant=tenant, code=kw.pop("code", f"JF{n}"), name=kw.pop("name", f"Family {n}"), **kw
        )


def make_location(*, tenant: Tenant, **kw) -> Location:
    n = _n()
    with all_tenants_context():
        return Location.all_tenants.create(
            tenant=tenant,
            code=kw.pop("code", f"L{n}"),
            name=kw.pop("name", f"Site {n}"),
            country=kw.pop("country", "US"),
            region=kw.pop("region", "CA"),
            **kw,
        )


def make_requisition_type(*, tenant: Tenant, **kw) -> RequisitionType:
    n = _n()
    with all_tenants_context():
        return RequisitionType.all_tenants.create(
            tenant=tenant, code=kw.pop("code", f"RT{n}"), name=kw.pop("name", f"Type {n}"), **kw
        )


def make_requisition(*, tenant: Tenant, **kw) -> Requisition:
    n = _n()
    kw.setdefault(
        "requisition_type", kw.get("requisition_type") or make_requisition_type(tenant=tenant)
    )
    kw.setdefault("department", kw.get("department") or make_department(tenant=tenant))
    with all_tenants_context():
        return Requisition.all_tenants.create(
            tenant=tenant, title=kw.pop("title", f"Role {n}"), **kw
        )


def make_candidate(*, tenant: Tenant, **kw) -> Candidate:
    n = _n()
    with all_tenants_context():
        return Candidate.all_tenants.create(
            tenant=tenant,
            first_name=kw.pop("first_name", "Ada"),
            last_name=kw.pop("last_name", f"Candidate{n}"),
            email=kw.pop("email", f"cand{n}@example.com"),
            **kw,
        )


def make_application(*, tenant: Tenant, requisition=None, candidate=None, **kw) -> Application:
    requisition = requisition or make_requisition(tenant=tenant)
    candidate = candidate or make_candidate(tenant=tenant)
    with all_tenants_context():
        return Application.all_tenants.create(
            tenant=tenant, requisition=requisition, candidate=candidate, **kw
        )
