"""Reports over the stays read model: the numbers, the filters, the drill-down, and a
constant number of queries whatever the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reporting.reports import (
    Candidacy,
    ReportFilters,
    TimeBasis,
    funnel,
    report_applications,
    time_in_milestone,
)
from reporting.reports.params import (
    TimedReportQuerySerializer,
    report_filters_from_query,
)
from tenants.context import tenant_context
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version, milestone_of
from tests.reporting.factories import make_stay, move

pytestmark = pytest.mark.django_db
H = 3600


@pytest.fixture
def screen(tenant_a):
    version = make_version(tenant=tenant_a)
    return milestone_of(version, "SCREEN")


def _rows(report, **match):
    return [
        row
        for row in report.rows
        if all((row["group"] or {}).get("id") == str(v) for v in match.values())
    ]


def test_time_in_milestone_is_median_p90_mean_and_count_per_group(tenant_a, screen):
    sales, support = (factories.make_department(tenant=tenant_a) for _ in range(2))
    start = timezone.now() - timedelta(days=10)
    for hours in (1, 2, 6):
        make_stay(
            tenant=tenant_a,
            milestone_id=screen.pk,
            department_id=sales.pk,
            entered_at=start,
            left_at=start + timedelta(hours=hours * 3),
            business_seconds=hours * H,
        )
    make_stay(tenant=tenant_a, milestone_id=screen.pk, department_id=support.pk, business_seconds=H)
    # Neither a misclick nor a stay still open counts among the finished.
    make_stay(tenant=tenant_a, milestone_id=screen.pk, department_id=sales.pk, reverted=True)
    make_stay(tenant=tenant_a, milestone_id=screen.pk, department_id=sales.pk, left_at=None)

    with tenant_context(tenant_a):
        report = time_in_milestone(filters=ReportFilters(), by="department")
        calendar = time_in_milestone(
            filters=ReportFilters(department_id=(sales.pk,)), basis=TimeBasis.CALENDAR
        )

    assert report.time_basis == "business"
    [row] = [r for r in report.rows if r["group"]["id"] == str(sales.pk)]
    assert row["milestone"]["name"] == screen.name and row["group"]["name"] == sales.name
    assert (row["count"], row["median_seconds"], row["mean_seconds"]) == (3, 2 * H, 3 * H)
    assert row["p90_seconds"] == pytest.approx(5.2 * H)  # percentile_cont, interpolated
    assert row["open_count"] == 1 and row["open_median_age_seconds"] > 2 * 24 * H
    [other] = [r for r in report.rows if r["group"]["id"] == str(support.pk)]
    assert other["count"] == 1
    [row] = calendar.rows
    assert calendar.time_basis == "calendar" and row["median_seconds"] == 6 * H


def test_filters_narrow_by_period_recruiter_and_the_callers_departments(tenant_a, screen):
    mine, theirs = (factories.make_department(tenant=tenant_a) for _ in range(2))
    old = timezone.now() - timedelta(days=100)
    make_stay(tenant=tenant_a, milestone_id=screen.pk, department_id=mine.pk, recruiter_id=7)
    make_stay(tenant=tenant_a, milestone_id=screen.pk, department_id=mine.pk, entered_at=old)
    make_stay(tenant=tenant_a, milestone_id=screen.pk, department_id=theirs.pk, recruiter_id=7)

    def count(**kw):
        with tenant_context(tenant_a):
            rows = time_in_milestone(filters=ReportFilters(**kw)).rows
        return sum(r["count"] for r in rows)

    since = timezone.now() - timedelta(days=30)
    assert count() == 3
    assert count(since=since) == 2
    assert count(until=since) == 1
    assert count(recruiter_id=(7,)) == 2
    assert count(scope=frozenset({mine.pk})) == 2
    assert count(scope=frozenset({mine.pk}), recruiter_id=(7,)) == 1
    assert count(scope=frozenset()) == 0


def test_every_number_drills_down_to_the_applications_behind_it(tenant_a, screen):
    sales = factories.make_department(tenant=tenant_a)
    counted = [factories.make_application(tenant=tenant_a) for _ in range(2)]
    for application in counted:
        make_stay(
            tenant=tenant_a,
            application_id=application.pk,
            milestone_id=screen.pk,
            department_id=sales.pk,
        )
    elsewhere = factories.make_application(tenant=tenant_a)
    make_stay(tenant=tenant_a, application_id=elsewhere.pk, department_id=sales.pk)

    with tenant_context(tenant_a):
        [row] = time_in_milestone(
            filters=ReportFilters(milestone_id=(screen.pk,)), by="department"
        ).rows
        # The drill-down is query parameters: parsed as the API and the pages parse them.
        filters, _ = report_filters_from_query(
            {k: str(v) for k, v in row["applications"].items()},
            scope=None,
            serializer=TimedReportQuerySerializer,
        )
        listed = set(report_applications(filters=filters).values_list("pk", flat=True))
    assert row["applications"] == {"department_id": str(sales.pk), "milestone_id": str(screen.pk)}
    assert listed == {a.pk for a in counted} and row["count"] == len(listed)


def test_the_funnel_counts_finished_candidacies_only(tenant_a):
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "SCREEN", "HIRED"),
        milestones={"HIRED": {"terminal_kind": "hired"}},
    )
    applications = [make_tracked_application(tenant=tenant_a, version=version) for _ in range(4)]
    requisition_id = applications[0].requisition_id
    later = timezone.now() + timedelta(hours=1)
    for application in applications[:3]:
        move(tenant_a, application, "advance", at=later)  # APPLIED -> SCREEN
    move(tenant_a, applications[0], "advance", at=later + timedelta(hours=1))  # into Hired
    move(tenant_a, applications[0], "advance", at=later + timedelta(hours=2))  # hired
    move(tenant_a, applications[1], "reject", at=later + timedelta(hours=1))
    # applications[2] waits in SCREEN, [3] in APPLIED: open, left out.

    with tenant_context(tenant_a):
        report = funnel(filters=ReportFilters(), by=None)
        by_requisition = funnel(filters=ReportFilters())
    by_code = {row["milestone"]["name"]: row for row in report.rows}
    applied, screen = (
        by_code[milestone_of(version, "APPLIED").name],
        by_code[milestone_of(version, "SCREEN").name],
    )
    assert (applied["entered"], applied["passed"], applied["dropped"]) == (2, 2, 0)
    assert (screen["entered"], screen["passed"], screen["dropped"]) == (2, 1, 1)
    assert (screen["conversion"], screen["drop_off"]) == (0.5, 0.5)
    assert screen["dropped_applications"]["ended"] == "rejected,withdrawn,failed"
    assert report.filters.candidacy == Candidacy.FINISHED
    assert {row["group"]["id"] for row in by_requisition.rows} == {
        str(a.requisition_id) for a in applications[:2]
    }
    assert requisition_id


@pytest.mark.parametrize("report", ["time_in_milestone", "funnel"])
def test_a_report_costs_the_same_queries_at_any_size(tenant_a, django_assert_num_queries, report):
    selector = {"time_in_milestone": time_in_milestone, "funnel": funnel}[report]
    version = make_version(tenant=tenant_a)

    def fill(n):
        for i in range(n):
            department = factories.make_department(tenant=tenant_a)
            for code in ("APPLIED", "SCREEN", "INTERVIEW"):
                make_stay(
                    tenant=tenant_a,
                    milestone_id=milestone_of(version, code).pk,
                    department_id=department.pk,
                    ended="rejected" if i % 2 else "advanced",
                )
            make_stay(
                tenant=tenant_a,
                milestone_id=milestone_of(version, "OFFER").pk,
                department_id=department.pk,
                left_at=None,
            )

    counts = []
    for size in (2, 12):
        fill(size)
        with tenant_context(tenant_a):
            selector(filters=ReportFilters(), by="department")  # warm the caches
            with django_assert_num_queries(4 if report == "time_in_milestone" else 3) as ctx:
                result = selector(filters=ReportFilters(), by="department")
        counts.append(len(ctx.captured_queries))
        assert result.rows
    assert counts[0] == counts[1]
