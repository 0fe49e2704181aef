"""Stalled approvals: each due step has a clock (`ApprovalStepClock`) set when it becomes
due, in business hours (the tenant's calendar, `milestones.services.timers.calendar`):
its approvers are reminded after `APPROVAL_REMIND_AFTER_BUSINESS_HOURS`, and after
`APPROVAL_ESCALATE_AFTER_BUSINESS_HOURS` the department head (or, without one, the admins)
are told it is overdue.

The sweep follows the milestone sweep's shape: a beat task claims due clocks across tenants
in batches with `FOR UPDATE SKIP LOCKED` (partial indexes on `remind_at` / `escalate_at`),
so its cost follows the clocks that are due; each batch is one transaction (notifications,
audit rows and the clocks' new state together); a clock fires each of its two times once,
so re-running a sweep never reminds twice. Nothing it sends carries an offer's terms.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvals.models import (
    ApprovalAssignment,
    ApprovalStep,
    ApprovalStepClock,
    Decision,
    RoundStatus,
    StepStatus,
)
from approvals.services.notify import MY_APPROVALS_PATH
from audit.models import AuditEvent
from audit.services import audit_event_build
from milestones.core.timers import business_time_add
from milestones.services.timers.calendar import business_calendar_get
from notifications.services import NotificationRow, notifications_create_many
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Membership, Role

BATCH_SIZE = 500
REMINDER_KIND = "approval.reminder"
ESCALATION_KIND = "approval.overdue"


def _hours(name: str, default: float) -> timedelta:
    return timedelta(hours=float(getattr(settings, name, default)))


def step_clocks_build(steps, calendar) -> list[ApprovalStepClock]:
    """The clocks (unsaved) of steps that just became due, in `calendar`'s business hours."""
    remind = _hours("APPROVAL_REMIND_AFTER_BUSINESS_HOURS", 16)
    escalate = _hours("APPROVAL_ESCALATE_AFTER_BUSINESS_HOURS", 24)

    def after(start, amount):
        try:
            return business_time_add(start, amount, calendar)
        except ValueError:  # a calendar without working hours counts calendar time
            return start + amount

    return [
        ApprovalStepClock(
            tenant_id=s.tenant_id,
            step_id=s.pk,
            remind_at=after(s.due_at, remind),
            escalate_at=after(s.due_at, escalate),
        )
        for s in steps
        if s.due_at is not None
    ]


def step_clocks_start(steps) -> None:
    """Clocks for steps that just became due (inside the transaction that made them due):
    one calendar read and one INSERT for any number of steps."""
    steps = [s for s in steps if s.due_at is not None]
    if not steps:
        return
    ApprovalStepClock.objects.bulk_create(
        step_clocks_build(steps, business_calendar_get()), ignore_conflicts=True
    )


def step_clocks_for_event(event) -> None:
    """Subscriber (in the transaction) to a request that makes steps due. A decision or an
    override writes its next steps' clocks in its own statement (`step_clocks_build`)."""
    ids = getattr(event, "due_step_ids", ())
    if ids:
        step_clocks_start(list(ApprovalStep.objects.filter(pk__in=ids)))


