"""Reads of the report pages and role homes, in the tenant in context: the dashboard's
filter choices and what each role's home shows. Each reads a constant number of queries
whatever the tenant's size (the lists are cut to a few rows; the counts are one each)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from audit.selectors import audit_event_search
from milestones.models import (
    ApplicationMilestone,
    AutomationRule,
    DeadlineFiring,
    FrameworkVersion,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
)
from milestones.selectors import automation_failure_list_for_page
from recruiting.models import Requisition, RequisitionStatus
from tenants.models import Department, JobFamily, Membership, RequisitionType, Role
from tenants.people import person_name

HOME_ROWS = 10
# A due row the sweep has not worked off this long after it fell due: the sweep is behind.
SWEEP_GRACE = timedelta(minutes=5)
AUDIT_ESCALATED = "milestone.escalated"
AUDIT_DEADLINE_FIRED = "deadline.fired"


def report_filter_choices(*, scope: frozenset | None) -> dict[str, list[tuple[str, str]]]:
    """(value, name) pairs for each select of the dashboard's filter form: five queries."""
    departments = Department.objects.order_by("name")
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    recruiters = (
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(role=Role.RECRUITER, is_active=True).values("user_id")
        )
        .order_by("first_name", "last_name", "username")
    )
    versions = FrameworkVersion.objects.select_related("framework").order_by(
        "framework__name", "number"
    )
    return {
        "department_id": [(str(d.pk), d.name) for d in departments],
        "recruiter_id": [(str(u.pk), person_name(u)) for u in recruiters],
        "job_family_id": [(str(f.pk), f.name) for f in JobFamily.objects.order_by("name")],
        "requisition_type_id": [
            (str(t.pk), t.name) for t in RequisitionType.objects.order_by("name")
        ],
        "framework_version_id": [
            (str(v.pk), f"{v.framework.name}, version {v.number}") for v in versions
        ],
    }


def requisitions_of_user(*, user_id: int, role_field: str, scope: frozenset | None):
    """The requisitions a person recruits for (`recruiter`) or manages (`hiring_manager`)
    that are not filled or cancelled, newest first, at most HOME_ROWS."""
    requisitions = (
        Requisition.objects.filter(**{f"{role_field}_id": user_id})
        .exclude(status__in=(RequisitionStatus.FILLED, RequisitionStatus.CANCELLED))
        .select_related("department", "location")
    )
    if scope is not None:
        requisitions = requisitions.filter(department_id__in=scope)
    return list(requisitions.order_by("-created_at")[:HOME_ROWS])


def due_today(
    *,
    day_start: datetime,
    recruiter_id: int | None,
    scope: frozenset | None,
    visibility=None,
    sensitive: bool = False,
):
    """Active milestones due in [day_start, day_start + 1 day), soonest first: `count` and
    the first HOME_ROWS (candidate, requisition, milestone selected); sensitive milestones
    only if `sensitive` (the viewer has `view_sensitive`)."""
    rows = ApplicationMilestone.objects.filter(
        state=MilestoneState.ACTIVE,
        due_at__gte=day_start,
        due_at__lt=day_start + timedelta(days=1),
    )
    if recruiter_id is not None:
        rows = rows.filter(requisition__recruiter_id=recruiter_id)
    if scope is not None:
        rows = rows.filter(requisition__department_id__in=scope)
    if visibility is not None:  # requisition_visibility(membership, via="requisition__")
        rows = rows.filter(visibility)
    if not sensitive:
        rows = rows.exclude(milestone__is_sensitive=True)
    return rows.count(), list(
        rows.select_related("application__candidate", "requisition", "milestone").order_by(
            "due_at"
        )[:HOME_ROWS]
    )


def sweep_health(*, now: datetime) -> dict:
    """What the timer sweep last did in this tenant, and what it has left due past the
    grace: the last escalation and deadline firing (from the audit trail), and the counts
    of escalations and deadline firings still waiting. Four queries."""
    late = now - SWEEP_GRACE
    last = {
        action: audit_event_search(action=action).values_list("at", flat=True).first()
        for action in (AUDIT_ESCALATED, AUDIT_DEADLINE_FIRED)
    }
    return {
        "last_escalation_at": last[AUDIT_ESCALATED],
        "last_firing_at": last[AUDIT_DEADLINE_FIRED],
        "escalations_waiting": ApplicationMilestone.objects.filter(
            state=MilestoneState.ACTIVE, escalates_at__lt=late
        ).count(),
        "firings_waiting": DeadlineFiring.objects.filter(fired_at=None, fires_at__lt=late).count(),
    }


def open_failures(*, membership) -> tuple[int, list]:
    """Open automation failures the membership may see: the count and the latest few."""
    failures = automation_failure_list_for_page(membership=membership)
    return failures.count(), list(failures[:HOME_ROWS])


# A rule's move records "rule <name> (<id>): <event>" as its reason (milestones.core.rules).
_RULE_ID = re.compile(r"\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)")


def rule_of_reason(reason: str) -> uuid.UUID | None:
    """The id of the automation rule a triggered move's reason names, if any."""
    found = _RULE_ID.search(reason or "")
    return uuid.UUID(found.group(1)) if found else None


def rule_moves_recent() -> list[tuple[MilestoneTransition, AutomationRule | None]]:
    """The latest moves automation rules made (a rule firing on an event), newest first,
    each with the rule that made it (None once deleted): two queries."""
    moves = list(
        MilestoneTransition.objects.filter(cause=TransitionCause.TRIGGER)
        .select_related("application__candidate", "from_milestone", "to_milestone")
        .order_by("-at")[:HOME_ROWS]
    )
    rule_ids = {rule_of_reason(move.reason) for move in moves} - {None}
    rules = AutomationRule.objects.in_bulk(rule_ids) if rule_ids else {}
    return [(move, rules.get(rule_of_reason(move.reason))) for move in moves]


def audit_recent() -> list[AuditEvent]:
    return list(audit_event_search()[:HOME_ROWS])
