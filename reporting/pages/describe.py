"""The number a drill-down explains, in words, from its filters alone: which report, which
row and column ("Finished stays in Assessment, Engineering"), the period and the other
filters ("entered since 1 June 2026", "no recruiter"), so the page says what it lists.
One query per kind of id named."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from reporting.reports.filters import FELL_OUT, PASSED, Candidacy, Facts, MovedBy, StayState
from reporting.reports.labels import NONE_NAMES, dimension_labels, milestone_labels

# The id filters a row narrows to, the dimension naming their values, and how the value
# reads in a list of filters ("recruiter Rita Moreno"; a department by its name alone).
_NAMED = (
    ("department_id", "department", ""),
    ("requisition_id", "requisition", "requisition "),
    ("recruiter_id", "recruiter", "recruiter "),
    ("job_family_id", "job_family", "job family "),
    ("requisition_type_id", "requisition_type", "type "),
    ("framework_version_id", "framework_version", "workflow "),
)


def _day(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def _span(verb: str, since: datetime | None, until: datetime | None) -> str | None:
    if since is None and until is None:
        return None
    if until is None:
        return f"{verb} since {_day(since)}"
    if since is None:
        return f"{verb} before {_day(until)}"
    start = timezone.localtime(since)
    if start == start.replace(day=1, hour=0, minute=0, second=0, microsecond=0):
        after = (start + timedelta(days=32)).replace(day=1)
        if timezone.localtime(until) == after:  # one whole month: "opened in March 2025"
            return f"{verb} in {start:%B %Y}"
    return f"{verb} from {_day(since)} to before {_day(until)}"


def _milestones(filters) -> str:
    names = milestone_labels(filters.milestone_id)
    return " or ".join(
        names[m][0] if m in names else "a deleted milestone" for m in filters.milestone_id
    )


# How a drill-down's endings read: (with a milestone, without one).
_ENDINGS = {
    frozenset(PASSED): ("Passed {m}", "Stays passed"),
    frozenset(FELL_OUT): ("Dropped out at {m}", "Stays where the candidacy fell out"),
    frozenset({"regressed"}): ("Sent back from {m}", "Stays sent back"),
}


def _report(filters) -> str:
    if filters.facts == Facts.REQUISITION:
        return "Time to fill"
    if filters.moved_by:
        return "Automation impact"
    if not filters.milestone_id and filters.recruiter_id:
        return "Recruiter performance"
    if filters.candidacy == Candidacy.FINISHED and filters.milestone_id:
        return "Funnel"
    if filters.stay != StayState.ALL:
        return "Time in milestone"
    return "Reports"


def _what(filters) -> tuple[str, str]:
    """(the report, the number's column and row) of a drill-down's filters."""
    report = _report(filters)
    where = _milestones(filters) if filters.milestone_id else ""
    ended = frozenset(filters.ended)
    if report == "Time to fill":
        return report, "Hires of the requisitions"
    if report == "Automation impact":
        how = "by rules" if filters.moved_by == MovedBy.RULES else "by hand"
        return report, f"Candidacies moved {how}"
    if ended in _ENDINGS:
        with_milestone, without = _ENDINGS[ended]
        return report, with_milestone.format(m=where) if where else without
    if ended:
        return report, f"Stays that ended {', '.join(sorted(ended))}" + (
            f" in {where}" if where else ""
        )
    if filters.stay == StayState.OPEN:
        return report, f"Waiting in {where} now" if where else "Stays still open"
    if filters.stay == StayState.FINISHED:
        return report, f"Finished stays in {where}" if where else "Finished stays"
    if report == "Funnel":
        return report, f"Entered {where}"
    return report, f"Stays in {where}" if where else "Applications"


# The dashboard's section of a report it shows (the others are the API's alone).
DASHBOARD_SECTIONS = {
    "Time in milestone": "stays-heading",
    "Funnel": "funnel-heading",
    "Time to fill": "fill-heading",
}


def drill_words(filters) -> dict:
    """`report` (its name), `section` (its place on the dashboard, if it is there), `what`
    (the row and column), `facts` (the other filters and the period, each in words)."""
    report, what = _what(filters)
    facts = []
    for name, dimension, prefix in _NAMED:
        values = getattr(filters, name)
        if not values:
            continue
        labels = dimension_labels(dimension, values)
        words = [
            NONE_NAMES[dimension].lower() if v is None else f"{prefix}{labels.get(v, '(deleted)')}"
            for v in values
        ]
        facts.append(" or ".join(words))
    for verb, since, until in (
        ("opened", filters.opened_since, filters.opened_until),
        ("entered", filters.since, filters.until),
    ):
        span = _span(verb, since, until)
        if span:
            facts.append(span)
    if filters.candidacy == Candidacy.FINISHED:
        facts.append("finished candidacies")
    elif filters.candidacy == Candidacy.OPEN:
        facts.append("open candidacies")
    return {
        "report": report,
        "section": DASHBOARD_SECTIONS.get(report),
        "what": what,
        "facts": facts,
    }
