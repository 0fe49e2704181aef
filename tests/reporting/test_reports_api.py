"""`GET /api/v1/reports/<name>`: the selectors' numbers, strict filters, department scope,
the drill-down list, regression alerts and the misclick window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from reporting.models import ReportingSettings
from reporting.reports import ReportFilters, time_in_milestone
from tenants.context import all_tenants_context, tenant_context
from tenants.models import ApiScope, MembershipDepartment, Role
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version, milestone_of
from tests.reporting.factories import make_stay, move
from tests.support import assert_error, response_schema_errors, rows

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/reports"


def _person(tenant, role, *, departments=()):
    membership = factories.make_membership(tenant=tenant, role=role)
    with all_tenants_context():
        for department in departments:
            MembershipDepartment.all_tenants.create(
                tenant=tenant, membership=membership, department=department
            )
    client = APIClient()
    client.force_login(membership.user)
    return client


@pytest.fixture
def stays(tenant_a):
    version = make_version(tenant=tenant_a)
    screen = milestone_of(version, "SCREEN")
    sales, tech = (factories.make_department(tenant=tenant_a) for _ in range(2))
    recruiter = factories.make_user(first_name="Rae", last_name="Cruz")
    applications = {}
    for department, hours in ((sales, 1), (sales, 3), (tech, 5)):
        requisition = factories.make_requisition(tenant=tenant_a, department=department)
        application = factories.make_application(tenant=tenant_a, requisition=requisition)
        applications.setdefault(department.pk, []).append(application)
        make_stay(
            tenant=tenant_a,
            application_id=application.pk,
            requisition_id=requisition.pk,
            milestone_id=screen.pk,
            department_id=department.pk,
            recruiter_id=recruiter.pk,
            business_seconds=hours * 3600,
        )
    return screen, sales, tech, applications


def test_the_api_answers_the_selectors_numbers(api_a, tenant_a, stays):
    screen, sales, _, _ = stays
    body = api_a.get(f"{REPORTS}/time_in_milestone", {"by": "department"}).json()

    with tenant_context(tenant_a):
        expected = time_in_milestone(filters=ReportFilters(), by="department")
    assert body["report"] == "time_in_milestone" and body["time_basis"] == "business"
    assert [(r["group"]["id"], r["count"], r["median_seconds"]) for r in body["rows"]] == [
        (r["group"]["id"], r["count"], r["median_seconds"]) for r in expected.rows
    ]
    [row] = [r for r in body["rows"] if r["group"]["id"] == str(sales.pk)]
    assert row["count"] == 2 and row["median_seconds"] == 2 * 3600


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"department_id": "not-a-uuid"}, "department_id"),
        ({"recruiter_id": "1.5"}, "recruiter_id"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        ({"by": "planet"}, "by"),
        ({"basis": "lunar"}, "basis"),
        ({"candidacy": "maybe"}, "candidacy"),
        ({"ended": "advanced,exploded"}, "ended"),
        ({"department_id": ""}, "department_id"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api_a, params, field):
    assert_error(api_a.get(f"{REPORTS}/time_in_milestone", params), 400, field=field)


@pytest.mark.parametrize(
    "name",
    [
        "time_in_milestone",
        "funnel",
        "recruiter_performance",
        "time_to_fill",
        "automation_impact",
        "sla_exceptions",
        "regressions",
        "applications",
    ],
)
def test_every_report_answers_and_refuses_a_bad_filter(api_a, stays, name):
    response = api_a.get(f"{REPORTS}/{name}")
    assert response.status_code == 200, response.content
    errors = response_schema_errors(api_a, f"{REPORTS}/{name}", response)
    assert errors == [], errors  # the schema says what the report answers (ids as text)
    assert_error(api_a.get(f"{REPORTS}/{name}", {"milestone_id": "x"}), 400, field="milestone_id")


def test_a_person_limited_to_departments_sees_only_theirs(tenant_a, stays):
    _, sales, _, applications = stays
    manager = _person(tenant_a, Role.HIRING_MANAGER, departments=[sales])

    body = manager.get(f"{REPORTS}/time_in_milestone", {"by": "department"}).json()
    assert [r["group"]["id"] for r in body["rows"]] == [str(sales.pk)]
    listed = manager.get(f"{REPORTS}/applications").json()["results"]
    assert {a["id"] for a in listed} == {str(a.pk) for a in applications[sales.pk]}


def test_a_client_needs_applications_read(tenant_a, stays):
    _, token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.CONFIG_READ])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(client.get(f"{REPORTS}/funnel"), 403)


def test_a_rows_drill_down_lists_the_applications_behind_it(api_a, stays):
    _, _, tech, applications = stays
    body = api_a.get(f"{REPORTS}/time_in_milestone", {"by": "department"}).json()
    [row] = [r for r in body["rows"] if r["group"]["id"] == str(tech.pk)]

    listed = api_a.get(f"{REPORTS}/applications", row["applications"]).json()["results"]
    assert [a["id"] for a in listed] == [str(applications[tech.pk][0].pk)]
    assert listed[0]["candidate_name"] and listed[0]["requisition_title"]


def test_the_applications_list_pages_by_cursor(api_a, tenant_a, stays):
    first = api_a.get(f"{REPORTS}/applications", {"page_size": 2}).json()
    second = api_a.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert_error(api_a.get(f"{REPORTS}/applications", {"cursor": "nope"}), 400, field="cursor")


def test_a_regression_alert_tells_the_recruiter_and_hiring_manager(
    api_a, tenant_a, django_capture_on_commit_callbacks
):
    version = make_version(tenant=tenant_a)
    offer, interview = milestone_of(version, "OFFER"), milestone_of(version, "INTERVIEW")
    created = api_a.post(
        f"{REPORTS}/regression_alerts",
        {"from_milestone_id": str(offer.pk), "to_milestone_id": str(interview.pk)},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["from_milestone_name"] == offer.name
    recruiter, manager = factories.make_user(), factories.make_user()
    application = make_tracked_application(tenant=tenant_a, version=version)
    with all_tenants_context():
        application.requisition.recruiter = recruiter
        application.requisition.hiring_manager = manager
        application.requisition.save()
    later = timezone.now() + timedelta(hours=1)
    for hours in (1, 2, 3):  # to Screen, Interview, Offer
        move(tenant_a, application, "advance", at=later + timedelta(hours=hours))

    with django_capture_on_commit_callbacks(execute=True):
        move(
            tenant_a,
            application,
            "regress",
            to_code="INTERVIEW",
            reason="Offer withdrawn",
            at=later + timedelta(hours=5),
        )

    told = rows(Notification, kind="milestone.regressed")
    assert {n.recipient_id for n in told} == {recruiter.pk, manager.pk}
    assert f"moved back from {offer.name} to {interview.name}" in told[0].title


def test_a_misclick_back_alerts_no_one(api_a, tenant_a, django_capture_on_commit_callbacks):
    version = make_version(tenant=tenant_a)
    screen, applied = milestone_of(version, "SCREEN"), milestone_of(version, "APPLIED")
    api_a.post(
        f"{REPORTS}/regression_alerts",
        {"from_milestone_id": str(screen.pk), "to_milestone_id": str(applied.pk)},
        format="json",
    )
    recruiter = factories.make_user()
    application = make_tracked_application(tenant=tenant_a, version=version)
    with all_tenants_context():
        application.requisition.recruiter = recruiter
        application.requisition.save()
    soon = timezone.now() + timedelta(minutes=1)
    move(tenant_a, application, "advance", at=soon)
    with django_capture_on_commit_callbacks(execute=True):
        move(tenant_a, application, "regress", to_code="APPLIED", at=soon + timedelta(minutes=1))

    assert rows(Notification, kind="milestone.regressed") == []


def test_regression_alert_input_is_checked(api_a, tenant_a, tenant_b):
    version = make_version(tenant=tenant_a)
    offer, interview = milestone_of(version, "OFFER"), milestone_of(version, "INTERVIEW")
    theirs = milestone_of(make_version(tenant=tenant_b), "APPLIED")
    url = f"{REPORTS}/regression_alerts"

    def post(source, target):
        return api_a.post(
            url,
            {"from_milestone_id": str(source.pk), "to_milestone_id": str(target.pk)},
            format="json",
        )

    assert_error(post(interview, offer), 400, field="to_milestone_id")  # forward, not back
    assert_error(post(offer, theirs), 400, field="to_milestone_id")  # another tenant's
    assert post(offer, interview).status_code == 201
    assert_error(post(offer, interview), 409, code="DUPLICATE_REGRESSION_ALERT")
    assert_error(api_a.post(url, {"from_milestone_id": "x"}, format="json"), 400)
    [alert] = api_a.get(url).json()["results"]
    switched = api_a.patch(f"{url}/{alert['id']}", {"is_active": False}, format="json")
    assert switched.status_code == 200 and switched.json()["is_active"] is False


def test_only_those_who_configure_workflows_set_alerts_and_the_window(tenant_a):
    version = make_version(tenant=tenant_a)
    recruiter = _person(tenant_a, Role.RECRUITER)
    body = {
        "from_milestone_id": str(milestone_of(version, "OFFER").pk),
        "to_milestone_id": str(milestone_of(version, "SCREEN").pk),
    }
    assert_error(recruiter.post(f"{REPORTS}/regression_alerts", body, format="json"), 403)
    assert_error(
        recruiter.patch(f"{REPORTS}/settings", {"misclick_window_seconds": 60}, format="json"),
        403,
    )
    assert recruiter.get(f"{REPORTS}/settings").json() == {"misclick_window_seconds": 300}


def test_the_misclick_window_is_set_over_the_api(api_a, tenant_a):
    response = api_a.patch(f"{REPORTS}/settings", {"misclick_window_seconds": 30}, format="json")
    assert response.status_code == 200 and response.json() == {"misclick_window_seconds": 30}
    assert rows(ReportingSettings)[0].misclick_window_seconds == 30
    assert_error(
        api_a.patch(f"{REPORTS}/settings", {"misclick_window_seconds": 7200}, format="json"),
        400,
        field="misclick_window_seconds",
    )
    assert_error(
        api_a.patch(f"{REPORTS}/settings", {"misclick_window_seconds": "5"}, format="json"),
        400,
        field="misclick_window_seconds",
    )


def test_a_confidential_requisitions_stays_count_only_for_those_who_see_it(tenant_a):
    version = make_version(tenant=tenant_a)
    screen = milestone_of(version, "SCREEN")
    manager = factories.make_membership(tenant=tenant_a, role=Role.HIRING_MANAGER)
    secret = factories.make_requisition(
        tenant=tenant_a, is_confidential=True, hiring_manager=manager.user
    )
    for requisition in (secret, factories.make_requisition(tenant=tenant_a)):
        application = factories.make_application(tenant=tenant_a, requisition=requisition)
        make_stay(
            tenant=tenant_a,
            application_id=application.pk,
            requisition_id=requisition.pk,
            milestone_id=screen.pk,
        )
    outsider = _person(tenant_a, Role.HIRING_MANAGER)
    insider = APIClient()
    insider.force_login(manager.user)

    def counted(client):
        rows = client.get(f"{REPORTS}/time_in_milestone").json()["rows"]
        listed = client.get(f"{REPORTS}/applications").json()["results"]
        return sum(r["count"] for r in rows), len(listed)

    assert counted(outsider) == (1, 1)
    assert counted(insider) == (2, 2)
