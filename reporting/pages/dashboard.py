"""The reports dashboard (charts with a table each, a GET form of filters), the
drill-down list of the applications behind any number, and the list of stuck candidates
(SLA exceptions) behind the homes' counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from milestones.core.wording import duration_words
from reporting import page_selectors
from reporting.pages.charts import Datum, bar_chart, funnel_chart, line_chart
from reporting.pages.describe import drill_words
from reporting.pages.query import PERIOD_NAMES, BadQuery, bad_query_page, page_filters
from reporting.reports import (
    ReportFilters,
    TimeBasis,
    funnel,
    report_applications,
    sla_exceptions,
    time_in_milestone,
    time_to_fill,
)
from tenants.selectors import department_scope_ids
from tenants.views import TenantPageMixin

PAGE_SIZE = 50
BASIS_WORDS = {
    TimeBasis.BUSINESS: "business time (inside the tenant's working hours)",
    TimeBasis.CALENDAR: "calendar time (the wall clock, nights and weekends included)",
}
FILTER_LABELS = {
    "department_id": "Department",
    "recruiter_id": "Recruiter",
    "job_family_id": "Job family",
    "requisition_type_id": "Requisition type",
    "framework_version_id": "Workflow version",
}


def drill_url(params: dict, name: str = "reporting:report-applications") -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def _words(seconds) -> str:
    return duration_words(timedelta(seconds=seconds)) if seconds is not None else "—"


def _days(seconds) -> float | None:
    return round(seconds / 86400, 1) if seconds is not None else None


def time_in_milestone_section(filters: ReportFilters, basis: str) -> dict:
    report = time_in_milestone(filters=filters, basis=basis)
    rows = []
    for row in report.rows:
        finished = drill_url(row["applications"])
        rows.append(
            {
                **row,
                "median_words": _words(row["median_seconds"]),
                "p90_words": _words(row["p90_seconds"]),
                "open_age_words": _words(row["open_median_age_seconds"]),
                "href": finished,
                "open_href": drill_url(row["open_applications"]),
            }
        )
    chart = bar_chart(
        "Median time in each milestone",
        [
            Datum(r["milestone"]["name"], r["median_seconds"], r["median_words"], r["href"])
            for r in rows
        ],
    )
    return {
        "rows": rows,
        "chart": chart,
        "basis": BASIS_WORDS[report.time_basis],
        "basis_name": f"{report.time_basis} time",
    }


def funnel_section(filters: ReportFilters) -> dict:
    report = funnel(filters=filters, by=None)
    rows = [
        {
            **row,
            "href": drill_url(row["applications"]),
            "passed_href": drill_url(row["passed_applications"]),
            "dropped_href": drill_url(row["dropped_applications"]),
            "regressed_href": drill_url(row["regressed_applications"]),
            "conversion_text": _percent(row["conversion"]),
        }
        for row in report.rows
    ]
    chart = funnel_chart(
        "Candidacies through the milestones",
        [
            Datum(r["milestone"]["name"], r["entered"], f"{r['entered']} entered", r["href"])
            for r in rows
        ],
        [
            Datum(r["milestone"]["name"], r["passed"], f"{r['passed']} passed", r["passed_href"])
            for r in rows
        ],
    )
    return {"rows": rows, "chart": chart}


def _percent(value) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _months(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included (first days of months)."""
    months = [first]
    while months[-1] < last:
        months.append((months[-1] + timedelta(days=32)).replace(day=1))
    return months


def time_to_fill_section(filters: ReportFilters) -> dict:
    """Months in the order they came, oldest first, with the months between them in which
    no requisition opened (so the line's spacing is time): the chart and the table list
    the same months."""
    report = time_to_fill(filters=filters, by="month")
    found = {
        datetime.fromisoformat(row["group"]["id"]).date(): row
        for row in report.rows
        if row["group"] and row["group"]["id"]
    }
    rows = []
    for month in _months(min(found), max(found)) if found else []:
        row = found.get(month)
        if row is None:
            rows.append(
                {
                    "month": f"{month:%B %Y}",
                    "short": f"{month:%b %Y}",
                    "requisitions": 0,
                    "filled": 0,
                    "hires": 0,
                    "median_seconds": None,
                    "median_words": "—",
                    "p90_words": "—",
                    "href": "",
                }
            )
            continue
        rows.append(
            {
                **row,
                "month": f"{month:%B %Y}",
                "short": f"{month:%b %Y}",
                "median_words": _words(row["median_seconds"]),
                "p90_words": _words(row["p90_seconds"]),
                "href": drill_url(row["applications"]),
            }
        )
    chart = line_chart(
        "Median time to fill, by month opened",
        [Datum(r["short"], _days(r["median_seconds"]), r["median_words"], r["href"]) for r in rows],
        unit_text="days",
    )
    return {"rows": rows, "chart": chart}


