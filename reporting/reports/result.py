"""What a report returns: its rows, the time it counts, the filters it ran with."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db.models import Aggregate, FloatField

from reporting.reports.filters import ReportFilters


class Percentiles(Aggregate):
    """Several `percentile_cont` of one expression per group, as a list in the order of
    `fractions` (exact, and the same numbers as `percentile_cont(f) WITHIN GROUP (ORDER BY
    expression)`; None where the group has no value).

    Written as `(SELECT percentile_cont(ARRAY[...]) WITHIN GROUP (ORDER BY v) FROM
    unnest(array_agg(expression)))`: the group's values are gathered by an aggregate
    Postgres can hash, then each group's few are sorted once for every fraction. The
    ordered-set aggregate itself made Postgres sort every row of the report by the group
    keys first, then each group again by value (at 1,000,000 applications a 30-day report
    spent 200 ms of its 400 in that sort, spilled to disk; docs/benchmarks.md, 2026-12-04).
    """

    function = "array_agg"
    template = (
        "(SELECT percentile_cont(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY p.v) "
        "FROM unnest(%(function)s(%(expressions)s)) AS p(v))"
    )
    output_field = ArrayField(FloatField())

    def __init__(self, expression, fractions: tuple[float, ...], **extra):
        if not fractions or not all(0 <= f <= 1 for f in fractions):
            raise ValueError("a percentile is a fraction between 0 and 1")
        super().__init__(
            expression, fractions=", ".join(repr(float(f)) for f in fractions), **extra
        )


def split_percentiles(row: dict, names: tuple[str, ...], key: str = "percentiles") -> None:
    """Set the list under `key` in `row` (a `Percentiles`) as one value per name."""
    values = row.pop(key) or [None] * len(names)
    row.update(zip(names, values, strict=True))


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
