"""Query parameters of the reports, checked (a bad one is a 400 naming it), as
`ReportFilters`: the one parser of the API and the pages, so both show the same numbers.

Id filters take one id or several separated by commas (`department_id=<a>,<b>`); the
period is `since` (inclusive) and `until` (exclusive), ISO-8601 instants.
"""

from __future__ import annotations

import uuid

from ats_milestones.api import serializers
from reporting.models import StayEnding
from reporting.reports.filters import (
    ID_FILTERS,
    NONE,
    Candidacy,
    Facts,
    MovedBy,
    ReportFilters,
    StayState,
    TimeBasis,
)
from reporting.reports.labels import DIMENSIONS

MAX_IDS = 100


class IdListField(serializers.CharField):
    """Comma-separated ids (UUIDs, or whole numbers for users), at most MAX_IDS; `none`
    among them means "no value" (the drill-down of a row with no recruiter, ...)."""

    def __init__(self, *, integers: bool = False, **kwargs):
        self.integers = integers
        kwargs.setdefault("max_length", 40 * MAX_IDS)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        parts = [part.strip() for part in text.split(",")]
        if not all(parts) or len(parts) > MAX_IDS:
            raise serializers.ValidationError(f"List 1 to {MAX_IDS} ids separated by commas.")
        try:
            return tuple(None if part.lower() == NONE else self._id(part) for part in parts)
        except ValueError:
            kind = "whole numbers" if self.integers else "UUIDs"
            raise serializers.ValidationError(f"Not {kind} or {NONE!r}: {text!r}.") from None

    def _id(self, part: str):
        if not self.integers:
            return uuid.UUID(part)
        value = int(part)
        if not 0 < value < 2**63:
            raise ValueError
        return value


class EndingListField(serializers.CharField):
    def to_internal_value(self, data):
        parts = tuple(part.strip() for part in super().to_internal_value(data).split(","))
        unknown = [part for part in parts if part not in StayEnding.values]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown: {', '.join(unknown)}; one or more of {', '.join(StayEnding.values)}."
            )
        return parts


class ReportQuerySerializer(serializers.Serializer):
    """The filters every report takes."""

    since = serializers.DateTimeField(required=False, help_text="stays entered at or after")
    until = serializers.DateTimeField(required=False, help_text="stays entered before")
    department_id = IdListField(required=False)
    recruiter_id = IdListField(required=False, integers=True, help_text="user ids")
    job_family_id = IdListField(required=False)
    requisition_type_id = IdListField(required=False)
    framework_version_id = IdListField(required=False)
    requisition_id = IdListField(required=False)
    milestone_id = IdListField(required=False)
    candidacy = serializers.ChoiceField(
        choices=Candidacy.CHOICES,
        required=False,
        help_text="open: still in a milestone; finished: hired, rejected or withdrawn",
    )
    ended = EndingListField(required=False, help_text="stays that ended so (comma-separated)")
    moved_by = serializers.ChoiceField(
        choices=MovedBy.CHOICES,
        required=False,
        help_text="rules: an automation rule moved it at least once; hand: never",
    )
    stay = serializers.ChoiceField(
        choices=StayState.CHOICES,
        required=False,
        help_text="open: stays still waiting in their milestone; finished: stays that ended",
    )
    opened_since = serializers.DateTimeField(
        required=False, help_text="stays of requisitions opened at or after"
    )
    opened_until = serializers.DateTimeField(
        required=False, help_text="stays of requisitions opened before"
    )

    facts = serializers.ChoiceField(
        choices=Facts.CHOICES,
        required=False,
        help_text="stay: the id filters test the facts as they were (default); "
        "requisition: as the requisition is now (time to fill's drill-downs)",
    )

    def validate(self, attrs):
        for after, before in (("since", "until"), ("opened_since", "opened_until")):
            since, until = attrs.get(after), attrs.get(before)
            if since and until and until <= since:
                raise serializers.ValidationError({before: [f"Must be after {after}."]})
        return attrs


class GroupedReportQuerySerializer(ReportQuerySerializer):
    by = serializers.ChoiceField(
        choices=tuple(DIMENSIONS), required=False, help_text="the dimension rows are grouped by"
    )


def _basis():
    return serializers.ChoiceField(
        choices=TimeBasis.CHOICES,
        required=False,
        help_text="business: inside the tenant's business hours (default); calendar: wall clock",
    )


class TimedReportQuerySerializer(GroupedReportQuerySerializer):
    basis = _basis()


class BasisReportQuerySerializer(ReportQuerySerializer):
    basis = _basis()


# Parameters that are not filters (a report's own options, paging).
OPTIONS = ("by", "basis")


def report_filters_of(query: dict, *, viewer: dict) -> ReportFilters:
    """`ReportFilters` of validated query parameters (options left out) for who is asking
    (`viewer`: `filters.viewer_access(membership)`)."""
    values = {
        name: value for name, value in query.items() if name not in OPTIONS and value is not None
    }
    for name in ID_FILTERS:
        values.setdefault(name, ())
    return ReportFilters(**viewer, **values)


def report_filters_from_query(
    params,
    *,
    viewer: dict,
    serializer=ReportQuerySerializer,
    ignore=(),
) -> tuple[ReportFilters, dict]:
    """Check a query string (a QueryDict or dict of strings; `ignore` names paging
    parameters) and return the filters and the report's options (`by`, `basis`).
    `viewer`: `filters.viewer_access(membership)` (departments, confidential
    requisitions, sensitive milestones). Raises the API's ValidationError naming each bad
    parameter."""
    data = {name: params.get(name) for name in params if name not in ignore}
    query = serializers.validated(serializer, data)
    options = {name: query[name] for name in OPTIONS if name in query}
    return report_filters_of(query, viewer=viewer), options
