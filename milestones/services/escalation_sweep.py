"""The escalation half of the timer sweep: claim due stays, apply their levels once.

A batch is one transaction of a constant number of statements: claim (partial index,
SKIP LOCKED, one table), read the levels and the people to notify, one UPDATE of the
stays, one INSERT of notifications, one INSERT of audit events. It makes no model
instances for the rows it works on: a sweep after an outage may escalate thousands.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from django.db import connection, transaction

from ats_milestones.db import array_param, json_param
from compliance.models import AuditEvent
from recruiting.models import Application, Candidate, Requisition
from reporting.services import (
    RECIPIENT_HRBP,
    NotificationRow,
    hrbp_user_ids_by_department,
    notifications_create_many,
    requisition_recipient_user_ids,
)
from tenants.context import all_tenants_context, tenant_context

from ..models import (
    ApplicationMilestone,
    EscalationRule,
    Holiday,
    MilestoneDefinition,
    MilestoneSettings,
)
from ..timers import BusinessCalendar, EscalationPlan, escalation_levels_due
from .escalations import business_calendar_of, escalation_level_of

KIND_ESCALATED = "milestone.escalated"
AUDIT_ESCALATED = "milestone.escalated"
logger = logging.getLogger(__name__)

_CLAIM_SQL = f"""
SELECT id, tenant_id, application_id, milestone_id, entered_at, escalates_at,
       escalation_level, overdue_since
FROM {ApplicationMilestone._meta.db_table}
WHERE state = 'active' AND escalates_at <= %s
ORDER BY escalates_at LIMIT %s
FOR UPDATE SKIP LOCKED
"""  # noqa: S608 -- the table name is the model's, values are parameters


@dataclass(slots=True)
class Stay:
    """A claimed active milestone row, as plain values."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    application_id: uuid.UUID
    milestone_id: uuid.UUID
    entered_at: datetime | None
    escalates_at: datetime | None
    escalation_level: int
    overdue_since: datetime | None


def tenant_calendar(tenant_id, calendars: dict) -> BusinessCalendar:
    """The tenant's business calendar, read once per sweep (call inside its context)."""
    if tenant_id not in calendars:
        calendars[tenant_id] = business_calendar_of(
            MilestoneSettings.objects.first(), Holiday.objects.values_list("date", flat=True)
        )
    return calendars[tenant_id]


@transaction.atomic
def escalation_batch(*, now: datetime, limit: int, result, calendars: dict) -> int:
    """Claim up to `limit` due stays of any tenant and escalate them; how many it claimed."""
    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [now, limit])
        stays = [Stay(*row) for row in cursor.fetchall()]
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
        levels_of[rule.milestone_id].append(escalation_level_of(rule))
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
            stay.overdue_since = now
        escalated.append((stay, plan))
        result.escalated_stays += 1
        result.levels_applied += len(plan.due)
    _store(stays, now)
    if escalated:
        notifications_create_many(rows=_notifications(escalated))
        _audit(escalated, now)


@cache
def _people_sql() -> str:
    # Driven by the application ids, primary keys all the way. The requisitions are read
    # apart: joined here, a generic plan re-scanned the batch once per requisition.
    return f"""
SELECT a.id, trim(c.first_name || ' ' || c.last_name), a.requisition_id
FROM {Application._meta.db_table} a JOIN {Candidate._meta.db_table} c ON c.id = a.candidate_id
WHERE a.id = ANY({array_param(connection)}::uuid[])
"""  # noqa: S608 -- the table names are the models', values are parameters


class _People(NamedTuple):
    """An application's candidate name and its requisition's people."""

    candidate: str
    recruiter_id: int | None
    hiring_manager_id: int | None
    department_id: uuid.UUID | None


