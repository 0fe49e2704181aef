"""Recruiters: how many of their candidates' stays passed a milestone, beside how many
were sent back (regressions) or fell out, and how long the stays took, so advancing
candidates early does not look like performance."""

from __future__ import annotations

from django.db.models import Count, Q

from reporting.reports.filters import (
    FELL_OUT,
    PASSED,
    ReportFilters,
    StayState,
    TimeBasis,
    stays_for,
)
from reporting.reports.labels import dimension_labels, labelled
from reporting.reports.result import Percentiles, Report, ratio, split_percentiles


def recruiter_performance(*, filters: ReportFilters, basis: str = TimeBasis.BUSINESS) -> Report:
    """Per recruiter (the requisition's, as it was), over the finished stays: `stays`,
    `completion_rate` (passed / stays), `regression_rate` (sent back / stays),
    `fall_out_rate` (rejected, withdrawn, failed / stays), `median_seconds` and
    `p90_seconds` in milestone (`basis` time), each with its drill-down. Two queries."""
    column = TimeBasis.COLUMN[basis]
    counted = list(
        stays_for(filters)
        .filter(left_at__isnull=False)
        .values("recruiter_id")
        .annotate(
            stays=Count("*"),
            passed=Count("ended", filter=Q(ended__in=PASSED)),
            regressed=Count("ended", filter=Q(ended="regressed")),
            fell_out=Count("ended", filter=Q(ended__in=FELL_OUT)),
            percentiles=Percentiles(column, (0.5, 0.9)),
        )
        .order_by()
    )
    for row in counted:
        split_percentiles(row, ("median", "p90"))
    names = dimension_labels("recruiter", (row["recruiter_id"] for row in counted))
    rows = []
    for row in counted:
        # No recruiter narrows to the stays without one (recruiter_id=none), not to everyone.
        mine = filters.narrowed(recruiter_id=row["recruiter_id"])
        rows.append(
            {
                "recruiter": labelled(row["recruiter_id"], names),
                "stays": row["stays"],
                "passed": row["passed"],
                "regressed": row["regressed"],
                "fell_out": row["fell_out"],
                "completion_rate": ratio(row["passed"], row["stays"]),
                "regression_rate": ratio(row["regressed"], row["stays"]),
                "fall_out_rate": ratio(row["fell_out"], row["stays"]),
                "median_seconds": row["median"],
                "p90_seconds": row["p90"],
                # The finished stays counted, none still open.
                "applications": mine.narrowed_params(stay=StayState.FINISHED),
                "passed_applications": mine.narrowed_params(ended=PASSED),
                "regressed_applications": mine.narrowed_params(ended="regressed"),
                "fell_out_applications": mine.narrowed_params(ended=FELL_OUT),
            }
        )
    rows.sort(key=lambda r: str(r["recruiter"]["name"]) if r["recruiter"] else "")
    return Report(name="recruiter_performance", time_basis=basis, filters=filters, rows=rows)
