"""The escalation half of the timer sweep: claim due stays, apply their levels once.

A batch is one transaction of a constant number of statements: claim (partial index in
order, SKIP LOCKED, one table), read the levels and the people to notify, one statement
updating the stays and inserting their audit events, one INSERT of notifications. It
makes no model instances for the rows it works on: a sweep after an outage may escalate
thousands.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import connection, transaction

from ats_milestones.db import json_param
from audit.services import audit_applications_params, audit_applications_sql
from milestones.core.timers import BusinessCalendar, EscalationPlan, escalation_levels_due
from milestones.models import (
    ApplicationMilestone,
    EscalationRule,
    MilestoneDefinition,
)
from milestones.services.timers.calendar import business_calendar_get
from milestones.services.versions.escalations import escalation_level_of
from notifications.services import (
    NotificationRow,
    notification_rows,
    notifications_create_many,
    requisition_recipients_resolver,
    user_ids_with_capability,
)
from recruiting.models import Application, Requisition
from tenants.context import all_tenants_context, tenant_context
from tenants.permissions import Capability

KIND_ESCALATED = "milestone.escalated"
AUDIT_ESCALATED = "milestone.escalated"
logger = logging.getLogger(__name__)

# Ids come back as text (they go back to Postgres in JSON documents, and hash faster as
# dictionary keys), the stay's ctid too: the batch's UPDATE finds each row it holds locked
# by its tuple id, not by a primary key lookup. One table: a row names its requisition, so
# whom to tell needs no read of the applications.
_CLAIM_SQL = f"""
SELECT id::text, ctid::text, tenant_id::text, application_id::text, milestone_id::text,
       entered_at, escalates_at, escalation_level, overdue_since, requisition_id::text
FROM {ApplicationMilestone._meta.db_table}
WHERE state = 'active' AND escalates_at <= %s
ORDER BY escalates_at LIMIT %s
FOR UPDATE SKIP LOCKED
"""  # noqa: S608 -- the table name is the model's, values are parameters


@dataclass(slots=True)
class Stay:
    """A claimed active milestone row, as plain values, with whom it concerns."""

    id: str
    ctid: str
    tenant_id: str
    application_id: str
    milestone_id: str
    entered_at: datetime | None
    escalates_at: datetime | None
    escalation_level: int
    overdue_since: datetime | None
    requisition_id: str


def tenant_calendar(tenant_id, calendars: dict) -> BusinessCalendar:
    """The tenant's business calendar, read once per sweep (call inside its context)."""
    if tenant_id not in calendars:
        calendars[tenant_id] = business_calendar_get()
    return calendars[tenant_id]


@transaction.atomic
def escalation_batch(*, now: datetime, limit: int, result, calendars: dict) -> int:
    """Claim up to `limit` due stays of any tenant and escalate them; how many it claimed."""
    with all_tenants_context(), connection.cursor() as cursor:
        # The planner, misjudging the row-level security filter, would read every due
        # row through a bitmap and sort them to keep `limit`: each batch would cost as
        # much as the whole backlog. Walking the partial index in order stops at `limit`.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(_CLAIM_SQL, [now, limit])
        stays = [Stay(*row) for row in cursor.fetchall()]
        cursor.execute("RESET enable_bitmapscan")  # the rest of the batch plans as usual
    by_tenant = defaultdict(list)
    for stay in stays:
        by_tenant[stay.tenant_id].append(stay)
    for tenant_id, tenant_stays in by_tenant.items():
        with tenant_context(tenant_id):
            _escalate(tenant_stays, now, result, tenant_calendar(tenant_id, calendars))
    return len(stays)


