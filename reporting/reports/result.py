"""What a report returns: its rows, the time it counts, the filters it ran with."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Aggregate, FloatField

from reporting.reports.filters import ReportFilters


class Percentile(Aggregate):
    """`percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`, in Postgres."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile is a fraction between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


@dataclass(frozen=True, slots=True)
class Report:
    """`time_basis`: "business", "calendar", or None for a report of counts only. Every
    row's `applications` is the drill-down: the query parameters of `report_applications`
    (and `GET /api/v1/reports/applications`) that list the applications behind it."""

    name: str
    time_basis: str | None
    filters: ReportFilters
    rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "report": self.name,
            "time_basis": self.time_basis,
            "filters": self.filters.as_params(),
            "rows": self.rows,
        }


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
