"""Names for the ids a report groups by (a person reads names, not ids): one query per
kind of id, however many rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models.functions import TruncMonth

from milestones.models import FrameworkVersion, MilestoneDefinition
from recruiting.models import Requisition
from tenants.models import Department, JobFamily, RequisitionType
from tenants.people import user_names

# The dimensions a report may group by: the stay's column (a month: its entry's month).
DIMENSIONS = {
    "department": "department_id",
    "recruiter": "recruiter_id",
    "job_family": "job_family_id",
    "requisition_type": "requisition_type_id",
    "framework_version": "framework_version_id",
    "requisition": "requisition_id",
    "month": "month",
}


def dimension_expression(by: str | None):
    """What `.values()` groups by for `by` (None: nothing beyond the milestone)."""
    if by is None:
        return {}
    if by == "month":
        return {"month": TruncMonth("entered_at")}
    return {}


def dimension_key(by: str | None) -> str | None:
    return None if by is None else DIMENSIONS[by]


def group_drill(filters, by: str, value) -> dict:
    """The filters that narrow a report's `filters` to one value of its dimension: the id,
    or a month's bounds (within the period asked for)."""
    if by != "month":
        return {DIMENSIONS[by]: value}
    after = (value + timedelta(days=32)).replace(day=1)
    return {
        "since": max(value, filters.since) if filters.since else value,
        "until": min(after, filters.until) if filters.until else after,
    }


# The name of a group with no value: "No recruiter", not "(none)".
NONE_NAMES = {
    "department": "No department",
    "recruiter": "No recruiter",
    "job_family": "No job family",
    "requisition_type": "No requisition type",
    "framework_version": "No workflow version",
    "requisition": "No requisition",
    "month": "No month",
}


def _names(model, ids, label) -> dict:
    return {row.pk: label(row) for row in model.objects.filter(pk__in=ids)}


def dimension_labels(by: str | None, ids: Iterable) -> dict:
    """id -> name for the values of one dimension (a month is its own label; None, a
    group with no value, is "No recruiter" and so on)."""
    if by is None:
        return {}
    return {None: NONE_NAMES[by], **_dimension_names(by, {i for i in ids if i is not None})}


def _dimension_names(by: str, ids: set) -> dict:
    if not ids:
        return {}
    if by == "month":
        return {month: f"{month:%B %Y}" for month in ids}
    if by == "recruiter":
        return user_names(ids)
    if by == "framework_version":
        versions = FrameworkVersion.objects.filter(pk__in=ids).select_related("framework")
        return {v.pk: f"{v.framework.name} v{v.number}" for v in versions}
    model = {
        "department": Department,
        "job_family": JobFamily,
        "requisition_type": RequisitionType,
        "requisition": Requisition,
    }[by]
    return _names(model, ids, lambda row: getattr(row, "title", None) or row.name)


def milestone_labels(ids: Iterable) -> dict:
    """id -> (name, order) of milestones, for rows in the workflow's order."""
    rows = MilestoneDefinition.objects.filter(pk__in=set(ids)).values_list("pk", "name", "order")
    return {pk: (name, order) for pk, name, order in rows}


def labelled(value, labels: dict) -> dict | None:
    """A dimension's value as the API shows it: its id and its name."""
    if value is None and not labels:
        return None
    if value is None:
        key = None
    else:  # ids as text, as everywhere in the API (user ids too)
        key = value.isoformat() if hasattr(value, "isoformat") else str(value)
    name = labels.get(value)
    return {"id": key, "name": name if name is not None else "(deleted)"}


def group_order(row: dict, by: str | None) -> str:
    """A row's place among the groups: by name, months by time ("" for no group)."""
    group = row["group"]
    if group is None:
        return ""
    return str(group["id"] if by == "month" else group["name"])
