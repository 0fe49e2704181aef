"""The impact of automation: finished candidacies moved by rules (at least one move made
by an automation rule) beside those moved by hand, and before beside after a framework
version was published: how many were hired, how many fell out, and how long a hire took."""

from __future__ import annotations

from dataclasses import replace

from django.db import connection
from django.db.models import Count, Max, Min, Q

from milestones.models import FrameworkVersion
from reporting.reports.filters import FELL_OUT, Candidacy, MovedBy, ReportFilters, stays_for
from reporting.reports.result import Report, ratio

MAX_VERSIONS = 10

_OUTCOMES_SQL = """
SELECT count(*) AS applications, count(hired_at) AS hired,
       count(*) FILTER (WHERE fell_out > 0) AS dropped,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM hired_at - first_entered))
         AS median_seconds_to_hire
FROM ({applications}) AS a
"""


def _outcomes(filters: ReportFilters) -> dict:
    """Counts over the applications the filters select (one per application first)."""
    per_application = (
        stays_for(filters)
        .values("application_id")
        .annotate(
            first_entered=Min("entered_at"),
            hired_at=Max("left_at", filter=Q(ended="hired")),
            fell_out=Count("ended", filter=Q(ended__in=FELL_OUT)),
        )
        .order_by()
    )
    inner, params = per_application.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_OUTCOMES_SQL.format(applications=inner), params)
        applications, hired, dropped, median = cursor.fetchone()
    return {
        "applications": applications,
        "hired": hired,
        "dropped": dropped,
        "drop_off": ratio(dropped, applications),
        "median_seconds_to_hire": median,
        "applications_filter": filters.as_params(),
    }


def automation_impact(*, filters: ReportFilters) -> Report:
    """Rows (finished candidacies; calendar time from first entry to hire):
    `segment` {kind: "moved_by", id: "rules" | "hand"} and, for each framework version in
    `filters.framework_version_id` (at most MAX_VERSIONS, published ones), {kind:
    "published", id: "before" | "after", version}: the framework's stays entered before /
    after the version was published. Each with `applications`, `hired`, `dropped`,
    `drop_off`, `median_seconds_to_hire` and the drill-down `applications_filter`.
    Two queries, and two per version."""
    filters = replace(filters, candidacy=Candidacy.FINISHED)
    rows = []
    for moved_by, name in ((MovedBy.RULES, "Moved by rules"), (MovedBy.HAND, "Moved by hand")):
        segment = {"kind": "moved_by", "id": moved_by, "name": name}
        rows.append({"segment": segment, **_outcomes(replace(filters, moved_by=moved_by))})
    versions = (
        FrameworkVersion.objects.filter(
            pk__in=filters.framework_version_id[:MAX_VERSIONS], published_at__isnull=False
        )
        .select_related("framework")
        .prefetch_related("framework__versions")
        .order_by("published_at")
    )
    for version in versions:
        family = tuple(v.pk for v in version.framework.versions.all())
        label = f"{version.framework.name} v{version.number}"
        around = replace(filters, framework_version_id=family)
        before = replace(around, until=min(filter(None, (filters.until, version.published_at))))
        after = replace(around, since=max(filter(None, (filters.since, version.published_at))))
        for key, part in (("before", before), ("after", after)):
            segment = {
                "kind": "published",
                "id": key,
                "name": f"{key.capitalize()} {label} was published",
                "version": {"id": str(version.pk), "name": label},
            }
            rows.append({"segment": segment, **_outcomes(part)})
    return Report(name="automation_impact", time_basis="calendar", filters=filters, rows=rows)
