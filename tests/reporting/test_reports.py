"""Reports over the stays read model: the numbers, the filters, the drill-down, and a
constant number of queries whatever the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from milestones.models import ApplicationMilestone
from reporting.reports import (
    Candidacy,
    ReportFilters,
    TimeBasis,
    automation_impact,
    funnel,
    recruiter_performance,
    regressions_feed,
    report_applications,
    sla_exceptions,
    time_in_milestone,
    time_to_fill,
)
from reporting.reports.filters import viewer_access
from reporting.reports.params import (
    TimedReportQuerySerializer,
    report_filters_from_query,
)
from tenants.context import all_tenants_context, tenant_context
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
            viewer=viewer_access(None),
            serializer=TimedReportQuerySerializer,
        )
        listed = set(report_applications(filters=filters).values_list("pk", flat=True))
    assert row["applications"] == {
        "department_id": str(sales.pk),
        "milestone_id": str(screen.pk),
        "stay": "finished",
    }
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


SELECTORS = {
    "time_in_milestone": (lambda f: time_in_milestone(filters=f, by="department"), 4),
    "funnel": (lambda f: funnel(filters=f, by="department"), 3),
    "recruiter_performance": (lambda f: recruiter_performance(filters=f), 2),
    "time_to_fill": (lambda f: time_to_fill(filters=f, by="department"), 2),
    "time_to_fill_per_requisition": (lambda f: time_to_fill(filters=f), 1),
    "automation_impact": (lambda f: automation_impact(filters=f), 2),
    "sla_exceptions": (lambda f: list(sla_exceptions(filters=f)[:50]), 1),
    "regressions": (lambda f: list(regressions_feed(filters=f)[:50]), 1),
    "applications": (lambda f: list(report_applications(filters=f)[:50]), 1),
}


@pytest.mark.parametrize("report", sorted(SELECTORS))
def test_a_report_costs_the_same_queries_at_any_size(tenant_a, django_assert_num_queries, report):
    selector, queries = SELECTORS[report]
    version = make_version(tenant=tenant_a)
    recruiter = factories.make_user()

    def fill(n):
        for i in range(n):
            department = factories.make_department(tenant=tenant_a)
            requisition = factories.make_requisition(
                tenant=tenant_a,
                department=department,
                recruiter=recruiter,
                opened_at=timezone.now() - timedelta(days=9),
            )
            application = factories.make_application(tenant=tenant_a, requisition=requisition)
            facts = {
                "application_id": application.pk,
                "requisition_id": requisition.pk,
                "department_id": department.pk,
                "recruiter_id": recruiter.pk,
            }
            for code, ended in (
                ("APPLIED", "advanced"),
                ("SCREEN", "regressed"),
                ("INTERVIEW", "hired" if i % 2 else "rejected"),
            ):
                make_stay(
                    tenant=tenant_a,
                    milestone_id=milestone_of(version, code).pk,
                    ended=ended,
                    **facts,
                )
            other = factories.make_application(tenant=tenant_a, requisition=requisition)
            make_stay(
                tenant=tenant_a,
                milestone_id=milestone_of(version, "OFFER").pk,
                left_at=None,
                **{**facts, "application_id": other.pk},
            )
            with all_tenants_context():
                ApplicationMilestone.all_tenants.create(
                    tenant=tenant_a,
                    application=other,
                    requisition=requisition,
                    milestone=milestone_of(version, "OFFER"),
                    state="active",
                    entered_at=timezone.now(),
                    escalation_level=1,
                )

    counts = []
    for size in (2, 12):
        fill(size)
        with tenant_context(tenant_a):
            selector(ReportFilters())  # warm the caches
            with django_assert_num_queries(queries) as ctx:
                result = selector(ReportFilters())
        counts.append(len(ctx.captured_queries))
        assert result.rows if hasattr(result, "rows") else result
    assert counts[0] == counts[1]
