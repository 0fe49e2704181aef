"""Sensitive milestones in the reports: a person without `view_sensitive` (a hiring
manager) finds them in no report, neither by name nor in a number, over the API and on
the pages; a person with it (a recruiter) and an API client see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from milestones.models import ApplicationMilestone, MilestoneState
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version, milestone_of
from tests.reporting.factories import move

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/reports"
SECRET = "Background check"
ALL_REPORTS = (
    "time_in_milestone",
    "funnel",
    "recruiter_performance",
    "time_to_fill",
    "automation_impact",
    "sla_exceptions",
    "regressions",
    "applications",
)


def _overdue(application, code):
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application=application, milestone__code=code, state=MilestoneState.ACTIVE
        ).update(escalation_level=1, due_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def history(tenant_a):
    """SCREEN is the sensitive "Background check". `checked` went through it, on to the
    interview and was sent back to it (stands there, overdue); `failed` was rejected in
    it; `passed` went through it and waits, overdue, in the interview."""
    version = make_version(
        tenant=tenant_a, milestones={"SCREEN": {"is_sensitive": True, "name": SECRET}}
    )
    start = timezone.now()
    checked, failed, passed = (
        make_tracked_application(tenant=tenant_a, version=version) for _ in range(3)
    )
    for application in (checked, failed, passed):
        move(tenant_a, application, "advance", at=start + timedelta(hours=1))
    move(tenant_a, failed, "reject", at=start + timedelta(hours=2), reason="Did not clear")
    for application in (checked, passed):
        move(tenant_a, application, "advance", at=start + timedelta(hours=3))
    move(
        tenant_a,
        checked,
        "regress",
        to_code="SCREEN",
        reason="Check again",
        at=start + timedelta(hours=4),
    )
    _overdue(checked, "SCREEN")
    _overdue(passed, "INTERVIEW")
    return milestone_of(version, "SCREEN"), checked, failed, passed


def _person(tenant, role) -> Client:
    membership = factories.make_membership(tenant=tenant, role=role)
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def manager(tenant_a):
    return _person(tenant_a, Role.HIRING_MANAGER)  # no view_sensitive


@pytest.fixture
def recruiter(tenant_a):
    return _person(tenant_a, Role.RECRUITER)  # view_sensitive


def _get(client, name, **params):
    response = client.get(f"{REPORTS}/{name}", params)
    assert response.status_code == 200, response.content
    return response.json()


def _milestones(body) -> set[str]:
    return {row["milestone"]["id"] for row in body["rows"]}


@pytest.mark.parametrize("name", ALL_REPORTS)
def test_no_report_names_a_sensitive_milestone_to_a_person_without_view_sensitive(
    history, manager, recruiter, api_a, name
):
    screen = history[0]
    hidden = _get(manager, name).__repr__()
    assert SECRET not in hidden and str(screen.pk) not in hidden
    if name in ("time_in_milestone", "funnel", "sla_exceptions", "regressions"):
        for seeing in (recruiter, api_a):
            assert SECRET in _get(seeing, name).__repr__()


def test_time_in_milestone_and_funnel_leave_the_sensitive_milestones_rows_out(
    history, manager, recruiter, api_a
):
    screen = str(history[0].pk)
    for name in ("time_in_milestone", "funnel"):
        assert screen not in _milestones(_get(manager, name))
        assert screen in _milestones(_get(recruiter, name))
        assert screen in _milestones(_get(api_a, name))
    # Asked for by id, it selects nothing rather than its numbers.
    assert _get(manager, "time_in_milestone", milestone_id=screen)["rows"] == []


def test_recruiter_performance_and_automation_impact_count_no_sensitive_stay(
    history, manager, recruiter
):
    seen = _get(recruiter, "recruiter_performance")["rows"]
    hidden = _get(manager, "recruiter_performance")["rows"]
    # Three finished stays in the Background check (passed twice, one rejection there).
    assert sum(r["stays"] for r in seen) - sum(r["stays"] for r in hidden) == 3
    assert sum(r["fell_out"] for r in seen) == 1
    assert sum(r["fell_out"] for r in hidden) == 0

    def hand(client):
        rows = _get(client, "automation_impact")["rows"]
        [row] = [r for r in rows if r["segment"]["id"] == "hand"]
        return row["applications"], row["dropped"]

    # The one finished candidacy fell out in the Background check: not for the manager.
    assert hand(recruiter) == (1, 1)
    assert hand(manager) == (1, 0)


def test_sla_exceptions_and_regressions_leave_sensitive_milestones_out(history, manager, recruiter):
    _, checked, _, passed = history
    assert {r["application_id"] for r in _get(manager, "sla_exceptions")["results"]} == {
        str(passed.pk)
    }
    assert {r["application_id"] for r in _get(recruiter, "sla_exceptions")["results"]} == {
        str(passed.pk),
        str(checked.pk),
    }
    # Sent back *to* the Background check: a move into it, not for the manager's eyes.
    assert _get(manager, "regressions")["results"] == []
    [regression] = _get(recruiter, "regressions")["results"]
    assert regression["to_milestone_name"] == SECRET


def test_the_drill_down_masks_where_an_application_stands_and_selects_nothing_by_it(
    history, manager, recruiter
):
    screen, checked, _, passed = history
    assert _get(manager, "applications", milestone_id=str(screen.pk))["results"] == []
    assert len(_get(recruiter, "applications", milestone_id=str(screen.pk))["results"]) == 3
    rows = {r["id"]: r for r in _get(manager, "applications")["results"]}
    masked = rows[str(checked.pk)]
    assert masked["current_milestone_restricted"] is True
    assert (masked["current_milestone_id"], masked["current_milestone_name"]) == (
        None,
        "Restricted milestone",
    )
    assert masked["entered_current_at"] is None
    assert rows[str(passed.pk)]["current_milestone_name"] == "Interview"
    seen = {r["id"]: r for r in _get(recruiter, "applications")["results"]}
    assert seen[str(checked.pk)]["current_milestone_name"] == SECRET
    assert seen[str(checked.pk)]["entered_current_at"] is not None


def test_the_dashboard_and_the_drill_down_page_hide_a_sensitive_milestone(
    history, manager, recruiter
):
    dashboard = reverse("reporting:dashboard")
    assert SECRET in recruiter.get(dashboard).content.decode()
    page = manager.get(dashboard)
    assert page.status_code == 200 and SECRET not in page.content.decode()
    listed = manager.get(reverse("reporting:report-applications")).content.decode()
    assert SECRET not in listed and "Restricted milestone" in listed
    stuck = manager.get(reverse("reporting:stuck")).content.decode()
    assert SECRET not in stuck
    assert SECRET in recruiter.get(reverse("reporting:stuck")).content.decode()
