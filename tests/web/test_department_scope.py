"""A membership limited to some departments sees only their requisitions (and those of the
departments below them) and their applications, in the pages and the API; another
department's is an audited 404, like another tenant's."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditAction
from tenants.context import all_tenants_context
from tenants.models import Membership, MembershipDepartment, Role
from tests import factories
from tests.milestones.factories import make_tracked_application
from tests.support import assert_error, audit_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments(tenant_a):
    sales = factories.make_department(tenant=tenant_a, code="SALES", name="Sales")
    emea = factories.make_department(tenant=tenant_a, code="EMEA", name="Sales EMEA", parent=sales)
    tech = factories.make_department(tenant=tenant_a, code="TECH", name="Engineering")
    ours = make_tracked_application(tenant=tenant_a)
    theirs = make_tracked_application(tenant=tenant_a)
    with all_tenants_context():
        ours.requisition.department = emea  # below Sales: in scope
        ours.requisition.save()
        theirs.requisition.department = tech
        theirs.requisition.save()
    manager = factories.make_membership(tenant=tenant_a, role=Role.HIRING_MANAGER)
    with all_tenants_context():
        MembershipDepartment.all_tenants.create(
            tenant=tenant_a, membership=manager, department=sales
        )
    client = Client()
    client.force_login(manager.user)
    return client, manager.user, ours, theirs


def test_the_lists_hold_only_the_scoped_departments(two_departments):
    client, _, ours, theirs = two_departments
    requisitions = client.get("/requisitions/").content.decode()
    assert ours.requisition.title in requisitions or str(ours.requisition_id) in requisitions
    assert str(theirs.requisition_id) not in requisitions
    applications = client.get("/applications/").content.decode()
    assert str(ours.pk) in applications and str(theirs.pk) not in applications


@pytest.mark.parametrize(
    "url",
    [
        "/requisitions/{r}/",
        "/requisitions/{r}/board/",
        "/applications/{a}/",
        "/api/v1/requisitions/{r}",
        "/api/v1/applications/{a}",
        "/api/v1/applications/{a}/milestones",
    ],
)
def test_another_departments_objects_are_audited_404s(url, two_departments):
    client, user, ours, theirs = two_departments
    assert client.get(url.format(r=ours.requisition_id, a=ours.pk)).status_code == 200
    assert client.get(url.format(r=theirs.requisition_id, a=theirs.pk)).status_code == 404
    denied = audit_events(action=AuditAction.ACCESS_DENIED)
    assert {event.actor_user_id for event in denied} == {user.pk}


def test_the_api_lists_hold_only_the_scoped_departments(two_departments):
    client, _, ours, theirs = two_departments
    requisitions = client.get("/api/v1/requisitions").json()["results"]
    assert [r["id"] for r in requisitions] == [str(ours.requisition_id)]
    applications = client.get("/api/v1/applications").json()["results"]
    assert [a["id"] for a in applications] == [str(ours.pk)]


def test_a_tenant_wide_membership_sees_every_department(two_departments, recruiter_a):
    _, _, ours, theirs = two_departments
    client = Client()
    client.force_login(recruiter_a)
    assert client.get(f"/requisitions/{theirs.requisition_id}/board/").status_code == 200
    ids = {a["id"] for a in client.get("/api/v1/applications").json()["results"]}
    assert {str(ours.pk), str(theirs.pk)} <= ids


def test_the_candidates_api_holds_only_candidates_applying_in_the_scoped_departments(
    two_departments,
):
    client, user, ours, theirs = two_departments
    ids = [c["id"] for c in client.get("/api/v1/candidates").json()["results"]]
    assert ids == [str(ours.candidate_id)]
    assert client.get(f"/api/v1/candidates/{ours.candidate_id}").status_code == 200
    assert client.get(f"/api/v1/candidates/{theirs.candidate_id}").status_code == 404
    denied = audit_events(action=AuditAction.ACCESS_DENIED)
    assert [(e.actor_user_id, e.object_id) for e in denied] == [(user.pk, str(theirs.candidate_id))]


def test_a_scoped_person_opens_requisitions_and_applications_only_in_their_departments(
    two_departments, tenant_a
):
    client, user, ours, theirs = two_departments
    with all_tenants_context():
        membership = Membership.all_tenants.get(user=user, tenant=tenant_a)
        membership.role = Role.RECRUITER
        membership.save()
    body = {
        "title": "Account executive",
        "requisition_type": str(ours.requisition.requisition_type_id),
        "department": str(theirs.requisition.department_id),
    }
    response = client.post("/api/v1/requisitions", body, content_type="application/json")
    assert_error(response, 400, field="department")
    body["department"] = str(ours.requisition.department_id)
    assert (
        client.post("/api/v1/requisitions", body, content_type="application/json").status_code
        == 201
    )

    candidate = factories.make_candidate(tenant=tenant_a)
    apply = {"candidate": str(candidate.pk), "requisition": str(theirs.requisition_id)}
    response = client.post("/api/v1/applications", apply, content_type="application/json")
    assert_error(response, 400, field="requisition")
    apply["requisition"] = str(ours.requisition_id)
    assert (
        client.post("/api/v1/applications", apply, content_type="application/json").status_code
        == 201
    )
