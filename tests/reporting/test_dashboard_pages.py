"""The reports dashboard, its drill-down and the stuck list, as a person reads them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.pages.query import period_start
from tenants.context import all_tenants_context
from tenants.models import MembershipDepartment, Role
from tests import factories
from tests.milestones.factories import make_version, milestone_of
from tests.reporting.factories import make_pipeline as pipeline
from tests.reporting.factories import make_stay
from tests.support import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rita(tenant_a):
    return factories.make_user(username="rita", first_name="Rita", last_name="Moreno")


@pytest.fixture
def recruiter_client(tenant_a, rita):
    factories.make_membership(tenant=tenant_a, user=rita, role=Role.RECRUITER)
    return signed_in(rita)


def test_the_dashboard_draws_each_report_as_svg_beside_its_table(tenant_a, rita, recruiter_client):
    pipeline(tenant_a, recruiter=rita, size=4)
    page = recruiter_client.get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    for chart in ("time-in-milestone", "funnel", "time-to-fill"):
        assert f'data-testid="chart-{chart}"' in html
    assert html.count("<svg") >= 3 and html.count("<caption>") >= 3
    assert 'scope="row">Applied</th>' in html
    assert "business time" in html and "calendar time" in html
    assert "8 hours" in html  # a day's stay in APPLIED, in business time, in words
    assert "Rita Moreno" in html  # the recruiter filter offers names


def test_every_number_links_to_the_applications_behind_it(tenant_a, rita, recruiter_client):
    requisition, applications = pipeline(tenant_a, recruiter=rita, size=4)
    html = recruiter_client.get(reverse("reporting:dashboard")).content.decode()
    drill = reverse("reporting:report-applications")
    links = re.findall(rf'href="({re.escape(drill)}\?[^"]+)"', html)
    assert links
    listed = recruiter_client.get(links[0].replace("&amp;", "&"))
    assert listed.status_code == 200
    names = {a.candidate.full_name for a in applications}
    assert any(name in listed.content.decode() for name in names)


def test_the_filters_narrow_the_numbers(tenant_a, rita, recruiter_client):
    requisition, _ = pipeline(tenant_a, recruiter=rita, size=2)
    other = factories.make_department(tenant=tenant_a)
    page = recruiter_client.get(reverse("reporting:dashboard"), {"department_id": other.pk})
    assert page.status_code == 200
    assert "No stays in the period for these filters." in page.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "forever"}, "period"),
        ({"department_id": "nope"}, "department_id"),
        ({"basis": "lunar"}, "basis"),
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        ({"page": "-1"}, "page"),
    ],
)
def test_a_bad_filter_answers_a_styled_400_naming_it(recruiter_client, params, field):
    for name in ("reporting:dashboard", "reporting:report-applications", "reporting:stuck"):
        if name == "reporting:dashboard" or field != "period":
            page = recruiter_client.get(reverse(name), params)
            assert page.status_code == 400, name
            assert f"<strong>{field}</strong>" in page.content.decode()


def test_the_stuck_list_shows_who_waits_where(tenant_a, rita, recruiter_client):
    pipeline(tenant_a, recruiter=rita, size=2)
    page = recruiter_client.get(reverse("reporting:stuck"))
    assert page.status_code == 200
    assert 'data-testid="stuck-table"' in page.content.decode()
    assert "Level 1" in page.content.decode()


def test_a_department_scoped_person_sees_only_their_departments(tenant_a, rita):
    requisition, _ = pipeline(tenant_a, recruiter=rita, size=2)
    other = factories.make_department(tenant=tenant_a)
    manager = factories.make_user(username="hm")
    membership = factories.make_membership(tenant=tenant_a, user=manager, role=Role.RECRUITER)
    with all_tenants_context():
        MembershipDepartment.all_tenants.create(
            tenant=tenant_a, membership=membership, department=other
        )
    html = signed_in(manager).get(reverse("reporting:stuck")).content.decode()
    assert "Nobody is stuck" in html
    assert "Nobody is stuck" not in signed_in(rita).get(reverse("reporting:stuck")).content.decode()


def test_another_tenants_ids_in_the_query_select_nothing(
    tenant_a, tenant_b, rita, recruiter_client
):
    requisition_b, _ = pipeline(tenant_b, size=2)
    page = recruiter_client.get(
        reverse("reporting:report-applications"), {"requisition_id": requisition_b.pk}
    )
    assert page.status_code == 200
    assert "No applications for these filters." in page.content.decode()


@pytest.mark.parametrize("name", ["reporting:dashboard", "reporting:report-applications"])
def test_the_report_pages_read_a_constant_number_of_queries(
    tenant_a, rita, recruiter_client, django_assert_max_num_queries, name
):
    pipeline(tenant_a, recruiter=rita, size=2)
    with django_assert_max_num_queries(40) as small:
        recruiter_client.get(reverse(name))
    pipeline(tenant_a, recruiter=rita, size=8, title="Designer")
    with django_assert_max_num_queries(len(small.captured_queries)):
        recruiter_client.get(reverse(name))


def test_a_select_left_at_any_is_no_filter(recruiter_client):
    page = recruiter_client.get(
        reverse("reporting:dashboard"), {"department_id": "", "recruiter_id": "", "period": "30"}
    )
    assert page.status_code == 200


def test_time_to_fill_lists_months_oldest_first_with_the_months_between(tenant_a, recruiter_client):
    # Before, the months came in alphabetical order ("April", "August", "July", ...).
    for month in (7, 3, 11, 4):
        factories.make_requisition(
            tenant=tenant_a, opened_at=datetime(2025, month, 10, 9, tzinfo=UTC)
        )
    html = recruiter_client.get(reverse("reporting:dashboard"), {"period": "all"}).content
    section = html.decode().split('data-testid="report-time-to-fill"')[1]
    months = re.findall(r'<th scope="row">(\w+ \d{4})</th>', section)
    assert months == [
        f"{name} 2025"
        for name in ("March", "April", "May", "June", "July", "August", "September")
        + ("October", "November")
    ]
    ticks = re.findall(r'class="chart__tick"[^>]*>([^<]+)<', section)
    assert ticks[0] == "Mar 2025" and ticks[-1] == "Nov 2025"


def _hired(tenant, *, opened_at, version, name):
    """A requisition opened at `opened_at`, filled 40 days later by `name`'s application."""
    requisition = factories.make_requisition(tenant=tenant, opened_at=opened_at)
    candidate = factories.make_candidate(tenant=tenant, first_name=name, last_name="Hired")
    application = factories.make_application(
        tenant=tenant, requisition=requisition, candidate=candidate
    )
    hired_at = opened_at + timedelta(days=40)
    make_stay(
        tenant=tenant,
        application_id=application.pk,
        requisition_id=requisition.pk,
        milestone_id=milestone_of(version, "OFFER").pk,
        entered_at=hired_at - timedelta(days=2),
        left_at=hired_at,
        ended="hired",
    )
    return application


