"""Every number of every report drills down to exactly the applications behind it: the
drill-down's query string, parsed as the API and the pages parse it, lists the
applications the number counted, no more and no fewer (per report, per row)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from reporting.models import MilestoneStay
from reporting.reports import (
    ReportFilters,
    automation_impact,
    funnel,
    recruiter_performance,
    report_applications,
    time_in_milestone,
    time_to_fill,
)
from reporting.reports.filters import viewer_access
from reporting.reports.params import TimedReportQuerySerializer, report_filters_from_query
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.milestones.factories import make_version, milestone_of
from tests.reporting.factories import make_stay

pytestmark = pytest.mark.django_db


def drilled(params: dict) -> set:
    """The applications a drill-down's query parameters list (tenant in context)."""
    filters, _ = report_filters_from_query(
        {k: str(v) for k, v in params.items()},
        viewer=viewer_access(None),
        serializer=TimedReportQuerySerializer,
    )
    return set(report_applications(filters=filters).values_list("pk", flat=True))


@pytest.fixture
def version(tenant_a):
    return make_version(tenant=tenant_a)


def _stay(tenant, application, milestone, **kw):
    return make_stay(
        tenant=tenant,
        application_id=application.pk,
        requisition_id=application.requisition_id,
        milestone_id=milestone.pk,
        **kw,
    )


def test_time_in_milestone_drills_finished_and_waiting_apart(tenant_a, version):
    screen = milestone_of(version, "SCREEN")
    finished = [factories.make_application(tenant=tenant_a) for _ in range(2)]
    waiting = factories.make_application(tenant=tenant_a)
    for application in finished:
        _stay(tenant_a, application, screen)
    _stay(tenant_a, waiting, screen, left_at=None)

    with tenant_context(tenant_a):
        [row] = time_in_milestone(filters=ReportFilters()).rows
        finished_listed = drilled(row["applications"])
        waiting_listed = drilled(row["open_applications"])
    # Before, "2 finished stays" listed the one still waiting there too.
    assert (row["count"], row["open_count"]) == (2, 1)
    assert finished_listed == {a.pk for a in finished}
    assert waiting_listed == {waiting.pk}


def test_recruiter_performance_drills_to_the_finished_stays_it_counted(tenant_a, version):
    screen = milestone_of(version, "SCREEN")
    passed, sent_back, waiting = (factories.make_application(tenant=tenant_a) for _ in range(3))
    _stay(tenant_a, passed, screen, recruiter_id=7)
    _stay(tenant_a, sent_back, screen, recruiter_id=7, ended="regressed")
    _stay(tenant_a, waiting, screen, recruiter_id=7, left_at=None)

    with tenant_context(tenant_a):
        [row] = recruiter_performance(filters=ReportFilters()).rows
        listed = {
            name: drilled(row[name])
            for name in ("applications", "passed_applications", "regressed_applications")
        }
    assert (row["stays"], row["passed"], row["regressed"]) == (2, 1, 1)
    assert listed == {
        "applications": {passed.pk, sent_back.pk},
        "passed_applications": {passed.pk},
        "regressed_applications": {sent_back.pk},
    }


def test_funnel_counts_are_the_sizes_of_their_drill_downs(tenant_a, version):
    screen = milestone_of(version, "SCREEN")
    hired, rejected, sent_back = (factories.make_application(tenant=tenant_a) for _ in range(3))
    _stay(tenant_a, hired, screen, ended="hired")
    _stay(tenant_a, rejected, screen, ended="rejected")
    _stay(tenant_a, sent_back, screen, ended="regressed")
    _stay(tenant_a, sent_back, screen, ended="withdrawn")

    with tenant_context(tenant_a):
        [row] = funnel(filters=ReportFilters(), by=None).rows
        for count, drill in (
            ("entered", "applications"),
            ("passed", "passed_applications"),
            ("dropped", "dropped_applications"),
            ("regressed", "regressed_applications"),
        ):
            assert len(drilled(row[drill])) == row[count], count
    assert (row["entered"], row["passed"], row["dropped"], row["regressed"]) == (3, 1, 2, 1)