@dataclass
class ReminderSweepResult:
    reminded_steps: int = 0
    escalated_steps: int = 0
    cleared: int = 0
    notifications: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def approvals_reminder_sweep(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> ReminderSweepResult:
    """Remind and escalate every clock due by `now`, batch by batch."""
    now = now or timezone.now()
    result = ReminderSweepResult()
    while _batch(now=now, limit=batch_size, result=result):
        pass
    return result


@transaction.atomic
def _batch(*, now: datetime, limit: int, result: ReminderSweepResult) -> int:
    with all_tenants_context():
        ids = list(
            ApprovalStepClock.all_tenants.filter(Q(remind_at__lte=now) | Q(escalate_at__lte=now))
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        clocks = list(
            ApprovalStepClock.all_tenants.filter(pk__in=ids).select_related(
                "step__round__requisition__department", "step__round__application__candidate"
            )
        )
    by_tenant = defaultdict(list)
    for clock in clocks:
        by_tenant[clock.tenant_id].append(clock)
    for tenant_id, tenant_clocks in by_tenant.items():
        with tenant_context(tenant_id):
            _work(tenant_id, tenant_clocks, now, result)
    return len(clocks)


def _words(step: ApprovalStep) -> str:
    round_ = step.round
    who = round_.application.candidate.full_name if round_.application_id else ""
    title = round_.requisition.title
    return f"{title} ({who})" if who else title


def _work(tenant_id, clocks: list[ApprovalStepClock], now, result: ReminderSweepResult) -> None:
    live = [
        c
        for c in clocks
        if c.step.status == StepStatus.DUE and c.step.round.status == RoundStatus.REQUESTED
    ]
    for clock in clocks:
        if clock not in live:  # resolved or closed since: nothing more to say
            clock.remind_at = clock.escalate_at = None
            result.cleared += 1
    pending = defaultdict(list)
    for step_id, approver_id in ApprovalAssignment.objects.filter(
        step_id__in=[c.step_id for c in live], decision=Decision.PENDING
    ).values_list("step_id", "approver_id"):
        pending[step_id].append(approver_id)
    admins = None
    rows: list[NotificationRow] = []
    audits: list[AuditEvent] = []
    for clock in live:
        step = clock.step
        application_id = step.round.application_id
        if clock.remind_at is not None and clock.remind_at <= now:
            for user_id in pending[step.pk]:
                rows.append(
                    NotificationRow(
                        tenant_id,
                        user_id,
                        REMINDER_KIND,
                        f"Reminder: an approval awaits you: {_words(step)}",
                        f"“{step.name}” has been waiting for your decision since "
                        f"{timezone.localtime(step.due_at):%d %b %Y, %H:%M}. "
                        f"Open My approvals ({MY_APPROVALS_PATH}) to decide.",
                        application_id,
                    )
                )
            clock.remind_at, clock.reminded_at = None, now
            result.reminded_steps += 1
            audits.append(_audit("approval.reminded", tenant_id, step, pending[step.pk]))
        if clock.escalate_at is not None and clock.escalate_at <= now:
            department = step.round.requisition.department
            head = department.head_id if department is not None else None
            if head is not None:
                told = [head]
            else:
                if admins is None:
                    admins = list(
                        Membership.objects.filter(role=Role.ADMIN, is_active=True).values_list(
                            "user_id", flat=True
                        )
                    )
                told = admins
            for user_id in told:
                rows.append(
                    NotificationRow(
                        tenant_id,
                        user_id,
                        ESCALATION_KIND,
                        f"An approval is overdue: {_words(step)}",
                        f"“{step.name}” is overdue: due since "
                        f"{timezone.localtime(step.due_at):%d %b %Y, %H:%M} and still "
                        "undecided. An admin may replace the approver or decide on their "
                        "behalf.",
                        application_id,
                    )
                )
            clock.escalate_at, clock.escalated_at = None, now
            result.escalated_steps += 1
            audits.append(_audit("approval.escalated", tenant_id, step, told))
    for clock in clocks:
        clock.updated_at = now
    ApprovalStepClock.objects.bulk_update(
        clocks, ["remind_at", "escalate_at", "reminded_at", "escalated_at", "updated_at"]
    )
    if audits:
        AuditEvent.objects.bulk_create(audits)
    result.notifications += len(notifications_create_many(rows=rows))


def _audit(action: str, tenant_id, step: ApprovalStep, told: list[int]) -> AuditEvent:
    return audit_event_build(
        action=action,
        tenant_id=tenant_id,
        object_type="approvals.ApprovalRound",
        object_id=str(step.round_id),
        data={"step": step.name, "step_id": str(step.pk), "told": sorted(told)},
    )
