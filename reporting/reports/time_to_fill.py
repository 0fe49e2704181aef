"""Time to fill: from a requisition's opening to the hire that filled its last opening
(calendar time), per requisition and per group. A hire is a stay that ended `hired`."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.db import connection
from django.db.models import Q

from milestones.models import MilestoneDefinition
from recruiting.models import Requisition
from reporting.models import MilestoneStay
from reporting.reports.filters import Facts, ReportFilters, ids_q, requisition_opened_q
from reporting.reports.labels import DIMENSIONS, dimension_labels, group_order, labelled
from reporting.reports.result import Report

# The report's filters on a requisition (its facts as they are now; its drill-downs say
# `facts=requisition` to test the same).
_REQUISITION_FILTERS = {
    "department_id": "department_id",
    "recruiter_id": "recruiter_id",
    "job_family_id": "job_family_id",
    "requisition_type_id": "requisition_type_id",
    "framework_version_id": "framework_version_id",
    "requisition_id": "id",
}
MAX_REQUISITIONS = 1000

_FILL_SQL = f"""
SELECT r.id, r.title, r.openings, coalesce(r.opened_at, r.created_at) AS opened_at,
       r.department_id, r.recruiter_id, r.job_family_id, r.requisition_type_id,
       r.framework_version_id, h.hires, f.filled_at,
       extract(epoch FROM f.filled_at - coalesce(r.opened_at, r.created_at)) AS seconds
FROM ({{requisitions}}) AS r
LEFT JOIN LATERAL (
    SELECT count(*) AS hires FROM {MilestoneStay._meta.db_table} s
    WHERE s.tenant_id = r.tenant_id AND s.requisition_id = r.id AND s.ended = 'hired'
      AND NOT s.reverted {{hidden}}) AS h ON true
LEFT JOIN LATERAL (
    SELECT s.left_at AS filled_at FROM {MilestoneStay._meta.db_table} s
    WHERE s.tenant_id = r.tenant_id AND s.requisition_id = r.id AND s.ended = 'hired'
      AND NOT s.reverted {{hidden}}
    ORDER BY s.left_at OFFSET greatest(r.openings, 1) - 1 LIMIT 1) AS f ON true
"""  # noqa: S608 -- table names are the models', the inner query is the ORM's, values params

# For a person who may not see sensitive milestones: the hires made in one are not
# counted (their drill-down could not list them), neither as hires nor as the fill.
_HIDDEN_SQL = f"""AND NOT EXISTS (
        SELECT 1 FROM {MilestoneDefinition._meta.db_table} m
        WHERE m.id = s.milestone_id AND m.is_sensitive)"""  # noqa: S608 -- the model's table name

_GROUP_SQL = """
SELECT {key} AS key, count(*) AS requisitions, count(filled_at) AS filled,
       sum(hires) AS hires,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90, avg(seconds) AS mean
FROM ({fills}) AS fills GROUP BY 1
"""


def _requisitions(filters: ReportFilters):
    q = Q()
    for name, path in _REQUISITION_FILTERS.items():
        values = getattr(filters, name)
        if values:
            q &= ids_q(path, values)
    if filters.scope is not None:
        q &= Q(department_id__in=filters.scope)
    rows = Requisition.objects.filter(q)
    if filters.visibility is not None:
        rows = rows.filter(filters.visibility)
    # The period is when a requisition opened (from the API, or a drill-down's bounds).
    rows = rows.filter(requisition_opened_q(filters.since, filters.until))
    return rows.filter(requisition_opened_q(filters.opened_since, filters.opened_until))


def _hires_drill(filters: ReportFilters, *, since=None, until=None, **narrow) -> dict:
    """The drill-down of a number of time to fill: the hires of the requisitions it
    counted, the ones opened in the period (and in [since, until)), whenever they were
    hired; never a period over the hires' own stays, which would lose a late hire."""
    lower = [d for d in (filters.since, filters.opened_since, since) if d is not None]
    upper = [d for d in (filters.until, filters.opened_until, until) if d is not None]
    opened = replace(
        filters,
        since=None,
        until=None,
        opened_since=max(lower) if lower else None,
        opened_until=min(upper) if upper else None,
        # The requisitions' facts as they are, as the number selected them.
        facts=Facts.REQUISITION,
    )
    return opened.narrowed_params(ended="hired", **narrow)


def time_to_fill(*, filters: ReportFilters, by: str | None = "requisition") -> Report:
    """`by="requisition"` (default): one row per requisition opened in the period (the
    latest MAX_REQUISITIONS): `opened_at`, `openings`, `hires`, `filled_at` (the hire of
    its last opening, or None), `seconds` to fill. Any other `by` (department, recruiter,
    job_family, requisition_type, framework_version; `None` for all): per group
    `requisitions`, `filled`, `hires` (of those requisitions), `median_seconds`,
    `p90_seconds`, `mean_seconds` of the filled ones. Each row's `applications` lists the
    hires of its requisitions (`_hires_drill`). Calendar time. Two queries."""
    inner, params = (
        _requisitions(filters)
        .order_by("-created_at")
        .values(
            "id",
            "tenant_id",
            "title",
            "openings",
            "opened_at",
            "created_at",
            "department_id",
            "recruiter_id",
            "job_family_id",
            "requisition_type_id",
            "framework_version_id",
        )
        .query.sql_with_params()
    )
    fills = _FILL_SQL.format(requisitions=inner, hidden="" if filters.sensitive else _HIDDEN_SQL)
    if by == "requisition":
        sql = f"{fills} ORDER BY opened_at DESC, r.id LIMIT {MAX_REQUISITIONS}"
    else:
        key = {None: "NULL::text", "month": "date_trunc('month', opened_at)"}.get(by)
        key = key or DIMENSIONS[by]
        sql = _GROUP_SQL.format(key=key, fills=fills)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    if by == "requisition":
        rows = [
            {
                "requisition": {"id": str(row["id"]), "name": row["title"]},
                "opened_at": row["opened_at"],
                "openings": row["openings"],
                "hires": row["hires"],
                "filled_at": row["filled_at"],
                "seconds": row["seconds"],
                "applications": _hires_drill(filters, requisition_id=row["id"]),
            }
            for row in found
        ]
        return Report(name="time_to_fill", time_basis="calendar", filters=filters, rows=rows)
    names = dimension_labels(by, (row["key"] for row in found))
    rows = []
    for row in found:
        if by == "month":
            after = (row["key"] + timedelta(days=32)).replace(day=1)
            drill = _hires_drill(filters, since=row["key"], until=after)
        elif by is None:
            drill = _hires_drill(filters)
        else:
            drill = _hires_drill(filters, **{DIMENSIONS[by]: row["key"]})
        rows.append(
            {
                "group": labelled(row["key"], names) if by else None,
                "requisitions": row["requisitions"],
                "filled": row["filled"],
                "hires": int(row["hires"] or 0),
                "median_seconds": row["median"],
                "p90_seconds": row["p90"],
                "mean_seconds": row["mean"],
                "applications": drill,
            }
        )
    rows.sort(key=lambda r: group_order(r, by))
    return Report(name="time_to_fill", time_basis="calendar", filters=filters, rows=rows)
