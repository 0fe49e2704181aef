"""The query string of a report page, checked with the reports' one parser: a bad
parameter answers a styled 400 page naming it, never a 500."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.shortcuts import render
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from reporting.reports import ReportFilters, TimeBasis
from reporting.reports.filters import viewer_access
from reporting.reports.params import report_filters_from_query

# The dashboard's period choices: the last N days, or N whole months before this one and
# this month so far (a chart by month then starts on a month's first day, not halfway
# through it); None: all time.
PERIODS = {
    "30": timedelta(days=30),
    "90": timedelta(days=90),
    "6m": 6,
    "12m": 12,
    "all": None,
}
PERIOD_NAMES = {
    "30": "Last 30 days",
    "90": "Last 90 days",
    "6m": "Last 6 months",
    "12m": "Last 12 months",
    "all": "All time",
}
# Six months: time to fill takes weeks (a requisition opened in the last 90 days has
# rarely been filled yet), so a shorter default shows a line of a month or two and the
# demo's half year of history half empty (docs/reporting.md).
DEFAULT_PERIOD = "6m"
# Old addresses keep working ("Last 12 months" was 365 days).
PERIOD_ALIASES = {"365": "12m"}
PAGE_PARAMS = ("page", "period", "basis")


class BadQuery(Exception):
    """A query parameter the page cannot use: {param: [messages]}."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(fields)
        self.fields = fields


def _messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            name: [str(m) for m in (value if isinstance(value, list) else [value])]
            for name, value in detail.items()
        }
    return {"query": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def page_filters(request, *, with_period: bool = False) -> tuple[ReportFilters, dict]:
    """The filters of a report page's query string for the person (their departments,
    requisitions and sensitive milestones: `viewer_access`), and the page's own options
    (`period`, `basis`). Raises BadQuery."""
    # A select left at "Any" sends an empty value: no filter, not a bad one.
    params = {name: value for name, value in request.GET.items() if value != ""}
    errors: dict[str, list[str]] = {}
    options = {"period": None, "basis": params.get("basis") or TimeBasis.BUSINESS}
    if options["basis"] not in TimeBasis.CHOICES:
        errors["basis"] = [f"Choose one of {', '.join(TimeBasis.CHOICES)}."]
    if with_period:
        default = DEFAULT_PERIOD if "since" not in params else "all"
        period = params.get("period") or default
        options["period"] = PERIOD_ALIASES.get(period, period)
        options["period_is_default"] = "period" not in params and "since" not in params
        if options["period"] not in PERIODS:
            errors["period"] = [f"Choose one of {', '.join(PERIODS)}."]
    page = params.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        errors["page"] = ["A page number (1, 2, ...)."]
    try:
        membership = getattr(request, "membership", None)
        filters, _ = report_filters_from_query(
            params,
            viewer=viewer_access(membership),
            ignore=PAGE_PARAMS,
        )
    except ValidationError as exc:
        errors.update(_messages(exc.detail))
    if errors:
        raise BadQuery(errors)
    if with_period and filters.since is None:
        since = period_start(options["period"], timezone.now())
        if since is not None:
            filters = filters.narrowed(since=since)
    return filters, options


def period_start(period: str, now: datetime) -> datetime | None:
    """When a period of PERIODS begins, `now` being its end: N days before, or the first
    day of the month N months before this one (midnight, the site's time zone)."""
    length = PERIODS[period]
    if length is None:
        return None
    if isinstance(length, timedelta):
        return now - length
    first = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    month = first.month - length
    return first.replace(year=first.year + (month - 1) // 12, month=(month - 1) % 12 + 1)


def bad_query_page(view, request, exc: BadQuery):
    return render(
        request,
        "reporting/bad_query.html",
        view.page_context(fields=sorted(exc.fields.items())),
        status=400,
    )
