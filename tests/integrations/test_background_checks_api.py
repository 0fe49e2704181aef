"""/api/v1/background_checks: checks with their history, and a person's decision on a
`consider` result after the waiting period (sensitive: view_sensitive reads)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from integrations.models import ConnectionKind, Delivery, OutboxEvent
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context
from tenants.models import MembershipDepartment, Role
from tests import factories
from tests.support import assert_error

from .factories import make_background_check, make_connection

pytestmark = pytest.mark.django_db


def _person(tenant, role) -> APIClient:
    client = APIClient()
    client.force_login(factories.make_membership(tenant=tenant, role=role).user)
    return client


def test_checks_are_listed_with_their_history_and_filtered_by_application(api_a, tenant_a):
    check = make_background_check(tenant=tenant_a)
    make_background_check(tenant=tenant_a)
    listed = api_a.get("/api/v1/background_checks").json()["results"]
    assert len(listed) == 2
    one = api_a.get(f"/api/v1/background_checks?application={check.application_id}").json()
    assert [c["id"] for c in one["results"]] == [str(check.pk)]
    detail = api_a.get(f"/api/v1/background_checks/{check.pk}").json()
    assert (detail["result"], detail["adverse_action"]) == ("consider", "waiting")
    assert detail["history"] == []
    bad = api_a.get("/api/v1/background_checks?application=nope")
    assert_error(bad, 400, field="application")
    empty = api_a.get("/api/v1/background_checks?application=")
    assert_error(empty, 400, field="application")


def test_a_decision_to_reject_goes_through_the_engine_with_the_person_s_reason(tenant_a):
    check = make_background_check(tenant=tenant_a)
    client = _person(tenant_a, Role.RECRUITER)
    response = client.post(
        f"/api/v1/background_checks/{check.pk}/decision",
        {"decision": "reject", "reason": "Record relevant to the role"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["adverse_action"] == "rejected"
    assert body["history"][-1]["source"] == "person"
    with tenant_context(tenant_a):
        application = Application.objects.get(pk=check.application_id)
    assert application.status == "rejected"
    assert application.reject_reason == "Background check: Record relevant to the role"


def test_a_decision_during_the_waiting_period_answers_409(api_a, tenant_a):
    check = make_background_check(tenant=tenant_a, waiting_over=False)
    response = api_a.post(
        f"/api/v1/background_checks/{check.pk}/decision", {"decision": "proceed"}, format="json"
    )
    error = assert_error(response, 409, "ADVERSE_ACTION_WAITING")
    assert "waiting period runs until" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"decision": "maybe"}, "decision"), ({}, "decision"), ({"decision": "proceed", "x": 1}, "x")],
)
def test_a_bad_decision_body_answers_400_naming_the_field(api_a, tenant_a, body, field):
    check = make_background_check(tenant=tenant_a)
    response = api_a.post(f"/api/v1/background_checks/{check.pk}/decision", body, format="json")
    assert_error(response, 400, field=field)


def test_roles_without_view_sensitive_cannot_read_checks(tenant_a):
    make_background_check(tenant=tenant_a)
    refused = _person(tenant_a, Role.HIRING_MANAGER).get("/api/v1/background_checks")
    assert_error(refused, 403)
    assert _person(tenant_a, Role.HRBP).get("/api/v1/background_checks").status_code == 200


def test_a_connector_delivery_shows_the_body_its_connection_received(api_a, tenant_a):
    connection, _ = make_connection(
        tenant=tenant_a, url="http://127.0.0.1:9/hooks", kind=ConnectionKind.HRIS
    )
    with all_tenants_context():
        event = OutboxEvent.all_tenants.create(
            tenant=tenant_a,
            event_type="milestone.moved",
            occurred_at="2026-12-02T00:00:00Z",
            payload={"type": "milestone.moved", "data": {}},
        )
        delivery = Delivery.all_tenants.create(
            tenant=tenant_a,
            connection=connection,
            event=event,
            event_type="hris.status_changed",
            position=event.pk,
            payload={"type": "hris.status_changed", "data": {"hris_status": "hired"}},
        )
    body = api_a.get(f"/api/v1/deliveries/{delivery.pk}").json()
    assert body["payload"]["type"] == "hris.status_changed"


def test_the_page_lists_checks_and_a_recruiter_decides_after_the_waiting_period(tenant_a):
    waiting = make_background_check(tenant=tenant_a, waiting_over=False)
    due = make_background_check(tenant=tenant_a)
    recruiter = Client()
    recruiter.force_login(factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user)
    page = recruiter.get(reverse("integrations:background-checks")).content.decode()
    assert page.count('data-testid="background-check-row"') == 2
    assert page.count('data-testid="decision-form"') == 1  # only the one whose wait is over
    assert "Waiting period ends in" in page
    early = recruiter.post(
        reverse("integrations:background-check-decision", args=[waiting.pk]),
        {"decision": "reject"},
        follow=True,
    )
    assert "The waiting period runs until" in early.content.decode()
    done = recruiter.post(
        reverse("integrations:background-check-decision", args=[due.pk]),
        {"decision": "proceed", "reason": "Not relevant to the role"},
        follow=True,
    )
    assert "Decision recorded: the application proceeds" in done.content.decode()
    with tenant_context(tenant_a):
        application = Application.objects.select_related("current_milestone").get(
            pk=due.application_id
        )
    assert application.current_milestone.code == "OFFER"


def test_an_hrbp_sees_the_page_without_decision_buttons(tenant_a):
    make_background_check(tenant=tenant_a)
    hrbp = Client()
    hrbp.force_login(factories.make_membership(tenant=tenant_a, role=Role.HRBP).user)
    page = hrbp.get(reverse("integrations:background-checks")).content.decode()
    assert 'data-testid="decision-form"' not in page
    assert "Waiting for a recruiter's decision" in page


def test_a_recruiter_limited_to_a_department_sees_only_its_checks(tenant_a):
    ours, theirs = make_background_check(tenant=tenant_a), make_background_check(tenant=tenant_a)
    sales = factories.make_department(tenant=tenant_a, code="SALES", name="Sales")
    with all_tenants_context():
        requisition = Application.all_tenants.get(pk=ours.application_id).requisition
        requisition.department = sales
        requisition.save()
    recruiter = factories.make_membership(tenant=tenant_a, role=Role.RECRUITER)
    with all_tenants_context():
        MembershipDepartment.all_tenants.create(
            tenant=tenant_a, membership=recruiter, department=sales
        )
    api = APIClient()
    api.force_login(recruiter.user)
    listed = api.get("/api/v1/background_checks").json()["results"]
    assert [c["id"] for c in listed] == [str(ours.pk)]
    assert api.get(f"/api/v1/background_checks/{theirs.pk}").status_code == 404
    page = Client()
    page.force_login(recruiter.user)
    html = page.get(reverse("integrations:background-checks")).content.decode()
    assert html.count('data-testid="background-check-row"') == 1
