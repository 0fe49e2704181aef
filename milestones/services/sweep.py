"""The timer sweep: escalate overdue milestone stays and fire due deadlines, once each.

A Celery beat task runs it every minute. It claims due rows across all tenants in
batches with `FOR UPDATE SKIP LOCKED` (through the partial indexes on `escalates_at` and
on unfired `fires_at`), so its cost follows the rows that are due, two sweeps never
claim the same row, and a sweep that dies mid-batch rolls back and leaves its rows due
for the next one. Each batch is one transaction: a level bump or a firing commits with
its notifications, audit events and any move; email leaves after commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from compliance.models import AuditEvent
from recruiting.models import ApplicationStatus
from reporting.services import NotificationMessage, notification_send, notifications_send_many
from tenants.context import all_tenants_context, tenant_context

from ..errors import TransitionRefused
from ..models import (
    ApplicationMilestone,
    DeadlineAction,
    DeadlineFiring,
    EscalationRule,
    FailureSource,
    Holiday,
    MilestoneSettings,
    MilestoneState,
    TransitionCause,
)
from ..timers import BusinessCalendar, escalation_levels_due
from .escalations import business_calendar_of, escalation_level_of
from .failures import automation_failure_record
from .transitions import application_transition

BATCH_SIZE = 500
KIND_ESCALATED = "milestone.escalated"
AUDIT_ESCALATED = "milestone.escalated"
AUDIT_DEADLINE_FIRED = "deadline.fired"
logger = logging.getLogger(__name__)

_APPLICATION_JOINS = (
    "candidate",
    "requisition__recruiter",
    "requisition__hiring_manager",
    "requisition__department",
)


@dataclass
class SweepResult:
    escalated_stays: int = 0
    levels_applied: int = 0
    rescheduled: int = 0
    firings: int = 0
    failures: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def milestones_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Work off every escalation level and deadline firing due by `now`, batch by batch,
    until none is left that another sweep has not claimed."""
    now = now or timezone.now()
    result = SweepResult()
    calendars: dict = {}
    while _escalation_batch(now=now, limit=batch_size, result=result, calendars=calendars):
        pass
    while _deadline_batch(now=now, limit=batch_size, result=result):
        pass
    return result


# -- escalations ----------------------------------------------------------------------------


def _calendar(tenant_id, calendars: dict) -> BusinessCalendar:
    """The tenant's business calendar, read once per sweep (call inside its context)."""
    if tenant_id not in calendars:
        calendars[tenant_id] = business_calendar_of(
            MilestoneSettings.objects.first(), Holiday.objects.values_list("date", flat=True)
        )
    return calendars[tenant_id]


@transaction.atomic
def _escalation_batch(*, now: datetime, limit: int, result: SweepResult, calendars: dict) -> int:
    with all_tenants_context():
        rows = list(
            ApplicationMilestone.all_tenants.filter(
                state=MilestoneState.ACTIVE, escalates_at__lte=now
            )
            .order_by("escalates_at")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("milestone", *(f"application__{j}" for j in _APPLICATION_JOINS))[:limit]
        )
    by_tenant = defaultdict(list)
    for row in rows:
        by_tenant[row.tenant_id].append(row)
    for tenant_id, tenant_rows in by_tenant.items():
        with tenant_context(tenant_id):
            _escalate(tenant_rows, now, result, _calendar(tenant_id, calendars))
    return len(rows)


