"""What every report is filtered by, and how it narrows the stays read model.

One `ReportFilters` for every report, the drill-down list and the API: the period (stays
entered in [since, until)), the requisition's facts as they were (department, recruiter,
job family, requisition type, framework version), a requisition, a milestone, open or
finished candidacies, and the caller's department scope. `as_params()` is the query string
of the drill-down: every number a report returns carries it, so the page and the API both
reach the applications behind the number with the same filters.

Who is asking narrows it too, in one place (`viewer_access`): their departments, the
confidential requisitions they may see, and whether they may see sensitive milestones
(`view_sensitive`). Without it a sensitive milestone's stays are in no report: not by
name, not in a count (`stay_q`, `milestone_visible_q`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace
from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from milestones.models import MilestoneDefinition
from milestones.sensitivity import may_see_sensitive
from recruiting.models import Requisition
from recruiting.selectors import requisition_visibility
from reporting.models import MilestoneStay
from tenants.selectors import department_scope_ids


class Candidacy:
    ALL = "all"
    OPEN = "open"  # the application still stands in a milestone
    FINISHED = "finished"  # hired, rejected or withdrawn: no open stay left
    CHOICES = (ALL, OPEN, FINISHED)


class StayState:
    ALL = "all"
    OPEN = "open"  # still waiting in the milestone
    FINISHED = "finished"  # left it (any ending)
    CHOICES = (ALL, OPEN, FINISHED)


class Facts:
    """Which facts the id filters (department, recruiter, ...) and the department scope
    test: the stay's, as they were when it began (every report but one), or the
    requisition's as they are now (time to fill's, whose numbers count requisitions)."""

    STAY = "stay"
    REQUISITION = "requisition"
    CHOICES = (STAY, REQUISITION)


# The id filters that are facts of a requisition (its column of the same name).
REQUISITION_FACTS = (
    "department_id",
    "recruiter_id",
    "job_family_id",
    "requisition_type_id",
    "framework_version_id",
)


class TimeBasis:
    BUSINESS = "business"  # inside the tenant's business hours (its calendar)
    CALENDAR = "calendar"  # wall-clock time
    CHOICES = (BUSINESS, CALENDAR)
    COLUMN = {BUSINESS: "business_seconds", CALENDAR: "calendar_seconds"}


class MovedBy:
    RULES = "rules"  # at least one of its moves was made by an automation rule
    HAND = "hand"  # every move made by a person (or an import, a sync)
    CHOICES = (RULES, HAND)


# The causes of a move made by the automation: a rule firing on an event (trigger).
RULE_CAUSES = ("trigger",)

# Stays that passed the milestone, and stays where the candidacy fell out.
PASSED = ("advanced", "skipped", "bypassed", "hired")
FELL_OUT = ("rejected", "withdrawn", "failed")

# The id filters: the parameter name, the stay's column.
ID_FILTERS = {
    "department_id": "department_id",
    "recruiter_id": "recruiter_id",
    "job_family_id": "job_family_id",
    "requisition_type_id": "requisition_type_id",
    "framework_version_id": "framework_version_id",
    "requisition_id": "requisition_id",
    "milestone_id": "milestone_id",
}


# An id filter's value for "none": the rows with no recruiter (no job family, ...), in the
# query string; None in the filters' tuples.
NONE = "none"


def ids_q(column: str, values) -> Q:
    """Rows whose `column` is one of `values` (None among them: or has no value)."""
    ids = [value for value in values if value is not None]
    q = Q(**{f"{column}__in": ids})
    if len(ids) < len(values):
        q |= Q(**{f"{column}__isnull": True})
    return q


# What `viewer_access` sets: who is asking, never a query parameter.
VIEWER_FIELDS = ("scope", "visibility", "sensitive")


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """Every filter is optional; an id filter lists one or more ids (any of them)."""

    since: datetime | None = None
    until: datetime | None = None
    department_id: tuple[uuid.UUID, ...] = ()
    recruiter_id: tuple[int, ...] = ()
    job_family_id: tuple[uuid.UUID, ...] = ()
    requisition_type_id: tuple[uuid.UUID, ...] = ()
    framework_version_id: tuple[uuid.UUID, ...] = ()
    requisition_id: tuple[uuid.UUID, ...] = ()
    milestone_id: tuple[uuid.UUID, ...] = ()
    candidacy: str = Candidacy.ALL
    # Only the stays that ended so (a drill-down from "dropped", "regressed").
    ended: tuple[str, ...] = ()
    moved_by: str | None = None
    # Only open stays (still waiting there) or finished ones: "2 finished stays" and
    # "1 there now" of one milestone drill down apart.
    stay: str = StayState.ALL
    # Requisitions opened in [opened_since, opened_until): what time to fill's period
    # selects, so its drill-down lists the hires of those requisitions whenever they came.
    opened_since: datetime | None = None
    opened_until: datetime | None = None
    # The facts the id filters and the scope test (`Facts`): time to fill's drill-downs
    # test the requisition as it is, as its numbers do.
    facts: str = Facts.STAY
    # The departments the caller may see (None: every one); not a query parameter.
    scope: frozenset | None = None
    # The requisitions the caller may see, as a condition on Requisition (confidential
    # ones: `recruiting.selectors.requisition_visibility`); None: every one.
    visibility: Q | None = None
    # Whether the caller may see sensitive milestones (`view_sensitive`; an API client
    # does); not a query parameter. False unless said: a caller who forgets hides them.
    sensitive: bool = False

    def narrowed(self, **changes) -> ReportFilters:
        """These filters and more: a row's drill-down (`milestone_id=(m,)`, ...)."""
        return replace(self, **_as_filter_values(changes))

    def as_params(self) -> dict[str, object]:
        """The query parameters that select the same stays (the scope is the caller's)."""
        params: dict[str, object] = {}
        for name in _PARAM_FIELDS:
            value = getattr(self, name)
            if value not in _DEFAULTS:
                params[name] = _param(value)
        return params

    def narrowed_params(self, base: dict | None = None, **changes) -> dict[str, object]:
        """The query parameters of `self.narrowed(**changes)`, without making those filters:
        a report row's drill-downs (at 75 rows, making them was a tenth of the report's
        time). `base`: `self.as_params()`, when the caller has it already."""
        params = dict(self.as_params() if base is None else base)
        for name, value in _as_filter_values(changes).items():
            if value in _DEFAULTS:
                params.pop(name, None)
            else:
                params[name] = _param(value)
        return {name: params[name] for name in _PARAM_FIELDS if name in params}


