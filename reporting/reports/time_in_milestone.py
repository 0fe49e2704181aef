"""Time in milestone: median, p90, mean and count of finished stays per milestone, by a
dimension; open stays (still waiting) counted apart with their median age so far."""

from __future__ import annotations

from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField
from django.db.models.functions import Extract, Now

from reporting.reports.filters import ReportFilters, StayState, TimeBasis, stays_for
from reporting.reports.labels import (
    dimension_expression,
    dimension_key,
    dimension_labels,
    group_drill,
    group_order,
    labelled,
    milestone_labels,
)
from reporting.reports.result import Percentiles, Report, split_percentiles


def time_in_milestone(
    *, filters: ReportFilters, by: str | None = None, basis: str = TimeBasis.BUSINESS
) -> Report:
    """Per milestone (and per value of `by`: department, recruiter, job_family,
    requisition_type, framework_version, requisition, month): `count`, `median_seconds`,
    `p90_seconds`, `mean_seconds` of the stays that ended (in `basis` time), and
    `open_count` / `open_median_age_seconds` (calendar) of those still open; drill-downs
    `applications` (the finished stays) and `open_applications` (the waiting ones). Ordered by
    the workflow's order, then the group's name. Four queries whatever the data."""
    column = TimeBasis.COLUMN[basis]
    key = dimension_key(by)
    group = ["milestone_id", *([key] if key else [])]
    stays = stays_for(filters).annotate(**dimension_expression(by))
    finished = (
        stays.filter(left_at__isnull=False)
        .values(*group)
        .annotate(
            count=Count("*"),
            percentiles=Percentiles(column, (0.5, 0.9)),
            mean=Avg(column),
        )
        .order_by()
    )
    age = ExpressionWrapper(Extract(Now() - F("entered_at"), "epoch"), output_field=FloatField())
    waiting = (
        stays.filter(left_at=None)
        .values(*group)
        .annotate(open_count=Count("*"), percentiles=Percentiles(age, (0.5,)))
        .order_by()
    )
    cells: dict[tuple, dict] = {}
    for row in finished:
        split_percentiles(row, ("median", "p90"))
        cells[tuple(row[g] for g in group)] = {**row, "open_count": 0, "open_median": None}
    for row in waiting:
        split_percentiles(row, ("open_median",))
        cell = cells.setdefault(
            tuple(row[g] for g in group),
            {**{g: row[g] for g in group}, "count": 0, "median": None, "p90": None, "mean": None},
        )
        cell.update(open_count=row["open_count"], open_median=row["open_median"])
    milestones = milestone_labels(m for m, *_ in cells)
    groups = dimension_labels(by, (rest[0] for _, *rest in cells if rest))
    rows = []
    base = filters.as_params()
    for values, cell in cells.items():
        milestone_id = values[0]
        name, order = milestones.get(milestone_id, ("(deleted milestone)", 10**6))
        drill = {"milestone_id": milestone_id}
        if key:
            drill.update(group_drill(filters, by, values[1]))
        rows.append(
            {
                "milestone": {"id": str(milestone_id), "name": name, "order": order},
                "group": labelled(values[1], groups) if key else None,
                "count": cell["count"],
                "median_seconds": cell["median"],
                "p90_seconds": cell["p90"],
                "mean_seconds": cell["mean"],
                "open_count": cell["open_count"],
                "open_median_age_seconds": cell["open_median"],
                # The finished stays counted, and apart the ones still waiting there.
                "applications": filters.narrowed_params(base, stay=StayState.FINISHED, **drill),
                "open_applications": filters.narrowed_params(base, stay=StayState.OPEN, **drill),
            }
        )
    rows.sort(key=lambda r: (r["milestone"]["order"], r["milestone"]["name"], group_order(r, by)))
    return Report(name="time_in_milestone", time_basis=basis, filters=filters, rows=rows)