def _escalate(rows: list, now: datetime, result: SweepResult, calendar: BusinessCalendar) -> None:
    levels_of = defaultdict(list)
    for rule in EscalationRule.objects.filter(milestone_id__in={r.milestone_id for r in rows}):
        levels_of[rule.milestone_id].append(escalation_level_of(rule))
    messages, audits = [], []
    for row in rows:
        try:
            plan = escalation_levels_due(
                row.entered_at or row.escalates_at,
                row.escalation_level,
                levels_of[row.milestone_id],
                now,
                calendar,
            )
        except ValueError:
            logger.exception("cannot time the escalation levels of %s", row.pk)
            row.escalates_at = None
            continue
        row.escalates_at = plan.next_at
        if not plan.due:
            result.rescheduled += 1  # a business-hours level whose lower bound came early
            continue
        row.escalation_level = plan.new_level
        if plan.marks_overdue and row.overdue_since is None:
            row.overdue_since = now
        result.escalated_stays += 1
        result.levels_applied += len(plan.due)
        application, milestone = row.application, row.milestone
        for level in plan.due:
            messages.append(
                NotificationMessage(
                    application=application,
                    recipients=level.notify,
                    kind=KIND_ESCALATED,
                    title=f"{application.candidate.full_name} is overdue in {milestone.name} "
                    f"(escalation level {level.level})",
                    body=f"In {milestone.name} since {row.entered_at:%Y-%m-%d %H:%M} UTC."
                    + (" Marked overdue." if level.mark_overdue else ""),
                )
            )
        audits.append(
            AuditEvent(
                tenant_id=row.tenant_id,
                action=AUDIT_ESCALATED,
                object_type="recruiting.Application",
                object_id=str(application.pk),
                data={
                    "milestone": milestone.code,
                    "levels": [level.level for level in plan.due],
                    "escalation_level": row.escalation_level,
                    "overdue_since": row.overdue_since.isoformat() if row.overdue_since else None,
                    "next_escalation_at": plan.next_at.isoformat() if plan.next_at else None,
                },
            )
        )
    for row in rows:
        row.updated_at = now
    ApplicationMilestone.all_tenants.bulk_update(
        rows, ["escalation_level", "escalates_at", "overdue_since", "updated_at"]
    )
    notifications_send_many(messages=messages)
    AuditEvent.all_tenants.bulk_create(audits)


# -- deadlines ------------------------------------------------------------------------------


@transaction.atomic
def _deadline_batch(*, now: datetime, limit: int, result: SweepResult) -> int:
    with all_tenants_context():
        firings = list(
            DeadlineFiring.all_tenants.filter(fired_at__isnull=True, fires_at__lte=now)
            .order_by("fires_at")
            .select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "rule", "deadline", *(f"deadline__application__{j}" for j in _APPLICATION_JOINS)
            )[:limit]
        )
    for firing in firings:
        with tenant_context(firing.tenant_id):
            firing.outcome = _fire(firing, now, result)[:200]
            firing.fired_at = now
            firing.save(update_fields=["fired_at", "outcome", "updated_at"])
            AuditEvent.all_tenants.create(
                tenant_id=firing.tenant_id,
                action=AUDIT_DEADLINE_FIRED,
                object_type="recruiting.Application",
                object_id=str(firing.deadline.application_id),
                data={
                    "firing_id": str(firing.pk),
                    "rule_id": str(firing.rule_id),
                    "kind": firing.deadline.kind,
                    "action": firing.rule.action,
                    "outcome": firing.outcome,
                },
            )
        result.firings += 1
    return len(firings)


def _fire(firing: DeadlineFiring, now: datetime, result: SweepResult) -> str:
    """Do what the rule says; the outcome in words. A refused move is a failure row."""
    rule, deadline = firing.rule, firing.deadline
    application = deadline.application
    if application.status != ApplicationStatus.ACTIVE:
        return f"skipped: the application is {application.status}"
    if rule.action in (DeadlineAction.REMIND, DeadlineAction.ALERT):
        when = "passed" if deadline.at <= now else f"is on {deadline.at:%Y-%m-%d %H:%M} UTC"
        sent = notification_send(
            application=application,
            recipients=rule.notify,
            kind=f"deadline.{rule.action}",
            title=f"{rule.name}: {application.candidate.full_name}",
            body=f"{deadline.kind.replace('_', ' ')} {when}.",
        )
        return f"notified {len(sent)}"
    attempted = {"action": "advance", "to_code": rule.move_to_code}
    try:
        with transaction.atomic():  # a savepoint: a refusal leaves the batch intact
            application_transition(
                application_id=application.pk,
                action="advance",
                to_code=rule.move_to_code,
                cause=TransitionCause.DEADLINE,
                reason=f"deadline rule {rule.name}",
                expected_version=None,
                now=now,
            )
    except TransitionRefused as refusal:
        result.failures += 1
        automation_failure_record(
            application=application,
            source=FailureSource.DEADLINE,
            attempted=attempted,
            error_code=refusal.code,
            message=str(refusal),
            recipients=rule.notify,
            deadline_firing=firing,
        )
        return f"failed: {refusal.code}"
    return f"moved to {rule.move_to_code}"
