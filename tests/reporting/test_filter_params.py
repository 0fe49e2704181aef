"""A report row's drill-down parameters, made without making its filters, are the same as
the narrowed filters' own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from reporting.reports.filters import ReportFilters, StayState

SINCE = datetime(2026, 11, 1, tzinfo=UTC)
DEPARTMENT = uuid.UUID(int=7)
MILESTONE = uuid.UUID(int=9)


@pytest.mark.parametrize(
    "filters",
    [
        ReportFilters(),
        ReportFilters(since=SINCE, department_id=(DEPARTMENT,), recruiter_id=(3, None)),
        ReportFilters(stay=StayState.OPEN, ended=("rejected",), scope=frozenset({DEPARTMENT})),
    ],
)
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"stay": StayState.FINISHED, "milestone_id": MILESTONE},
        {"stay": StayState.ALL, "department_id": None, "until": SINCE},
        {"recruiter_id": [None], "ended": ["regressed", "rejected"]},
        {"department_id": ()},
    ],
)
def test_narrowed_params_are_the_narrowed_filters_params(filters, changes):
    expected = filters.narrowed(**dict(changes)).as_params()
    assert filters.narrowed_params(**dict(changes)) == expected
    assert list(filters.narrowed_params(filters.as_params(), **dict(changes))) == list(expected)