def _fill_links(html: str) -> list[str]:
    section = html.split('data-testid="report-time-to-fill"')[1]
    drill = re.escape(reverse("reporting:report-applications"))
    return [link.replace("&amp;", "&") for link in re.findall(rf'href="({drill}\?[^"]+)"', section)]


def test_time_to_fill_links_each_month_to_its_own_hires(tenant_a, recruiter_client):
    # Before, every month's link listed the same applications: every hire of the period.
    version = make_version(tenant=tenant_a)
    _hired(tenant_a, opened_at=datetime(2025, 3, 10, tzinfo=UTC), version=version, name="March")
    _hired(tenant_a, opened_at=datetime(2025, 4, 10, tzinfo=UTC), version=version, name="April")
    html = recruiter_client.get(reverse("reporting:dashboard"), {"period": "all"}).content.decode()
    pages = [recruiter_client.get(link).content.decode() for link in _fill_links(html)]
    listed = [{n for n in ("March", "April") if f"{n} Hired" in page} for page in pages]
    # The chart's point of each month, then the table's hires of each month.
    assert listed == [{"March"}, {"April"}] * 2


def test_the_default_period_is_the_last_six_whole_months_and_says_so(tenant_a, recruiter_client):
    # Before, the default was 90 days: a requisition opened five months ago, filled since,
    # was not on the page, and nothing said which period the numbers covered.
    version = make_version(tenant=tenant_a)
    _hired(tenant_a, opened_at=timezone.now() - timedelta(days=150), version=version, name="Early")
    page = recruiter_client.get(reverse("reporting:dashboard"))
    html = page.content.decode()
    since = period_start("6m", timezone.now())
    assert 'value="6m" selected' in html
    assert f"Last 6 months (the default): since {since.day} {since:%B %Y}, today included." in html
    assert _fill_links(html), "the requisition opened five months ago is in time to fill"


