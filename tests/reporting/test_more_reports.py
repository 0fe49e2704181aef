"""Recruiters, time to fill, the regressions feed and automation's impact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from milestones.models import FrameworkVersion
from reporting.reports import (
    ReportFilters,
    automation_impact,
    recruiter_performance,
    regressions_feed,
    time_to_fill,
)
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version
from tests.reporting.factories import make_stay, move

pytestmark = pytest.mark.django_db
H = 3600


def test_recruiters_completion_beside_regressions_and_fall_out(tenant_a):
    ada = factories.make_user(first_name="Ada", last_name="Lovelace")
    for ended in ("advanced", "advanced", "regressed", "rejected"):
        make_stay(tenant=tenant_a, recruiter_id=ada.pk, ended=ended, business_seconds=H)
    make_stay(tenant=tenant_a, recruiter_id=ada.pk, left_at=None)  # open: not counted

    with tenant_context(tenant_a):
        [row] = recruiter_performance(filters=ReportFilters()).rows
    assert row["recruiter"] == {"id": str(ada.pk), "name": "Ada Lovelace"}  # ids as text
    assert (row["stays"], row["completion_rate"], row["regression_rate"]) == (4, 0.5, 0.25)
    assert row["fall_out_rate"] == 0.25 and row["median_seconds"] == H
    assert row["regressed_applications"] == {"recruiter_id": str(ada.pk), "ended": "regressed"}


def test_time_to_fill_runs_to_the_hire_of_the_last_opening(tenant_a):
    opened = timezone.now() - timedelta(days=30)
    requisition = factories.make_requisition(tenant=tenant_a, openings=2, opened_at=opened)
    unfilled = factories.make_requisition(tenant=tenant_a, openings=1, opened_at=opened)
    for days in (3, 10, 12):  # the second hire fills it, ten days in
        make_stay(
            tenant=tenant_a,
            requisition_id=requisition.pk,
            department_id=requisition.department_id,
            ended="hired",
            entered_at=opened,
            left_at=opened + timedelta(days=days),
        )
    make_stay(
        tenant=tenant_a,
        requisition_id=requisition.pk,
        ended="hired",
        reverted=True,
        entered_at=opened,
        left_at=opened + timedelta(days=1),
    )

    with tenant_context(tenant_a):
        report = time_to_fill(filters=ReportFilters())
        by_department = time_to_fill(filters=ReportFilters(), by="department")
    rows = {row["requisition"]["id"]: row for row in report.rows}
    filled = rows[str(requisition.pk)]
    assert filled["seconds"] == 10 * 24 * H and filled["hires"] == 3
    assert rows[str(unfilled.pk)]["filled_at"] is None
    assert report.time_basis == "calendar"
    [group] = [r for r in by_department.rows if r["group"]["id"] == str(requisition.department_id)]
    assert (group["requisitions"], group["filled"], group["median_seconds"]) == (1, 1, 10 * 24 * H)


def test_time_to_fill_by_month_lists_months_oldest_first(tenant_a):
    """Months are ordered by time, not by name ("April", "August", "July" before)."""

    for month in (4, 7, 8):  # alphabetically April, August, July
        opened = datetime(2026, month, 3, tzinfo=UTC)
        requisition = factories.make_requisition(tenant=tenant_a, openings=1, opened_at=opened)
        make_stay(
            tenant=tenant_a,
            requisition_id=requisition.pk,
            ended="hired",
            entered_at=opened,
            left_at=opened + timedelta(days=5),
        )
    with tenant_context(tenant_a):
        report = time_to_fill(filters=ReportFilters(), by="month")
    assert [row["group"]["name"] for row in report.rows] == [
        "April 2026",
        "July 2026",
        "August 2026",
    ]


def test_the_regressions_feed_names_where_from_and_where_to(tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    later = timezone.now() + timedelta(hours=1)
    move(tenant_a, application, "advance", at=later)
    move(tenant_a, application, "advance", at=later + timedelta(hours=1))
    move(
        tenant_a,
        application,
        "regress",
        to_code="SCREEN",
        reason="Panel no-show",
        at=later + timedelta(hours=2),
    )
    misclicked = make_tracked_application(tenant=tenant_a)
    move(tenant_a, misclicked, "advance", at=later)
    move(tenant_a, misclicked, "regress", to_code="APPLIED", at=later + timedelta(minutes=1))

    with tenant_context(tenant_a):
        [stay] = regressions_feed(filters=ReportFilters())
    assert (stay.from_milestone_name, stay.to_milestone_name) == ("Interview", "Screen")
    assert stay.reason == "Panel no-show" and stay.application_id == application.pk
    with all_tenants_context():
        assert stay.candidate_name == application.candidate.full_name


def test_automation_impact_sets_rule_moves_beside_hand_moves_and_before_after_publishing(
    tenant_a,
):
    version = make_version(tenant=tenant_a)
    with all_tenants_context():
        FrameworkVersion.all_tenants.filter(pk=version.pk).update(
            published_at=timezone.now() - timedelta(days=5)
        )
    start = timezone.now() - timedelta(days=10)

    def candidacy(*, cause, hired, entered):
        application = factories.make_application(tenant=tenant_a)
        make_stay(
            tenant=tenant_a,
            application_id=application.pk,
            entered_at=entered,
            left_at=entered + timedelta(days=1),
            entered_cause="manual",
            framework_version_id=version.pk,
        )
        make_stay(
            tenant=tenant_a,
            application_id=application.pk,
            entered_at=entered + timedelta(days=1),
            left_at=entered + timedelta(days=3),
            entered_cause=cause,
            ended="hired" if hired else "rejected",
            framework_version_id=version.pk,
        )

    candidacy(cause="trigger", hired=True, entered=start)
    candidacy(cause="trigger", hired=False, entered=start + timedelta(days=6))
    candidacy(cause="manual", hired=True, entered=start + timedelta(days=6))

    with tenant_context(tenant_a):
        report = automation_impact(filters=ReportFilters(framework_version_id=(version.pk,)))
    rows = {(r["segment"]["kind"], r["segment"]["id"]): r for r in report.rows}
    rules, hand = rows["moved_by", "rules"], rows["moved_by", "hand"]
    assert (rules["applications"], rules["hired"], rules["dropped"]) == (2, 1, 1)
    assert rules["drop_off"] == 0.5 and rules["median_seconds_to_hire"] == 3 * 24 * H
    assert (hand["applications"], hand["hired"]) == (1, 1)
    assert rows["published", "before"]["applications"] == 1
    assert rows["published", "after"]["applications"] == 2
    assert rules["applications_filter"]["moved_by"] == "rules"