def test_automation_impact_counts_are_the_sizes_of_their_drill_downs(tenant_a, version):
    screen = milestone_of(version, "SCREEN")
    by_rule, by_hand = (factories.make_application(tenant=tenant_a) for _ in range(2))
    _stay(tenant_a, by_rule, screen, entered_cause="trigger", ended="hired")
    _stay(tenant_a, by_hand, screen, ended="rejected")

    with tenant_context(tenant_a):
        rows = {r["segment"]["id"]: r for r in automation_impact(filters=ReportFilters()).rows}
        listed = {key: drilled(row["applications_filter"]) for key, row in rows.items()}
    assert listed == {"rules": {by_rule.pk}, "hand": {by_hand.pk}}


def _hire(tenant, version, *, opened_at, hired_at, openings=1):
    """A requisition opened at `opened_at` whose one application was hired at `hired_at`
    (entered its last milestone a day before)."""
    requisition = factories.make_requisition(tenant=tenant, opened_at=opened_at, openings=openings)
    application = factories.make_application(tenant=tenant, requisition=requisition)
    _stay(
        tenant,
        application,
        milestone_of(version, "OFFER"),
        entered_at=hired_at - timedelta(days=1),
        left_at=hired_at,
        ended="hired",
    )
    return requisition, application


def test_time_to_fill_drills_each_month_to_the_hires_of_the_requisitions_opened_then(
    tenant_a, version
):
    march = datetime(2025, 3, 10, 9, tzinfo=UTC)
    _, hired_in_march = _hire(tenant_a, version, opened_at=march, hired_at=march + timedelta(40))
    _, hired_in_april = _hire(
        tenant_a, version, opened_at=march + timedelta(30), hired_at=march + timedelta(50)
    )
    # Opened in April too, two openings, one hire: its hire counts, it is not filled.
    _, half_filled = _hire(
        tenant_a,
        version,
        opened_at=march + timedelta(31),
        hired_at=march + timedelta(60),
        openings=2,
    )

    with tenant_context(tenant_a):
        rows = {
            r["group"]["id"][:7]: r for r in time_to_fill(filters=ReportFilters(), by="month").rows
        }
        listed = {month: drilled(row["applications"]) for month, row in rows.items()}
    # Before, every month listed every hire of the period.
    assert listed == {
        "2025-03": {hired_in_march.pk},
        "2025-04": {hired_in_april.pk, half_filled.pk},
    }
    assert {m: (r["requisitions"], r["filled"], r["hires"]) for m, r in rows.items()} == {
        "2025-03": (1, 1, 1),
        "2025-04": (2, 1, 2),
    }


def test_time_to_fill_drills_to_hires_made_after_the_period_its_requisitions_opened_in(
    tenant_a, version
):
    # The period selects requisitions by when they opened, not the hires by when they
    # entered their milestone: a requisition opened in March and filled in May keeps its
    # hire in the drill-down of "opened in March".
    march = datetime(2025, 3, 10, 9, tzinfo=UTC)
    requisition, hired = _hire(tenant_a, version, opened_at=march, hired_at=march + timedelta(60))
    filters = ReportFilters(
        since=datetime(2025, 3, 1, tzinfo=UTC), until=datetime(2025, 4, 1, tzinfo=UTC)
    )

    with tenant_context(tenant_a):
        [per_requisition] = time_to_fill(filters=filters).rows
        [per_month] = time_to_fill(filters=filters, by="month").rows
        [overall] = time_to_fill(filters=filters, by=None).rows
        listed = [drilled(r["applications"]) for r in (per_requisition, per_month, overall)]
    assert per_requisition["requisition"]["id"] == str(requisition.pk)
    assert listed == [{hired.pk}] * 3


def test_a_drill_down_of_the_last_days_lists_the_same_applications_as_the_number(tenant_a, version):
    # The dashboard's period ("since") narrows the drill-down as it narrows the number.
    screen = milestone_of(version, "SCREEN")
    recent, old = (factories.make_application(tenant=tenant_a) for _ in range(2))
    _stay(tenant_a, recent, screen)
    _stay(tenant_a, old, screen, entered_at=timezone.now() - timedelta(days=400))

    with tenant_context(tenant_a):
        filters = ReportFilters(since=timezone.now() - timedelta(days=180))
        [row] = time_in_milestone(filters=filters).rows
        assert row["count"] == 1 and drilled(row["applications"]) == {recent.pk}