def _escalate(stays: list[Stay], now: datetime, result, calendar: BusinessCalendar) -> None:
    """Apply the levels due to each stay of one tenant: bump the level, mark overdue,
    reschedule (or only reschedule a business-hours level that is not due yet)."""
    levels_of = defaultdict(list)
    for rule in EscalationRule.objects.filter(milestone_id__in={s.milestone_id for s in stays}):
        levels_of[str(rule.milestone_id)].append(escalation_level_of(rule))
    escalated: list[tuple[Stay, EscalationPlan]] = []
    for stay in stays:
        try:
            plan = escalation_levels_due(
                stay.entered_at or stay.escalates_at,
                stay.escalation_level,
                levels_of[stay.milestone_id],
                now,
                calendar,
            )
        except ValueError:
            logger.exception("cannot time the escalation levels of %s", stay.id)
            stay.escalates_at = None
            continue
        stay.escalates_at = plan.next_at
        if not plan.due:
            result.rescheduled += 1  # a business-hours level whose lower bound came early
            continue
        stay.escalation_level = plan.new_level
        if plan.marks_overdue and stay.overdue_since is None:
            # Overdue since the level that says so fell due, not since this sweep saw it.
            stay.overdue_since = next(
                at for level, at in zip(plan.due, plan.due_at, strict=True) if level.mark_overdue
            )
        escalated.append((stay, plan))
        result.escalated_stays += 1
        result.levels_applied += len(plan.due)
    _store(stays, escalated, now)
    if escalated:
        notifications_create_many(rows=_notifications(escalated))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _notifications(escalated: list[tuple[Stay, EscalationPlan]]) -> list[NotificationRow]:
    """What each person behind a level's recipient names is told: one notification per
    application and level, or one digest for their applications reaching the same level
    of the same milestone in this batch (`notification_rows`)."""
    requisitions = {
        str(pk): _Requisition(*rest)
        for pk, *rest in Requisition.objects.filter(
            pk__in={stay.requisition_id for stay, _ in escalated}
        ).values_list("pk", "recruiter_id", "hiring_manager_id", "department_id")
    }
    user_ids = requisition_recipients_resolver(
        requisitions=requisitions.values(),
        recipient_lists=[level.notify for _, plan in escalated for level in plan.due],
    )
    told: dict[tuple, list[Stay]] = defaultdict(list)
    levels = {}
    for stay, plan in escalated:
        for level in plan.due:
            levels[stay.milestone_id, level.level] = level
            for user in user_ids(requisitions[stay.requisition_id], level.notify):
                told[stay.tenant_id, user, (stay.milestone_id, level.level)].append(stay)
    milestones, sensitive = {}, set()
    for pk, name, is_sensitive in MilestoneDefinition.objects.filter(
        pk__in={stay.milestone_id for stay, _ in escalated}
    ).values_list("pk", "name", "is_sensitive"):
        milestones[str(pk)] = name
        if is_sensitive:
            sensitive.add(str(pk))
    if sensitive:  # a sensitive milestone is named only to those who may see it
        may_see = user_ids_with_capability(
            Capability.VIEW_SENSITIVE,
            user_ids={user for (_, user, topic) in told if topic[0] in sensitive},
        )
        told = defaultdict(
            list,
            {
                key: stays
                for key, stays in told.items()
                if key[2][0] not in sensitive or key[1] in may_see
            },
        )
    names = _candidate_names(
        {stays[0].application_id for stays in told.values() if len(stays) == 1}
    )

    def single(topic, stay: Stay) -> tuple[str, str]:
        milestone, level = milestones[topic[0]], levels[topic]
        candidate = names.get(stay.application_id, "A candidate")
        return (
            f"{candidate} is overdue in {milestone} (escalation level {level.level})",
            f"In {milestone} since {stay.entered_at:%Y-%m-%d %H:%M} UTC.{_overdue(level)}",
        )

    def digest(topic, stays: list[Stay]) -> tuple[str, str]:
        milestone, level = milestones[topic[0]], levels[topic]
        earliest = min(stay.entered_at or stay.escalates_at for stay in stays)
        return (
            f"{len(stays)} candidates are overdue in {milestone} (escalation level {level.level})",
            f"In {milestone}, the longest since {earliest:%Y-%m-%d %H:%M} UTC.{_overdue(level)}",
        )

    return notification_rows(
        told,
        kind=KIND_ESCALATED,
        application_of=lambda stay: stay.application_id,
        single=single,
        digest=digest,
    )


def _overdue(level) -> str:
    return " Marked overdue." if level.mark_overdue else ""


def _candidate_names(application_ids: set[str]) -> dict[str, str]:
    """The candidate's name of each application (only those told of one by one)."""
    return {
        str(pk): f"{first} {last}".strip()
        for pk, first, last in Application.objects.filter(pk__in=application_ids).values_list(
            "pk", "candidate__first_name", "candidate__last_name"
        )
    }


class _Requisition(NamedTuple):
    """The people on a requisition, for `requisition_recipient_user_ids`."""

    recruiter_id: int | None
    hiring_manager_id: int | None
    department_id: uuid.UUID | None


_STORE_SQL = f"""
WITH v AS (
    SELECT * FROM jsonb_to_recordset(%(document)s::jsonb) AS v(
        id uuid, ctid tid, application_id text, milestone_id uuid, level int,
        escalates_at timestamptz, overdue_since timestamptz, levels jsonb)
), stored AS (
    UPDATE {ApplicationMilestone._meta.db_table} AS row
    SET escalation_level = v.level, escalates_at = v.escalates_at,
        overdue_since = v.overdue_since, updated_at = %(now)s
    FROM v WHERE row.ctid = v.ctid AND row.id = v.id
), audited AS (
    SELECT v.application_id AS object_id,
           jsonb_build_object('milestone_id', v.milestone_id, 'levels', v.levels,
                              'escalation_level', v.level, 'overdue_since', v.overdue_since,
                              'next_escalation_at', v.escalates_at) AS data
    FROM v WHERE v.levels IS NOT NULL
)
{audit_applications_sql("audited")}
"""  # noqa: S608 -- the table names are the models', values are parameters


def _store(stays: list[Stay], escalated: list[tuple[Stay, EscalationPlan]], now) -> None:
    """One statement for the batch of one tenant: UPDATE every stay (its new level and
    next moment) and INSERT one audit event per escalated stay, from one JSON document
    (bulk_update's CASE expressions, or psycopg's per-element array dumping, cost more in
    Python than the whole statement costs Postgres; a separate audit document cost ~7% of
    the sweep). Each row is found by the tuple id the claim read: the batch holds them
    locked, so none has moved."""
    levels = {id(stay): [level.level for level in plan.due] for stay, plan in escalated}
    document = [
        {
            "id": stay.id,
            "ctid": stay.ctid,
            "application_id": stay.application_id,
            "milestone_id": stay.milestone_id,
            "level": stay.escalation_level,
            "escalates_at": _iso(stay.escalates_at),
            "overdue_since": _iso(stay.overdue_since),
            "levels": levels.get(id(stay)),
        }
        for stay in stays
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _STORE_SQL,
            {
                "document": json_param(document),
                "now": now,
                **audit_applications_params(
                    action=AUDIT_ESCALATED, tenant_id=stays[0].tenant_id, at=now
                ),
            },
        )