def _day(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def period_text(filters: ReportFilters, options: dict) -> str:
    """The period the numbers cover, in words, saying when it is the default."""
    name = PERIOD_NAMES.get(options["period"], "")
    if filters.since is None and filters.until is None:
        span = "all the history there is"
    elif filters.until is None:
        span = f"since {_day(filters.since)}, today included"
    elif filters.since is None:
        span = f"before {_day(filters.until)}"
    else:
        span = f"from {_day(filters.since)} to before {_day(filters.until)}"
    if "since" in options["asked"] or "until" in options["asked"]:
        name = "The dates in the address"
    default = " (the default)" if options.get("period_is_default") else ""
    return (
        f"{name}{default}: {span}. Stays entered and requisitions opened in this period "
        "are counted."
    )


class DashboardView(TenantPageMixin, View):
    """Time in milestone (bars), the funnel, time to fill by month (a line), each with
    the table of its numbers; every number links to the applications behind it."""

    def get(self, request):
        try:
            filters, options = page_filters(request, with_period=True)
        except BadQuery as exc:
            return bad_query_page(self, request, exc)
        scope = department_scope_ids(getattr(request, "membership", None))
        choices = page_selectors.report_filter_choices(scope=scope)
        selected = {name: request.GET.get(name, "") for name in FILTER_LABELS}
        return render(
            request,
            "reporting/dashboard.html",
            self.page_context(
                filter_selects=[
                    {
                        "name": n,
                        "label": FILTER_LABELS[n],
                        "choices": choices[n],
                        "value": selected[n],
                    }
                    for n in FILTER_LABELS
                ],
                periods=list(PERIOD_NAMES.items()),
                period=options["period"],
                period_text=period_text(filters, {**options, "asked": request.GET}),
                basis=options["basis"],
                bases=[
                    (TimeBasis.BUSINESS, "Business time"),
                    (TimeBasis.CALENDAR, "Calendar time"),
                ],
                stays=time_in_milestone_section(filters, options["basis"]),
                funnel=funnel_section(filters),
                fill=time_to_fill_section(filters),
            ),
        )


class ReportApplicationsView(TenantPageMixin, View):
    """The applications behind a report's number: the drill-down filters, paged."""

    def get(self, request):
        try:
            filters, _ = page_filters(request)
        except BadQuery as exc:
            return bad_query_page(self, request, exc)
        page_obj = Paginator(report_applications(filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "reporting/report_applications.html",
            self.page_context(
                page_obj=page_obj,
                dashboard_url=_dashboard_url(filters),
                number=drill_words(filters),
            ),
        )


class StuckListView(TenantPageMixin, View):
    """Stuck candidates: active milestones past due, overdue or escalated, longest
    waiting first, paged."""

    def get(self, request):
        try:
            filters, _ = page_filters(request)
        except BadQuery as exc:
            return bad_query_page(self, request, exc)
        page_obj = Paginator(sla_exceptions(filters=filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "reporting/stuck_list.html", self.page_context(page_obj=page_obj))


def _dashboard_url(filters: ReportFilters) -> str:
    """The dashboard with the drill-down's filters and period (time to fill's: when its
    requisitions opened)."""
    params = {n: v for n, v in filters.as_params().items() if n in FILTER_LABELS}
    since = filters.since or filters.opened_since
    until = filters.until or filters.opened_until
    params.update({n: v.isoformat() for n, v in (("since", since), ("until", until)) if v})
    return drill_url(params, "reporting:dashboard")
