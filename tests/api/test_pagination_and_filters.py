"""Cursor pages and list filters; a bad filter value is a 400 naming the parameter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ats_milestones.api.pagination import DefaultCursorPagination
from recruiting.models import Candidate, Requisition
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories
from tests.support import assert_error

pytestmark = pytest.mark.django_db

REQUISITIONS = reverse("requisitions-list")
APPLICATIONS = reverse("applications-list")


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_cursor_pages_cover_every_row_once(api_a, tenant_a):
    made = {str(factories.make_candidate(tenant=tenant_a).pk) for _ in range(7)}
    seen: list[str] = []
    url = reverse("candidates-list") + "?page_size=3"
    pages = 0
    while url:
        body = api_a.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7 and set(seen) == made


def test_a_forged_cursor_is_400_naming_cursor(api_a, tenant_a):
    response = api_a.get(reverse("candidates-list"), {"cursor": "garbage"})
    assert_error(response, 400, "VALIDATION_ERROR", field="cursor")


def test_requisition_filters(api_a, tenant_a):
    department = factories.make_department(tenant=tenant_a)
    req_type = factories.make_requisition_type(tenant=tenant_a)
    recruiter = factories.make_user()
    factories.make_membership(tenant=tenant_a, user=recruiter, role=Role.RECRUITER)
    target = factories.make_requisition(
        tenant=tenant_a,
        department=department,
        requisition_type=req_type,
        recruiter=recruiter,
        status="on_hold",
    )
    factories.make_requisition(tenant=tenant_a)
    assert ids(api_a.get(REQUISITIONS, {"status": "on_hold"})) == [str(target.pk)]
    assert ids(api_a.get(REQUISITIONS, {"department": department.pk})) == [str(target.pk)]
    assert ids(api_a.get(REQUISITIONS, {"requisition_type": req_type.pk})) == [str(target.pk)]
    assert ids(api_a.get(REQUISITIONS, {"recruiter": recruiter.pk})) == [str(target.pk)]


def test_updated_after_returns_rows_changed_since(api_a, tenant_a):
    old = factories.make_requisition(tenant=tenant_a)
    new = factories.make_requisition(tenant=tenant_a)
    with all_tenants_context():
        Requisition.all_tenants.filter(pk=old.pk).update(
            updated_at=timezone.now() - timedelta(days=2)
        )
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(api_a.get(REQUISITIONS, {"updated_after": since})) == [str(new.pk)]


def test_application_filters(api_a, tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a)
    candidate = factories.make_candidate(tenant=tenant_a)
    target = factories.make_application(
        tenant=tenant_a,
        requisition=requisition,
        candidate=candidate,
        source="referral",
        hire_type="urgent",
        status="hired",
    )
    factories.make_application(tenant=tenant_a)
    expected = [str(target.pk)]
    for params in (
        {"requisition": requisition.pk},
        {"candidate": candidate.pk},
        {"source": "referral"},
        {"hire_type": "urgent"},
        {"status": "hired"},
        {"department": requisition.department_id},
        {"requisition_type": requisition.requisition_type_id},
    ):
        assert ids(api_a.get(APPLICATIONS, params)) == expected, params


@pytest.mark.parametrize(
    ("url", "param", "value"),
    [
        (REQUISITIONS, "status", "sleeping"),
        (REQUISITIONS, "department", "not-a-uuid"),
        (REQUISITIONS, "recruiter", "1.5"),
        (REQUISITIONS, "updated_after", "last tuesday"),
        (APPLICATIONS, "source", "pigeon"),
        (APPLICATIONS, "hire_type", "eventually"),
        (APPLICATIONS, "candidate", "42"),
        (reverse("departments-list"), "parent", "nope"),
    ],
)
def test_invalid_filter_value_is_400_naming_the_parameter(api_a, tenant_a, url, param, value):
    assert_error(api_a.get(url, {param: value}), 400, "VALIDATION_ERROR", param)


def test_filter_by_another_tenants_id_returns_nothing(api_a, tenant_a, tenant_b):
    factories.make_application(tenant=tenant_a)
    theirs = factories.make_application(tenant=tenant_b)
    assert ids(api_a.get(APPLICATIONS, {"requisition": theirs.requisition_id})) == []
    assert ids(api_a.get(APPLICATIONS, {"candidate": theirs.candidate_id})) == []
    assert ids(api_a.get(REQUISITIONS, {"department": theirs.requisition.department_id})) == []


def test_page_size_is_capped(api_a, tenant_a):
    cap = DefaultCursorPagination.max_page_size
    with all_tenants_context():
        Candidate.all_tenants.bulk_create(
            Candidate(tenant=tenant_a, first_name="Cap", last_name=str(n), email=f"c{n}@x.test")
            for n in range(cap + 5)
        )
    response = api_a.get(reverse("candidates-list"), {"page_size": 100000})
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == cap
    assert body["next"] is not None
