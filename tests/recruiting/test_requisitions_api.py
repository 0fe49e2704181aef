"""Requisitions over the API: CRUD, references bound to the caller's tenant, bad input."""

import pytest
from django.urls import reverse

from audit.models import AuditAction
from recruiting.models import Requisition
from tenants.models import Role
from tests import factories
from tests.support import assert_error, audit_events, refreshed, rows

pytestmark = pytest.mark.django_db

LIST = reverse("requisitions-list")


def detail(pk) -> str:
    return reverse("requisitions-detail", kwargs={"pk": pk})


@pytest.fixture
def config_a(tenant_a):
    return {
        "requisition_type": factories.make_requisition_type(tenant=tenant_a),
        "department": factories.make_department(tenant=tenant_a),
        "job_family": factories.make_job_family(tenant=tenant_a),
        "location": factories.make_location(tenant=tenant_a),
    }


def body(config, **extra):
    return {
        "title": "Staff Engineer",
        "requisition_type": str(config["requisition_type"].pk),
        "department": str(config["department"].pk),
        **extra,
    }


def test_create_requisition_returns_201_with_ids_and_utc_timestamps(api_a, tenant_a, config_a):
    recruiter = factories.make_user()
    factories.make_membership(tenant=tenant_a, user=recruiter, role=Role.RECRUITER)
    response = api_a.post(
        LIST,
        body(
            config_a,
            job_family=str(config_a["job_family"].pk),
            location=str(config_a["location"].pk),
            recruiter=recruiter.pk,
            openings=3,
            external_id="REQ-1",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["title"] == "Staff Engineer"
    assert data["department"] == str(config_a["department"].pk)
    assert data["recruiter"] == recruiter.pk
    assert data["openings"] == 3
    assert data["status"] == "open"
    assert data["created_at"].endswith("Z")
    row = rows(Requisition, pk=data["id"])[0]
    assert row.tenant_id == tenant_a.pk
    events = audit_events(object_id=data["id"], action=AuditAction.CREATED)
    assert len(events) == 1 and events[0].tenant_id == tenant_a.pk


def test_list_and_retrieve_show_only_the_callers_requisitions(api_a, tenant_a, tenant_b):
    mine = factories.make_requisition(tenant=tenant_a)
    factories.make_requisition(tenant=tenant_b)
    listed = api_a.get(LIST).json()
    assert [r["id"] for r in listed["results"]] == [str(mine.pk)]
    assert api_a.get(detail(mine.pk)).json()["title"] == mine.title


def test_patch_changes_only_given_fields_and_audits_them(api_a, tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a, title="Old")
    response = api_a.patch(detail(requisition.pk), {"status": "on_hold"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "on_hold"
    assert refreshed(requisition).title == "Old"
    (event,) = audit_events(object_id=str(requisition.pk), action=AuditAction.UPDATED)
    assert event.data == {"fields": ["status"]}


def test_put_requires_the_required_fields(api_a, tenant_a):
    requisition = factories.make_requisition(tenant=tenant_a)
    response = api_a.put(detail(requisition.pk), {"title": "New"}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", "department")


def test_put_replaces_the_requisition(api_a, tenant_a, config_a):
    requisition = factories.make_requisition(tenant=tenant_a)
    response = api_a.put(detail(requisition.pk), body(config_a, title="Replaced"), format="json")
    assert response.status_code == 200, response.content
    row = refreshed(requisition)
    assert row.title == "Replaced" and row.department_id == config_a["department"].pk


@pytest.mark.parametrize("field", ["department", "requisition_type", "job_family", "location"])
def test_reference_to_another_tenants_config_is_400_naming_it_and_writes_nothing(
    api_a, tenant_b, config_a, field
):
    foreign = {
        "department": factories.make_department,
        "requisition_type": factories.make_requisition_type,
        "job_family": factories.make_job_family,
        "location": factories.make_location,
    }[field](tenant=tenant_b)
    response = api_a.post(LIST, body(config_a, **{field: str(foreign.pk)}), format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field)
    assert rows(Requisition) == []


@pytest.mark.parametrize("field", ["recruiter", "hiring_manager"])
def test_user_without_membership_in_the_tenant_is_400(api_a, tenant_b, config_a, field):
    outsider = factories.make_user()
    factories.make_membership(tenant=tenant_b, user=outsider)
    response = api_a.post(LIST, body(config_a, **{field: outsider.pk}), format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field)
    assert rows(Requisition) == []


def test_patch_with_another_tenants_department_is_400_and_leaves_row(api_a, tenant_a, tenant_b):
    requisition = factories.make_requisition(tenant=tenant_a)
    foreign = factories.make_department(tenant=tenant_b)
    response = api_a.patch(detail(requisition.pk), {"department": str(foreign.pk)}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", "department")
    assert refreshed(requisition).department_id == requisition.department_id


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": 12345}, "title"),
        ({"openings": 0}, "openings"),
        ({"openings": "many"}, "openings"),
        ({"status": "sleeping"}, "status"),
        ({"opened_at": "yesterday"}, "opened_at"),
        ({"department": "not-a-uuid"}, "department"),
        ({"recruiter": "abc"}, "recruiter"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_400_naming_the_field(api_a, config_a, extra, field):
    response = api_a.post(LIST, body(config_a, **extra), format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field)
    assert rows(Requisition) == []


def test_malformed_json_is_400(api_a):
    response = api_a.generic("POST", LIST, "{not json", content_type="application/json")
    assert_error(response, 400, "MALFORMED_REQUEST")


def test_duplicate_external_id_is_409(api_a, tenant_a, config_a):
    factories.make_requisition(tenant=tenant_a, external_id="REQ-7")
    response = api_a.post(LIST, body(config_a, external_id="REQ-7"), format="json")
    assert_error(response, 409, "DUPLICATE_EXTERNAL_ID", "external_id")


def test_another_tenants_requisition_id_is_404_and_audited(api_a, tenant_a, tenant_b):
    theirs = factories.make_requisition(tenant=tenant_b, title="Secret")
    assert_error(api_a.get(detail(theirs.pk)), 404, "NOT_FOUND")
    assert_error(api_a.patch(detail(theirs.pk), {"title": "Mine"}, format="json"), 404)
    assert refreshed(theirs).title == "Secret"
    denied = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert len(denied) == 2 and {e.tenant_id for e in denied} == {tenant_a.pk}
