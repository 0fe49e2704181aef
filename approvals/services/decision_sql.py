"""The two statements of an approval decision: one locking read, one write.

A decision through the ORM cost ~30 statements (the round read and locked, the delegations,
the assignment, the tally, the steps twice, three audit rows, the calendar twice, the clock,
the notification's requisition, application and users, the outbox row, the answer re-read),
and the tenant's audit chain lock (docs/audit.md) was held from the first audit row to the
commit. As the move does (milestones/services/transitions/move_sql.py, the kernel's
`ats_milestones.statements`), a decision is now:

- `decision_state_load`: the round (locked), its policy version's number and name, its
  offer version's number, its requisition's title, the deciding person (their user row,
  their active membership's role in the tenant, and whom they stand in for today), the
  tenant's business calendar, and every step with its assignments and their people, in one
  SELECT. It is also the round's look-up (an id not in the tenant finds no row) and, for an
  API client acting for a person, that person's look-up: no statement before it;
- `decision_write`: the assignment, the round, the steps that changed, the audit rows, the
  outbox rows, the next step's clocks and notifications in one statement of data-modifying
  CTEs, the last statement before COMMIT (its audit rows are linked into the tenant's
  chain as it commits, audit/chain.py).

A read that waited for the round's lock sees the round as the other decision left it, but
its steps and assignments as they were when the statement began (Read Committed re-checks
only the locked row). The read compares the round's row version with the one its snapshot
holds and, when they differ, reads again: every change to a round's steps or assignments
also updates the round row, and the lock is ours by then.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.query import QuerySet

from approvals.models import (
    ApprovalAssignment,
    ApprovalDelegation,
    ApprovalPolicy,
    ApprovalPolicyVersion,
    ApprovalRound,
    ApprovalStep,
    OfferVersion,
)
from ats_milestones.db import json_param
from ats_milestones.statements import (
    columns,
    insert_groups,
    model_from_db,
    model_partial,
    select_list,
    update_document,
    update_sql,
    with_statement,
)
from milestones.core.timers import BusinessCalendar
from milestones.models import Holiday, MilestoneSettings
from milestones.services.timers.calendar import business_calendar_of
from recruiting.models import Requisition
from tenants.context import current_tenant_id
from tenants.errors import TenantContextMissing
from tenants.models import Membership

ROUND_FIELDS = (
    "version",
    "status",
    "finished_at",
    "outcome_reason",
    "current_position",
    "updated_at",
)
STEP_FIELDS = ("status", "due_at", "resolved_at", "updated_at")
ASSIGNMENT_FIELDS = ("decision", "comment", "reason", "decided_at", "decided_by", "updated_at")


@dataclass
class DecisionState:
    """What a decision reads, as model instances: the round (its steps, each step's
    assignments and their approver and decider prefetched as the API's answer reads them)."""

    round: ApprovalRound
    steps: list[ApprovalStep]
    requisition_title: str
    delegators: list[int]
    actor_user: Model | None
    actor_role: str | None  # the deciding person's active membership's role; None: none
    calendar_settings: MilestoneSettings | None  # None: the tenant never saved any
    holidays: list[datetime.date] = field(default_factory=list)

    def business_calendar(self) -> BusinessCalendar:
        """The tenant's calendar, as `business_calendar_get` reads it."""
        return business_calendar_of(self.calendar_settings or MilestoneSettings(), self.holidays)


def _user_model():
    return get_user_model()


@cache
def _load_sql() -> str:
    user = _user_model()._meta.db_table
    t = {
        model.__name__: model._meta.db_table
        for model in (
            ApprovalRound,
            ApprovalPolicyVersion,
            ApprovalPolicy,
            Requisition,
            OfferVersion,
            MilestoneSettings,
            Holiday,
            ApprovalDelegation,
            ApprovalStep,
            ApprovalAssignment,
            Membership,
        )
    }
    select = ", ".join(
        [
            *select_list(ApprovalRound, "r"),
            "r.xmin::text",
            # The same row as the statement's snapshot holds it (see the module's note).
            f"(SELECT x.xmin::text FROM {t['ApprovalRound']} x WHERE x.id = r.id)",  # noqa: S608
            "pv.policy_id",
            "pv.number",
            "p.name",
            "ov.number",
            "q.title",
            f"ARRAY(SELECT dl.delegator_id FROM {t['ApprovalDelegation']} dl "  # noqa: S608
            "WHERE dl.tenant_id = r.tenant_id AND dl.delegate_id = %(actor)s "
            "AND dl.cancelled_at IS NULL AND dl.starts_on <= %(today)s "
            "AND dl.ends_on >= %(today)s)",
            "ms.id IS NOT NULL",
            "ms.business_timezone",
            "ms.business_day_start",
            "ms.business_day_end",
            "ms.business_weekdays::text",
            f"ARRAY(SELECT h.date FROM {t['Holiday']} h "  # noqa: S608
            "WHERE h.tenant_id = r.tenant_id)",
            "mm.role",
            *select_list(_user_model(), "me"),
            *select_list(ApprovalStep, "s"),
            *select_list(ApprovalAssignment, "a"),
            *select_list(_user_model(), "u"),
            *select_list(_user_model(), "d"),
        ]
    )
    same_tenant = "AND {a}.tenant_id = r.tenant_id "
    return (
        f"SELECT {select} FROM {t['ApprovalRound']} r "  # noqa: S608 -- model names
        f"JOIN {t['ApprovalPolicyVersion']} pv ON pv.id = r.policy_version_id "
        + same_tenant.format(a="pv")
        + f"JOIN {t['ApprovalPolicy']} p ON p.id = pv.policy_id "
        + same_tenant.format(a="p")
        + f"JOIN {t['Requisition']} q ON q.id = r.requisition_id "
        + same_tenant.format(a="q")
        + f"LEFT JOIN {t['OfferVersion']} ov ON ov.id = r.offer_version_id "
        + same_tenant.format(a="ov")
        + f"LEFT JOIN {t['MilestoneSettings']} ms ON ms.tenant_id = r.tenant_id "
        f"LEFT JOIN {user} me ON me.id = %(actor)s "
        f"LEFT JOIN {t['Membership']} mm ON mm.user_id = me.id AND mm.tenant_id = r.tenant_id "
        "AND mm.is_active "
        f"LEFT JOIN {t['ApprovalStep']} s ON s.round_id = r.id "
        + same_tenant.format(a="s")
        + f"LEFT JOIN {t['ApprovalAssignment']} a ON a.step_id = s.id "
        + same_tenant.format(a="a")
        + f"LEFT JOIN {user} u ON u.id = a.approver_id "
        f"LEFT JOIN {user} d ON d.id = a.decided_by_id "
        "WHERE r.id = %(round)s AND r.tenant_id = %(tenant)s "
        "ORDER BY s.index, a.created_at, a.id FOR UPDATE OF r"
    )


def _cached(model: type[Model], rows: list) -> QuerySet:
    """A queryset whose results are `rows`, as a prefetch leaves it on its owner."""
    queryset = QuerySet(model=model)
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def _slices(*models_or_widths) -> list[slice]:
    out, start = [], 0
    for item in models_or_widths:
        width = item if isinstance(item, int) else len(columns(item))
        out.append(slice(start, start + width))
        start += width
    return out


def decision_state_load(
    round_id: uuid.UUID, *, actor_user_id: int | None, today: datetime.date
) -> DecisionState:
    """Lock the round of the tenant in context and read what a decision on it needs (one
    statement; two when another decision held the lock). Raises ApprovalRound.DoesNotExist."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantContextMissing("a decision needs a tenant in context")
    connection = connections[DEFAULT_DB_ALIAS]
    params = {"round": round_id, "tenant": tenant_id, "actor": actor_user_id, "today": today}
    with connection.cursor() as cursor:
        cursor.execute(_load_sql(), params)
        records = cursor.fetchall()
        if (
            records
            and records[0][len(columns(ApprovalRound))]
            != records[0][len(columns(ApprovalRound)) + 1]
        ):
            cursor.execute(_load_sql(), params)  # the lock was waited for: read it fresh
            records = cursor.fetchall()
    if not records:
        raise ApprovalRound.DoesNotExist(f"no approval round {round_id}")
    return _state(records, connection)


def _state(records: list, connection) -> DecisionState:
    user = _user_model()
    (
        round_cols,
        extra,
        me_cols,
        step_cols,
        assignment_cols,
        approver_cols,
        decider_cols,
    ) = _slices(ApprovalRound, 15, user, ApprovalStep, ApprovalAssignment, user, user)
    first = records[0]
    round_ = model_from_db(ApprovalRound, first[round_cols], connection)
    (
        _xmin,
        _snapshot_xmin,
        policy_id,
        policy_version_number,
        policy_name,
        offer_version_number,
        requisition_title,
        delegators,
        has_settings,
        timezone_name,
        day_start,
        day_end,
        weekdays,
        holidays,
        actor_role,
    ) = first[extra]
    policy = model_partial(ApprovalPolicy, connection, id=policy_id, name=policy_name)
    version = model_partial(
        ApprovalPolicyVersion,
        connection,
        id=round_.policy_version_id,
        policy_id=policy_id,
        number=policy_version_number,
    )
    ApprovalPolicyVersion._meta.get_field("policy").set_cached_value(version, policy)
    ApprovalRound._meta.get_field("policy_version").set_cached_value(round_, version)
    offer_version = None
    if round_.offer_version_id is not None:
        offer_version = model_partial(
            OfferVersion, connection, id=round_.offer_version_id, number=offer_version_number
        )
    ApprovalRound._meta.get_field("offer_version").set_cached_value(round_, offer_version)
    people: dict[int, Model] = {}

    def person(values) -> Model | None:
        if values[0] is None:
            return None
        if values[0] not in people:
            people[values[0]] = model_from_db(user, values, connection)
        return people[values[0]]

    actor_user = person(first[me_cols])
    approver_field = ApprovalAssignment._meta.get_field("approver")
    decider_field = ApprovalAssignment._meta.get_field("decided_by")
    steps: list[ApprovalStep] = []
    by_step: dict = {}
    for record in records:
        if record[step_cols][0] is None:  # a round without steps
            break
        step_id = record[step_cols][0]
        if step_id not in by_step:
            step = model_from_db(ApprovalStep, record[step_cols], connection)
            by_step[step_id] = []
            steps.append(step)
            step._prefetched_objects_cache = {"assignments": _cached(ApprovalAssignment, [])}
        if record[assignment_cols][0] is None:  # a skipped step has nobody
            continue
        assignment = model_from_db(ApprovalAssignment, record[assignment_cols], connection)
        approver_field.set_cached_value(assignment, person(record[approver_cols]))
        decider_field.set_cached_value(assignment, person(record[decider_cols]))
        steps[-1].assignments.all()._result_cache.append(assignment)
    round_._prefetched_objects_cache = {"steps": _cached(ApprovalStep, steps)}
    settings = None
    if has_settings:
        settings = MilestoneSettings(
            business_timezone=timezone_name,
            business_day_start=day_start,
            business_day_end=day_end,
            business_weekdays=json.loads(weekdays) if weekdays else [],
        )
    return DecisionState(
        round=round_,
        steps=steps,
        requisition_title=requisition_title,
        delegators=list(delegators),
        actor_user=actor_user,
        actor_role=actor_role,
        calendar_settings=settings,
        holidays=list(holidays),
    )


@cache
def _write_sql(with_assignment: bool, inserts: tuple[str, ...]) -> str:
    parts = [
        update_sql(ApprovalRound, ROUND_FIELDS, many=False),
        update_sql(ApprovalStep, STEP_FIELDS, many=True),
    ]
    if with_assignment:
        parts.append(update_sql(ApprovalAssignment, ASSIGNMENT_FIELDS, many=False))
    return with_statement([*parts, *inserts])


def decision_write(
    *,
    round_: ApprovalRound,
    steps: list[ApprovalStep],
    assignment: ApprovalAssignment | None,
    inserts: list[Model],
) -> None:
    """Write the round, the changed `steps`, the decided `assignment` (none for an
    override, which saved its own) and the new rows of `inserts` (audit rows, outbox rows,
    clocks, notifications; each model's rows in the order given) in one statement."""
    insert_parts, documents = insert_groups(inserts)
    tenant_id = round_.tenant_id
    params = [
        json_param(update_document(round_, ROUND_FIELDS)),
        tenant_id,
        json_param([update_document(s, STEP_FIELDS) for s in steps]),
        tenant_id,
    ]
    if assignment is not None:
        params += [json_param(update_document(assignment, ASSIGNMENT_FIELDS)), tenant_id]
    params += [json_param(docs if len(docs) > 1 else docs[0]) for docs in documents]
    sql = _write_sql(assignment is not None, tuple(insert_parts))
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