def test_a_row_with_no_recruiter_drills_down_to_the_stays_without_one(tenant_a, version):
    screen = milestone_of(version, "SCREEN")
    nobodys, ritas = (factories.make_application(tenant=tenant_a) for _ in range(2))
    _stay(tenant_a, nobodys, screen, recruiter_id=None)
    _stay(tenant_a, ritas, screen, recruiter_id=7)

    with tenant_context(tenant_a):
        rows = {
            r["recruiter"]["id"]: r for r in recruiter_performance(filters=ReportFilters()).rows
        }
        by_recruiter = {
            r["group"]["id"]: r
            for r in time_in_milestone(filters=ReportFilters(), by="recruiter").rows
        }
        listed = drilled(rows[None]["applications"])
        listed_by_milestone = drilled(by_recruiter[None]["applications"])
        ritas_listed = drilled(rows["7"]["applications"])
    # Before, "no recruiter" drilled down without the filter: everyone.
    assert rows[None]["recruiter"]["name"] == "No recruiter"
    assert rows[None]["applications"]["recruiter_id"] == "none"
    assert listed == listed_by_milestone == {nobodys.pk}
    assert ritas_listed == {ritas.pk}


def test_none_among_ids_selects_the_rows_without_a_value_too(tenant_a, version):
    screen = milestone_of(version, "SCREEN")
    nobodys, ritas, others = (factories.make_application(tenant=tenant_a) for _ in range(3))
    _stay(tenant_a, nobodys, screen, recruiter_id=None)
    _stay(tenant_a, ritas, screen, recruiter_id=7)
    _stay(tenant_a, others, screen, recruiter_id=8)

    with tenant_context(tenant_a):
        assert drilled({"recruiter_id": "none,7"}) == {nobodys.pk, ritas.pk}
        assert drilled({"recruiter_id": "None"}) == {nobodys.pk}


def test_time_to_fill_drills_by_the_requisitions_facts_as_its_number_counts_them(tenant_a, version):
    # The requisition moved to Support after its hire: the hire's stay says Engineering.
    engineering, support = (factories.make_department(tenant=tenant_a) for _ in range(2))
    march = datetime(2025, 3, 10, 9, tzinfo=UTC)
    requisition, hired = _hire(tenant_a, version, opened_at=march, hired_at=march + timedelta(40))
    with all_tenants_context():
        MilestoneStay.all_tenants.filter(application_id=hired.pk).update(
            department_id=engineering.pk
        )
        type(requisition).all_tenants.filter(pk=requisition.pk).update(department=support)

    with tenant_context(tenant_a):
        [row] = time_to_fill(filters=ReportFilters(department_id=(support.pk,)), by=None).rows
        listed = drilled(row["applications"])
    # Before, the number counted the hire (Support now) and its drill-down listed nobody.
    assert (row["requisitions"], row["hires"]) == (1, 1)
    assert listed == {hired.pk}


def test_time_to_fill_counts_no_hire_its_drill_down_hides_from_its_reader(tenant_a):
    secret = make_version(tenant=tenant_a, milestones={"OFFER": {"is_sensitive": True}})
    march = datetime(2025, 3, 10, 9, tzinfo=UTC)
    _hire(tenant_a, secret, opened_at=march, hired_at=march + timedelta(40))
    no_sensitive = {"scope": None, "visibility": None, "sensitive": False}

    with tenant_context(tenant_a):
        [row] = time_to_fill(filters=ReportFilters(**no_sensitive), by=None).rows
        filters, _ = report_filters_from_query(
            row["applications"], viewer=no_sensitive, serializer=TimedReportQuerySerializer
        )
        listed = set(report_applications(filters=filters).values_list("pk", flat=True))
        [seen_by_all] = time_to_fill(filters=ReportFilters(sensitive=True), by=None).rows
    # Before, a hiring manager's number counted a hire its drill-down would not list.
    assert row["hires"] == len(listed) == 0
    assert (row["requisitions"], row["filled"]) == (1, 0)
    assert (seen_by_all["hires"], seen_by_all["filled"]) == (1, 1)
