"""Funnel: per milestone, of the finished candidacies that reached it, how many passed it
(advanced, skipped, bypassed, hired), fell out in it (rejected, withdrawn, failed) or were
sent back from it; per requisition or per group. Open candidacies are left out (they have
not yet passed nor fallen out), so they do not skew the funnel."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count, Q

from reporting.reports.filters import FELL_OUT, PASSED, Candidacy, ReportFilters, stays_for
from reporting.reports.labels import (
    dimension_expression,
    dimension_key,
    dimension_labels,
    group_drill,
    group_order,
    labelled,
    milestone_labels,
)
from reporting.reports.result import Report, ratio


def funnel(*, filters: ReportFilters, by: str | None = "requisition") -> Report:
    """Rows per milestone (and per value of `by`, default the requisition): `entered`
    (applications with a stay in it), `passed`, `dropped`, `regressed` (distinct
    applications), `conversion` (passed / entered) and `drop_off` (dropped / entered),
    each count with its drill-down. Finished candidacies only. Three queries."""
    filters = replace(filters, candidacy=Candidacy.FINISHED)
    key = dimension_key(by)
    group = ["milestone_id", *([key] if key else [])]
    counted = (
        stays_for(filters)
        .annotate(**dimension_expression(by))
        .values(*group)
        .annotate(
            entered=Count("application_id", distinct=True),
            passed=Count("application_id", distinct=True, filter=Q(ended__in=PASSED)),
            dropped=Count("application_id", distinct=True, filter=Q(ended__in=FELL_OUT)),
            regressed=Count("application_id", distinct=True, filter=Q(ended="regressed")),
        )
        .order_by()
    )
    counted = list(counted)
    milestones = milestone_labels(row["milestone_id"] for row in counted)
    groups = dimension_labels(by, (row[key] for row in counted) if key else ())
    rows = []
    for row in counted:
        name, order = milestones.get(row["milestone_id"], ("(deleted milestone)", 10**6))
        drill = {"milestone_id": row["milestone_id"]}
        if key:
            drill.update(group_drill(filters, by, row[key]))
        narrowed = filters.narrowed(**drill)
        rows.append(
            {
                "milestone": {"id": str(row["milestone_id"]), "name": name, "order": order},
                "group": labelled(row[key], groups) if key else None,
                "entered": row["entered"],
                "passed": row["passed"],
                "dropped": row["dropped"],
                "regressed": row["regressed"],
                "conversion": ratio(row["passed"], row["entered"]),
                "drop_off": ratio(row["dropped"], row["entered"]),
                "applications": narrowed.as_params(),
                "passed_applications": narrowed.narrowed_params(ended=PASSED),
                "dropped_applications": narrowed.narrowed_params(ended=FELL_OUT),
                "regressed_applications": narrowed.narrowed_params(ended="regressed"),
            }
        )
    rows.sort(key=lambda r: (group_order(r, by), r["milestone"]["order"]))
    return Report(name="funnel", time_basis=None, filters=filters, rows=rows)
