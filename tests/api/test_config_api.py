"""Departments, job families, locations and requisition types over the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditAction
from tenants.models import Department, JobFamily, Location, RequisitionType
from tests import factories
from tests.support import assert_error, audit_events, refreshed, rows

pytestmark = pytest.mark.django_db

CASES = [
    ("departments", Department, factories.make_department, {"code": "ENG", "name": "Engineering"}),
    ("job_families", JobFamily, factories.make_job_family, {"code": "SWE", "name": "Software"}),
    (
        "locations",
        Location,
        factories.make_location,
        {"code": "BER", "name": "Berlin", "country": "DE"},
    ),
    (
        "requisition_types",
        RequisitionType,
        factories.make_requisition_type,
        {"code": "EXEC", "name": "Executive", "is_executive": True, "flsa_status": "exempt"},
    ),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("resource", "model", "make", "payload"), CASES, ids=IDS)
def test_create_list_update_a_config_object(api_a, tenant_a, resource, model, make, payload):
    created = api_a.post(reverse(f"{resource}-list"), payload, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert rows(model, pk=pk)[0].tenant_id == tenant_a.pk
    listed = api_a.get(reverse(f"{resource}-list")).json()["results"]
    assert [row["id"] for row in listed] == [pk]

    detail = reverse(f"{resource}-detail", kwargs={"pk": pk})
    patched = api_a.patch(detail, {"name": "Renamed"}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "Renamed"
    put = api_a.put(detail, {**payload, "name": "Put"}, format="json")
    assert put.status_code == 200 and put.json()["name"] == "Put"
    actions = [e.action for e in audit_events(object_id=pk)]
    assert sorted(actions) == [AuditAction.CREATED, AuditAction.UPDATED, AuditAction.UPDATED]


@pytest.mark.parametrize(("resource", "model", "make", "payload"), CASES, ids=IDS)
def test_duplicate_code_in_the_tenant_is_409(api_a, tenant_a, resource, model, make, payload):
    make(tenant=tenant_a, code=payload["code"])
    response = api_a.post(reverse(f"{resource}-list"), payload, format="json")
    assert_error(response, 409, "DUPLICATE_CODE", "code")
    assert len(rows(model)) == 1


@pytest.mark.parametrize(("resource", "model", "make", "payload"), CASES, ids=IDS)
def test_same_code_in_another_tenant_is_fine(api_a, tenant_b, resource, model, make, payload):
    make(tenant=tenant_b, code=payload["code"])
    assert api_a.post(reverse(f"{resource}-list"), payload, format="json").status_code == 201


@pytest.mark.parametrize(("resource", "model", "make", "payload"), CASES, ids=IDS)
def test_overlong_code_and_unknown_field_are_400(api_a, resource, model, make, payload):
    url = reverse(f"{resource}-list")
    assert_error(api_a.post(url, {**payload, "code": "C" * 41}, format="json"), 400, None, "code")
    assert_error(api_a.post(url, {**payload, "owner": "me"}, format="json"), 400, None, "owner")
    assert rows(model) == []


def test_location_country_must_be_iso_alpha2(api_a):
    response = api_a.post(
        reverse("locations-list"), {"code": "X", "name": "X", "country": "de"}, format="json"
    )
    assert_error(response, 400, "VALIDATION_ERROR", "country")


def test_parent_department_from_another_tenant_is_400(api_a, tenant_b):
    foreign = factories.make_department(tenant=tenant_b)
    response = api_a.post(
        reverse("departments-list"),
        {"code": "X", "name": "X", "parent": str(foreign.pk)},
        format="json",
    )
    assert_error(response, 400, "VALIDATION_ERROR", "parent")
    assert rows(Department, tenant=tenant_b.pk) == [foreign] and len(rows(Department)) == 1


def test_department_cannot_become_its_own_ancestor(api_a, tenant_a):
    root = factories.make_department(tenant=tenant_a)
    child = factories.make_department(tenant=tenant_a, parent=root)
    response = api_a.patch(
        reverse("departments-detail", kwargs={"pk": root.pk}),
        {"parent": str(child.pk)},
        format="json",
    )
    assert_error(response, 400, "DEPARTMENT_CYCLE", "parent")
    assert refreshed(root).parent_id is None


def test_another_tenants_department_is_404(api_a, tenant_b):
    theirs = factories.make_department(tenant=tenant_b, name="Theirs")
    url = reverse("departments-detail", kwargs={"pk": theirs.pk})
    assert_error(api_a.patch(url, {"name": "Mine"}, format="json"), 404, "NOT_FOUND")
    assert refreshed(theirs).name == "Theirs"