def _notifications(escalated: list[tuple[Stay, EscalationPlan]]) -> list[NotificationRow]:
    """One notification per level applied and person behind its recipient names."""
    with connection.cursor() as cursor:
        cursor.execute(_people_sql(), [[stay.application_id for stay, _ in escalated]])
        candidates = {pk: (name, requisition_id) for pk, name, requisition_id in cursor}
    requisitions = {
        pk: rest
        for pk, *rest in Requisition.objects.filter(
            pk__in={requisition_id for _, requisition_id in candidates.values()}
        ).values_list("pk", "recruiter_id", "hiring_manager_id", "department_id")
    }
    people = {
        pk: _People(name, *requisitions[requisition_id])
        for pk, (name, requisition_id) in candidates.items()
    }
    milestone_names = dict(
        MilestoneDefinition.objects.filter(
            pk__in={stay.milestone_id for stay, _ in escalated}
        ).values_list("pk", "name")
    )
    hrbps = {}
    if any(RECIPIENT_HRBP in level.notify for _, plan in escalated for level in plan.due):
        hrbps = hrbp_user_ids_by_department(
            department_ids={person.department_id for person in people.values()}
        )
    wanted = []
    for stay, plan in escalated:
        person = people[stay.application_id]
        for level in plan.due:
            users = requisition_recipient_user_ids(
                requisition=person, recipients=level.notify, hrbps_by_department=hrbps
            )
            wanted.append((stay, level, users, person.candidate))
    rows = []
    for stay, level, users, candidate in wanted:
        milestone = milestone_names[stay.milestone_id]
        title = f"{candidate} is overdue in {milestone} (escalation level {level.level})"
        body = f"In {milestone} since {stay.entered_at:%Y-%m-%d %H:%M} UTC." + (
            " Marked overdue." if level.mark_overdue else ""
        )
        rows += [
            NotificationRow(
                tenant_id=stay.tenant_id,
                recipient_id=user,
                kind=KIND_ESCALATED,
                title=title,
                body=body,
                application_id=stay.application_id,
            )
            for user in users
        ]
    return rows


_STORE_SQL = f"""
UPDATE {ApplicationMilestone._meta.db_table} AS row
SET escalation_level = v.level, escalates_at = v.escalates_at,
    overdue_since = v.overdue_since, updated_at = %s
FROM jsonb_to_recordset(%s::jsonb)
    AS v(id uuid, level int, escalates_at timestamptz, overdue_since timestamptz)
WHERE row.id = v.id
"""  # noqa: S608 -- the table name is the model's, values are parameters


def _store(stays: list[Stay], now: datetime) -> None:
    """One UPDATE for the batch, its values one JSON document (bulk_update's CASE
    expressions, or psycopg's per-element array dumping, cost more in Python than the
    whole statement costs Postgres)."""
    document = [
        {
            "id": stay.id,
            "level": stay.escalation_level,
            "escalates_at": stay.escalates_at,
            "overdue_since": stay.overdue_since,
        }
        for stay in stays
    ]
    with connection.cursor() as cursor:
        cursor.execute(_STORE_SQL, [now, json_param(document)])


_AUDIT_SQL = f"""
INSERT INTO {AuditEvent._meta.db_table}
    (id, tenant_id, created_at, updated_at, at, action, object_type, object_id, data)
SELECT gen_random_uuid(), %s, %s, %s, %s, %s, 'recruiting.Application', v.object_id, v.data
FROM jsonb_to_recordset(%s::jsonb) AS v(object_id text, data jsonb)
"""  # noqa: S608 -- the table name is the model's, values are parameters


def _audit(escalated: list[tuple[Stay, EscalationPlan]], now: datetime) -> None:
    """One audit event per escalated stay (of one tenant), in one INSERT."""
    document = [
        {
            "object_id": str(stay.application_id),
            "data": {
                "milestone_id": stay.milestone_id,
                "levels": [level.level for level in plan.due],
                "escalation_level": stay.escalation_level,
                "overdue_since": stay.overdue_since,
                "next_escalation_at": plan.next_at,
            },
        }
        for stay, plan in escalated
    ]
    tenant_id = escalated[0][0].tenant_id
    with connection.cursor() as cursor:
        cursor.execute(
            _AUDIT_SQL, [tenant_id, now, now, now, AUDIT_ESCALATED, json_param(document)]
        )
