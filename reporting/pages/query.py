"""The query string of a report page, checked with the reports' one parser: a bad
parameter answers a styled 400 page naming it, never a 500."""

from __future__ import annotations

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from reporting.reports import ReportFilters, TimeBasis
from reporting.reports.filters import viewer_access
from reporting.reports.params import report_filters_from_query

# The dashboard's period choices: the stays entered in the last N days (None: all time).
PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}
PERIOD_NAMES = {
    "30": "Last 30 days",
    "90": "Last 90 days",
    "365": "Last 12 months",
    "all": "All time",
}
DEFAULT_PERIOD = "90"
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
        options["period"] = params.get("period") or default
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
    days = PERIODS.get(options["period"]) if with_period else None
    if days is not None and filters.since is None:
        filters = filters.narrowed(since=timezone.now() - timedelta(days=days))
    return filters, options


def bad_query_page(view, request, exc: BadQuery):
    return render(
        request,
        "reporting/bad_query.html",
        view.page_context(fields=sorted(exc.fields.items())),
        status=400,
    )
