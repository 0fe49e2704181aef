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
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from compliance.services import audit_application
from recruiting.models import ApplicationStatus
from reporting.services import notification_send
from tenants.context import all_tenants_context, tenant_context

from ..errors import TransitionRefused
from ..models import DeadlineAction, DeadlineFiring, FailureSource, TransitionCause
from .escalation_sweep import escalation_batch
from .failures import automation_failure_record
from .transitions import application_transition

BATCH_SIZE = 1000
AUDIT_DEADLINE_FIRED = "deadline.fired"
logger = logging.getLogger(__name__)

# Prefetched, not joined: row-level security predicates make the planner misjudge wide
# joins (it scanned every application of a requisition to find 500 rows).
_APPLICATION_JOINS = (
    "deadline__application__candidate",
    "deadline__application__requisition__recruiter",
    "deadline__application__requisition__hiring_manager",
    "deadline__application__requisition__department",
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
    while escalation_batch(now=now, limit=batch_size, result=result, calendars=calendars):
        pass
    while _deadline_batch(now=now, limit=batch_size, result=result):
        pass
    return result


# -- deadlines ------------------------------------------------------------------------------


@transaction.atomic
def _deadline_batch(*, now: datetime, limit: int, result: SweepResult) -> int:
    with all_tenants_context():
        ids = list(
            DeadlineFiring.all_tenants.filter(fired_at__isnull=True, fires_at__lte=now)
            .order_by("fires_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        firings = list(
            DeadlineFiring.all_tenants.filter(pk__in=ids)
            .select_related("rule", "deadline")
            .prefetch_related(*_APPLICATION_JOINS)
        )
    for firing in firings:
        with tenant_context(firing.tenant_id):
            firing.outcome = _fire(firing, now, result)[:200]
            firing.fired_at = now
            firing.save(update_fields=["fired_at", "outcome", "updated_at"])
            audit_application(
                action=AUDIT_DEADLINE_FIRED,
                tenant_id=firing.tenant_id,
                application_id=firing.deadline.application_id,
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