_DEFAULTS = (None, (), Candidacy.ALL, StayState.ALL, Facts.STAY)
#: The fields that are query parameters, in their order (not who is asking).
_PARAM_FIELDS = tuple(f.name for f in fields(ReportFilters) if f.name not in VIEWER_FIELDS)


def _as_filter_values(changes: dict) -> dict:
    for name, value in changes.items():
        if name in ID_FILTERS or name == "ended":
            changes[name] = tuple(value) if isinstance(value, list | tuple) else (value,)
    return changes


def _param(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return ",".join(NONE if v is None else str(v) for v in value)
    return value


def viewer_access(membership) -> dict:
    """The `ReportFilters` fields of who is asking (`membership` None: an API client,
    whose scopes the API kernel checked, sees every department and sensitive milestone)."""
    return {
        "scope": department_scope_ids(membership),
        "visibility": requisition_visibility(membership),
        "sensitive": membership is None or may_see_sensitive(membership),
    }


def sensitive_milestone_ids():
    """The ids of the tenant's sensitive milestones (a subquery)."""
    return MilestoneDefinition.objects.filter(is_sensitive=True).values("pk")


def milestone_visible_q(filters: ReportFilters, column: str = "milestone_id") -> Q:
    """Rows whose milestone (`column`) the caller may see: all of them with
    `view_sensitive`, else none of a sensitive milestone."""
    if filters.sensitive:
        return Q()
    return ~Q(**{f"{column}__in": sensitive_milestone_ids()})


def stay_q(filters: ReportFilters, *, prefix: str = "") -> Q:
    """The stays the filters select (reverted ones never, sensitive milestones' only for
    those who may see them), as a Q over MilestoneStay (`prefix` for a relation to it)."""
    q = Q(**{f"{prefix}reverted": False}) & milestone_visible_q(filters, f"{prefix}milestone_id")
    if filters.since is not None:
        q &= Q(**{f"{prefix}entered_at__gte": filters.since})
    if filters.until is not None:
        q &= Q(**{f"{prefix}entered_at__lt": filters.until})
    on_requisition = filters.facts == Facts.REQUISITION
    for name, column in ID_FILTERS.items():
        values = getattr(filters, name)
        if values and not (on_requisition and name in REQUISITION_FACTS):
            q &= ids_q(f"{prefix}{column}", values)
    if on_requisition:
        q &= Q(**{f"{prefix}requisition_id__in": _requisitions_as_they_are(filters)})
    elif filters.scope is not None:
        q &= Q(**{f"{prefix}department_id__in": filters.scope})
    if filters.visibility is not None:
        q &= Q(**{f"{prefix}requisition_id__in": visible_requisition_ids(filters)})
    if filters.ended:
        q &= Q(**{f"{prefix}ended__in": filters.ended})
    if filters.stay == StayState.OPEN:
        q &= Q(**{f"{prefix}left_at__isnull": True})
    elif filters.stay == StayState.FINISHED:
        q &= Q(**{f"{prefix}left_at__isnull": False})
    if filters.opened_since is not None or filters.opened_until is not None:
        opened = Requisition.objects.filter(
            requisition_opened_q(filters.opened_since, filters.opened_until)
        )
        q &= Q(**{f"{prefix}requisition_id__in": opened.values("pk")})
    return q


def _requisitions_as_they_are(filters: ReportFilters):
    """The ids of the requisitions whose facts now match the id filters and the scope."""
    q = Q()
    for name in REQUISITION_FACTS:
        values = getattr(filters, name)
        if values:
            q &= ids_q(name, values)
    if filters.scope is not None:
        q &= Q(department_id__in=filters.scope)
    return Requisition.objects.filter(q).values("pk")


def requisition_opened_q(since: datetime | None, until: datetime | None) -> Q:
    """Requisitions opened in [since, until) (a requisition never opened: its creation),
    as a Q over Requisition."""
    q = Q()
    if since is not None:
        q &= Q(opened_at__gte=since) | Q(opened_at=None, created_at__gte=since)
    if until is not None:
        q &= Q(opened_at__lt=until) | Q(opened_at=None, created_at__lt=until)
    return q


def visible_requisition_ids(filters: ReportFilters):
    """The ids of the requisitions the caller may see (a subquery)."""
    return Requisition.objects.filter(filters.visibility).values("pk")


def _open_stay_of(application_ref: str):
    return MilestoneStay.objects.filter(application_id=OuterRef(application_ref), left_at=None)


def _moved_by_rule(application_ref: str):
    return MilestoneStay.objects.filter(
        application_id=OuterRef(application_ref), entered_cause__in=RULE_CAUSES
    )


def candidacy_q(filters: ReportFilters, *, application_ref: str = "application_id") -> Q:
    """Open or finished candidacies, moved by rules or by hand, for a query whose
    `application_ref` names the application (EXISTS on the read model's indexes)."""
    q = Q()
    if filters.candidacy == Candidacy.OPEN:
        q &= Q(Exists(_open_stay_of(application_ref)))
    elif filters.candidacy == Candidacy.FINISHED:
        q &= ~Q(Exists(_open_stay_of(application_ref)))
    if filters.moved_by == MovedBy.RULES:
        q &= Q(Exists(_moved_by_rule(application_ref)))
    elif filters.moved_by == MovedBy.HAND:
        q &= ~Q(Exists(_moved_by_rule(application_ref)))
    return q


def stays_for(filters: ReportFilters):
    """The tenant's stays the filters select (tenant in context)."""
    return MilestoneStay.objects.filter(stay_q(filters), candidacy_q(filters))