@pytest.mark.parametrize(
    ("now", "period", "start"),
    [
        (datetime(2026, 12, 2, 18, tzinfo=UTC), "6m", datetime(2026, 6, 1, tzinfo=UTC)),
        (datetime(2026, 3, 31, 23, tzinfo=UTC), "6m", datetime(2025, 9, 1, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), "12m", datetime(2025, 1, 1, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), "30", datetime(2025, 12, 16, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), "all", None),
    ],
)
def test_a_period_of_months_starts_on_a_months_first_day(now, period, start):
    assert period_start(period, now) == start


def test_an_old_address_of_twelve_months_still_works(recruiter_client):
    html = recruiter_client.get(reverse("reporting:dashboard"), {"period": "365"}).content
    assert b'value="12m" selected' in html


def test_a_drill_down_page_says_which_number_it_explains_and_links_back(tenant_a):
    from reporting.reports import ReportFilters, time_in_milestone
    from tenants.context import tenant_context
    from tests.milestones.factories import make_version, milestone_of
    from tests.reporting.factories import make_stay
    from tests.support import signed_in

    version = make_version(tenant=tenant_a)
    department = factories.make_department(tenant=tenant_a, name="Engineering")
    application = factories.make_application(tenant=tenant_a)
    make_stay(
        tenant=tenant_a,
        application_id=application.pk,
        requisition_id=application.requisition_id,
        milestone_id=milestone_of(version, "SCREEN").pk,
        department_id=department.pk,
        recruiter_id=None,
    )
    user = factories.make_user(username="rita")
    factories.make_membership(tenant=tenant_a, user=user, role="recruiter")
    with tenant_context(tenant_a):
        [row] = time_in_milestone(filters=ReportFilters(), by="department").rows
    html = signed_in(user).get("/reports/applications/", row["applications"]).content.decode()
    assert "Applications behind the number" not in html
    assert "Finished stays in Screen, Engineering: 1 application<" in html
    assert "number of <strong>Time in milestone</strong>" in html
    back = f'href="/reports/?department_id={department.pk}#stays-heading"'
    assert f"{back}>← Back to Time in milestone in the reports" in html
    nobody = signed_in(user).get("/reports/applications/", {"recruiter_id": "none"})
    assert "Stays in any milestone" not in nobody.content.decode()
    assert "Applications, no recruiter: 1 application<" in nobody.content.decode()


def test_a_drill_down_of_time_to_fill_and_of_the_funnel_says_so_in_words(tenant_a):
    from reporting.pages.describe import drill_words
    from reporting.reports import ReportFilters, funnel, time_to_fill
    from tenants.context import tenant_context
    from tests.milestones.factories import make_version, milestone_of
    from tests.reporting.factories import make_stay

    version = make_version(tenant=tenant_a)
    requisition = factories.make_requisition(
        tenant=tenant_a, opened_at=datetime(2025, 3, 10, 9, tzinfo=UTC)
    )
    application = factories.make_application(tenant=tenant_a, requisition=requisition)
    make_stay(
        tenant=tenant_a,
        application_id=application.pk,
        requisition_id=requisition.pk,
        milestone_id=milestone_of(version, "SCREEN").pk,
        ended="rejected",
    )
    with tenant_context(tenant_a):
        [fill] = time_to_fill(filters=ReportFilters(), by="month").rows
        [row] = funnel(filters=ReportFilters(), by=None).rows
        from reporting.reports.filters import viewer_access
        from reporting.reports.params import report_filters_from_query

        def words(params):
            filters, _ = report_filters_from_query(params, viewer=viewer_access(None))
            return drill_words(filters)

        assert words(fill["applications"]) == {
            "report": "Time to fill",
            "section": "fill-heading",
            "what": "Hires of the requisitions",
            "facts": ["opened in March 2025"],
        }
        assert words(row["dropped_applications"]) == {
            "report": "Funnel",
            "section": "funnel-heading",
            "what": "Dropped out at Screen",
            "facts": ["finished candidacies"],
        }
