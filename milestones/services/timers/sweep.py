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

from django.db import connection, transaction
from django.utils import timezone

from ats_milestones.db import json_param
from audit.services import audit_applications
from milestones.core.wording import deadline_words
from milestones.errors import TransitionRefused
from milestones.models import DeadlineAction, DeadlineFiring, FailureSource, TransitionCause
from milestones.services.automation.failures import automation_failure_record
from milestones.services.timers.escalation_sweep import escalation_batch
from milestones.services.transitions.moves import application_transition
from notifications.services import (
    notification_rows,
    notifications_create_many,
    requisition_recipients_resolver,
)
from recruiting.models import ApplicationStatus
from tenants.context import all_tenants_context, tenant_context

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
        with connection.cursor() as cursor:  # see escalation_batch: walk the index in order
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        ids = list(
            DeadlineFiring.all_tenants.filter(fired_at__isnull=True, fires_at__lte=now)
            .order_by("fires_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_bitmapscan")
        if not ids:
            return 0
        firings = list(
            DeadlineFiring.all_tenants.filter(pk__in=ids)
            .order_by("fires_at")
            .select_related("rule", "deadline")
            .prefetch_related(*_APPLICATION_JOINS)
        )
    by_tenant = defaultdict(list)
    for firing in firings:
        by_tenant[firing.tenant_id].append(firing)
    for tenant_id, tenant_firings in by_tenant.items():
        with tenant_context(tenant_id):
            _fire_all(tenant_firings, now, result)
    return len(firings)


def _fire_all(firings: list[DeadlineFiring], now: datetime, result: SweepResult) -> None:
    """Do what each firing's rule says (of one tenant): a move each through the transition
    service (a refusal is a failure row), the reminders and alerts together, so one person
    with several deadlines of one rule due in the batch gets one digest. Then one UPDATE of
    the firings and one INSERT of their audit events."""
    reminders = []
    for firing in firings:
        application = firing.deadline.application
        if application.status != ApplicationStatus.ACTIVE:
            firing.outcome = f"skipped: the application is {application.status}"
        elif firing.rule.action in (DeadlineAction.REMIND, DeadlineAction.ALERT):
            reminders.append(firing)
        else:
            firing.outcome = _move(firing, now, result)
    if reminders:
        _remind(reminders, now)
    for firing in firings:
        firing.outcome = firing.outcome[:200]
    _store_firings(firings, now)
    audit_applications(
        action=AUDIT_DEADLINE_FIRED,
        tenant_id=firings[0].tenant_id,
        at=now,
        events=[
            (
                firing.deadline.application_id,
                {
                    "firing_id": str(firing.pk),
                    "rule_id": str(firing.rule_id),
                    "kind": firing.deadline.kind,
                    "action": firing.rule.action,
                    "outcome": firing.outcome,
                },
            )
            for firing in firings
        ],
    )
    result.firings += len(firings)


def _remind(firings: list[DeadlineFiring], now: datetime) -> None:
    """Tell the people each rule names, one notification per deadline, or one digest per
    person and rule for several (`notification_rows`); each firing's outcome says how many
    people it reached."""
    user_ids = requisition_recipients_resolver(
        requisitions=[firing.deadline.application.requisition for firing in firings],
        recipient_lists=[firing.rule.notify for firing in firings],
    )
    told: dict[tuple, list[DeadlineFiring]] = defaultdict(list)
    # Several firings of one date due in one sweep (a late sweep, a date set late) say one
    # thing: the latest of them, so nobody reads "expires in 2 days" and "expired" at once.
    latest: dict = {}
    for firing in firings:
        key = (firing.deadline_id, firing.rule.action)
        if key not in latest or firing.rule.offset > latest[key].rule.offset:
            latest[key] = firing
    for firing in firings:
        chosen = latest[firing.deadline_id, firing.rule.action]
        if chosen is not firing:
            firing.outcome = f"superseded by {chosen.rule.name}"
            continue
        users = user_ids(firing.deadline.application.requisition, firing.rule.notify)
        firing.outcome = f"notified {len(users)}"
        for user in users:
            told[firing.tenant_id, user, (firing.rule_id, firing.rule.action)].append(firing)

    def single(_topic, firing: DeadlineFiring) -> tuple[str, str]:
        deadline = firing.deadline
        return (
            f"{firing.rule.name}: {deadline.application.candidate.full_name}",
            deadline_words(deadline.kind, deadline.at, now),
        )

    def digest(_topic, firings: list[DeadlineFiring]) -> tuple[str, str]:
        first = min(firings, key=lambda firing: firing.deadline.at)
        return (
            f"{first.rule.name}: {len(firings)} candidates",
            f"The earliest of them: {deadline_words(first.deadline.kind, first.deadline.at, now)}",
        )

    for action in (DeadlineAction.REMIND, DeadlineAction.ALERT):
        notifications_create_many(
            rows=notification_rows(
                {key: them for key, them in told.items() if key[2][1] == action},
                kind=f"deadline.{action}",
                application_of=lambda firing: firing.deadline.application_id,
                single=single,
                digest=digest,
            )
        )


_STORE_FIRINGS_SQL = f"""
UPDATE {DeadlineFiring._meta.db_table} AS firing
SET fired_at = %(now)s, updated_at = %(now)s, outcome = v.outcome
FROM jsonb_to_recordset(%(document)s::jsonb) AS v(id uuid, outcome text)
WHERE firing.id = v.id
"""  # noqa: S608 -- the table name is the model's, values are parameters


def _store_firings(firings: list[DeadlineFiring], now: datetime) -> None:
    document = [{"id": str(firing.pk), "outcome": firing.outcome} for firing in firings]
    with connection.cursor() as cursor:
        cursor.execute(_STORE_FIRINGS_SQL, {"now": now, "document": json_param(document)})
    for firing in firings:
        firing.fired_at = now


def _move(firing: DeadlineFiring, now: datetime, result: SweepResult) -> str:
    """Move the application as the rule says; the outcome in words. A refused move is a
    failure row (and its alert)."""
    rule, application = firing.rule, firing.deadline.application
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
