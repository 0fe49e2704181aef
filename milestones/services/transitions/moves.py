"""Moving an application between milestones: one service, one locked row, one write."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ats_milestones.events import Moment, has_subscribers, publish, statement_rows
from audit.services import AUDIT_OBJECT_APPLICATION, audit_event_build
from milestones.core import engine
from milestones.errors import StaleVersion, TransitionRefused
from milestones.events import MilestoneMoved
from milestones.models import (
    ApplicationMilestone,
    MilestoneDefinition,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
)
from milestones.services.transitions.facts import application_facts
from milestones.services.transitions.move_sql import (
    application_lock_and_load,
    move_write,
)
from tenants.actors import SYSTEM, Actor
from tenants.permissions import Capability, actor_require

AUDIT_TRANSITIONED = "milestone.transitioned"


_APPLICATION_FIELDS = ["version", "current_milestone", "status", "reject_reason", "updated_at"]

# Moves that end the candidacy; their reason is kept on the application too.
_CLOSING_ACTIONS = (engine.REJECT, engine.WITHDRAW)


_ROW_FIELDS = [
    "state",
    "entered_at",
    "completed_at",
    "due_at",
    "escalation_level",
    "escalates_at",
    "overdue_since",
    "updated_at",
]


def milestone_rule(definition: MilestoneDefinition) -> engine.MilestoneRule:
    """The engine's view of a definition (also what the sandbox feeds the engine)."""
    return engine.MilestoneRule(
        id=definition.pk,
        code=definition.code,
        order=definition.order,
        mandatory=definition.mandatory,
        gates=tuple(definition.gate_conditions or ()),
        bypass_hire_types=frozenset(definition.bypass_hire_types or ()),
        bypass_roles=frozenset(definition.bypass_approver_roles or ()),
        bypass_reason_required=definition.bypass_reason_required,
        terminal_kind=definition.terminal_kind,
    )


def milestone_row_enter(row: ApplicationMilestone, state: str, now: datetime) -> None:
    """Set a row's state and the times that go with it."""
    row.state = state
    row.updated_at = now
    row.overdue_since = row.escalates_at = None
    if state == MilestoneState.ACTIVE:
        row.entered_at = now
        row.completed_at = None
        sla = row.milestone.sla
        row.due_at = now + sla if sla else None
        row.escalation_level = 0
        # A lower bound when levels count business hours; the sweep pushes it on if early.
        first = row.milestone.first_escalation_after
        row.escalates_at = now + first if first is not None else None
    elif state == MilestoneState.PENDING:
        row.entered_at = row.completed_at = row.due_at = None
        row.escalation_level = 0
    else:
        row.completed_at = now
        row.due_at = None


def _refusal(decision: engine.Decision) -> TransitionRefused:
    fields = {decision.field: [decision.message]} if decision.field else {}
    return TransitionRefused(decision.message, code=decision.error_code, fields=fields)


@transaction.atomic
def application_transition(
    *,
    application_id: uuid.UUID,
    action: engine.MoveAction,
    to_code: str | None = None,
    actor: Actor = SYSTEM,
    cause: TransitionCause = TransitionCause.MANUAL,
    reason: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> MilestoneTransition:
    """Move one application: lock it, check the version the caller saw, ask the engine,
    then write the milestone rows, the transition, the audit event and the new version
    together. `expected_version=None` is for system causes that act on whatever is current.

    Raises StaleVersion (409) when the caller's version is not the stored one and
    TransitionRefused (422, a MilestoneErrorCode) when the framework forbids the move.
    A constant number of queries, however many milestones the version has. A person
    whose role may not move candidates (or bypass, for a bypass) is refused with
    PermissionRefused (403) before anything is locked.
    """
    actor_require(actor, Capability.MOVE)
    if action == engine.MoveAction.BYPASS:
        actor_require(actor, Capability.BYPASS)
    application, rows = application_lock_and_load(application_id)
    if expected_version is not None and application.version != expected_version:
        raise StaleVersion(
            f"the application is at version {application.version}, "
            f"not {expected_version}; reload and try again",
            fields={"If-Match": [f"current version is {application.version}"]},
        )
    view = engine.ApplicationView(
        status=application.status,
        hire_type=application.hire_type,
        progress=tuple(engine.Progress(milestone_rule(row.milestone), row.state) for row in rows),
    )
    move = engine.Move(action=action, to_code=to_code, actor_role=actor.role, reason=reason)
    decision = engine.decide(view, move, application_facts(application=application, rows=rows))
    if not decision.allowed:
        raise _refusal(decision)

    now = now or timezone.now()
    by_milestone = {row.milestone_id: row for row in rows}
    changed = []
    for change in decision.changes:
        row = by_milestone[change.milestone_id]
        milestone_row_enter(row, change.to_state, now)
        changed.append(row)

    by_code = {row.milestone.code: row.milestone for row in rows}
    from_milestone = by_code.get(decision.from_code) if decision.from_code else None
    to_milestone = by_code.get(decision.to_code) if decision.to_code else None
    application.version += 1
    application.current_milestone_id = to_milestone.pk if to_milestone else None
    application.updated_at = now
    if decision.application_status:
        application.status = decision.application_status
    if action in _CLOSING_ACTIONS:
        application.reject_reason = reason.strip()[:200]

    transition = MilestoneTransition(
        tenant_id=application.tenant_id,
        application_id=application.pk,
        from_milestone=from_milestone,
        to_milestone=to_milestone,
        kind=decision.kind,
        cause=cause,
        actor_user_id=actor.user_id,
        actor_api_client_id=actor.api_client_id,
        actor_role=actor.role or "",
        reason=reason,
        at=now,
        application_version=application.version,
    )
    audit = audit_event_build(
        tenant_id=application.tenant_id,
        action=AUDIT_TRANSITIONED,
        actor=actor,
        object_type=AUDIT_OBJECT_APPLICATION,
        object_id=str(application.pk),
        data={
            "transition_id": str(transition.pk),
            "kind": decision.kind,
            "cause": cause,
            "from": decision.from_code,
            "to": decision.to_code,
            "changes": {c.code: [c.from_state, c.to_state] for c in decision.changes},
            "application_status": application.status,
            "version": application.version,
            "reason": reason,
        },
    )
    event = moved_event(
        transition=transition, application=application, decision=decision, actor=actor
    )
    # The subscribers' rows (the outbox event) ride in the move's one statement.
    extra = statement_rows(event) if event is not None else []
    move_write(
        application=application,
        application_fields=_APPLICATION_FIELDS,
        rows=changed,
        row_fields=_ROW_FIELDS,
        inserts=(transition, audit, *extra),
    )
    transition._state.adding = False
    transition._state.db = application._state.db
    if event is not None:
        publish(event, rows_written=True)
    return transition


def publish_moved(*, transition, application, decision, actor: Actor) -> None:
    """Tell the apps above of one move, inside its transaction."""
    event = moved_event(
        transition=transition, application=application, decision=decision, actor=actor
    )
    if event is not None:
        publish(event)


def moved_event(*, transition, application, decision, actor: Actor) -> MilestoneMoved | None:
    """The event of one move, or None when nobody listens (the move is a hot path)."""
    if not any(
        has_subscribers(MilestoneMoved, moment=moment)
        for moment in (Moment.WITH_STATEMENT, Moment.IN_TRANSACTION, Moment.AFTER_COMMIT)
    ):
        return None
    return MilestoneMoved(
        tenant_id=application.tenant_id,
        application_id=application.pk,
        transition_id=transition.pk,
        kind=transition.kind,
        cause=transition.cause,
        from_code=decision.from_code if decision else None,
        to_code=decision.to_code if decision else transition.to_milestone.code,
        application_status=application.status,
        application_version=application.version,
        at=transition.at,
        actor=actor,
    )
