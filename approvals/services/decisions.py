"""An approver's decision, and what it resolves: the step, the next steps, the round.

A decision is a hot path: one locking read and one write (`decision_sql`), whatever the
number of steps and approvers; what it resolves is worked out in memory in between
(`_resolution`), shared with an admin's override (`step_resolve`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone

from approvals import core, events
from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import (
    ApprovalAssignment,
    ApprovalRound,
    ApprovalStep,
    Decision,
    RoundStatus,
    StepStatus,
)
from approvals.services.decision_sql import DecisionState, decision_state_load, decision_write
from approvals.services.notify import due_step_notifications
from approvals.services.reminders import step_clocks_build
from approvals.services.rounds import (
    round_audit_build,
    round_event,
    round_finish,
    steps_close,
    steps_open,
)
from ats_milestones.errors import DomainError, InvalidReference
from ats_milestones.events import publish_many, statement_rows
from notifications.services import notification_emails_after_commit
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require

E = ApprovalErrorCode
APPROVE = "approve"
DECLINE = "decline"
DECISIONS = {APPROVE: Decision.APPROVED, DECLINE: Decision.DECLINED}


def _my_assignment(state: DecisionState, actor: Actor, step) -> ApprovalAssignment:
    """The actor's assignment to decide now (their own first, then one of a person who
    delegated to them today), or why there is none."""
    approvers = {actor.user_id, *state.delegators} - {None}
    mine = sorted(
        (
            (s, a)
            for s in state.steps
            for a in s.assignments.all()
            if a.approver_id in approvers and (step is None or s.pk == step.pk)
        ),
        key=lambda pair: (pair[1].approver_id != actor.user_id, pair[0].index),
    )
    if not mine:
        raise ApprovalError(
            E.NOT_AN_APPROVER,
            "You are not an approver of this step.",
            fields={"step": ["not yours"]},
        )
    pending = [(s, a) for s, a in mine if a.decision == Decision.PENDING]
    due = [a for s, a in pending if s.status == StepStatus.DUE]
    if due:
        return due[0]
    if pending and pending[0][0].status == StepStatus.WAITING:
        raise ApprovalError(E.STEP_NOT_DUE, "Your step is not due yet: an earlier step is open.")
    if pending:
        raise ApprovalError(E.STEP_NOT_DUE, "Your step is already resolved.")
    raise ApprovalError(E.ALREADY_DECIDED, "You have already decided on this approval.")


def approval_decide(
    *,
    round: ApprovalRound | uuid.UUID,
    actor: Actor,
    decision: str,
    comment: str = "",
    reason: str = "",
    step: ApprovalStep | None = None,
    expected_version: int | None = None,
) -> ApprovalRound:
    """Approve or decline as one approver of a due step. Needs the APPROVE capability and an
    assignment on the due step (403 otherwise); a decline needs a reason (400); a round that
    is not open, or a step not due, answers 409. The round row is locked, so two approvers
    deciding the last open place of a step at once resolve it exactly once.

    `round` is the round or its id: the locking read is also its look-up (an id not in the
    tenant raises ApprovalRound.DoesNotExist). An API client acting for a person (`actor`
    with both ids) has that person's role read there too: a person without an active
    membership in the tenant is an InvalidReference naming `acting_user`.

    Returns the round as it now stands, with its steps, their assignments and people, and
    its policy and offer versions loaded (what the API answers), read once before the write.
    """
    round_id = round.pk if isinstance(round, ApprovalRound) else round
    role_read = actor.api_client_id is not None and actor.user_id is not None
    if not role_read:
        _refuse_early(actor, decision, reason)
    refusal: Exception | None = None
    # No savepoint of its own inside a caller's transaction (an Idempotency-Key's): a
    # refusal is found before anything is written and raised once the block is left, so
    # the caller's transaction stays usable for what it records about the refusal.
    with transaction.atomic(savepoint=False):
        try:
            state = decision_state_load(
                round_id, actor_user_id=actor.user_id, today=timezone.localdate()
            )
            if role_read:
                actor = _acting_person(state, actor)
                _refuse_early(actor, decision, reason)
            _decide(state, actor, decision, comment, reason, step, expected_version)
        except (DomainError, ApprovalRound.DoesNotExist) as exc:
            refusal = exc
    if refusal is not None:
        raise refusal
    return state.round


def _refuse_early(actor: Actor, decision: str, reason: str) -> None:
    """What refuses a decision before its round is looked at, in this order."""
    actor_require(actor, Capability.APPROVE)
    if decision not in DECISIONS:
        raise ApprovalError(
            E.INVALID_DECISION,
            "Decide with approve or decline.",
            fields={"decision": ["use approve or decline"]},
        )
    if decision == DECLINE and not reason.strip():
        raise ApprovalError(
            E.REASON_REQUIRED, "Say why you decline.", fields={"reason": ["a reason is required"]}
        )


def _acting_person(state: DecisionState, actor: Actor) -> Actor:
    """An API client's Actor with its person's role in the tenant, as the read found it."""
    if state.actor_role is None:
        raise InvalidReference(
            f"No person {actor.user_id} in this tenant.",
            fields={"acting_user": [f'Invalid pk "{actor.user_id}" - object does not exist.']},
        )
    return replace(actor, role=state.actor_role)


def _decide(state: DecisionState, actor, decision, comment, reason, step, expected) -> None:
    locked = state.round
    if expected is not None and expected != locked.version:
        raise ApprovalError(
            E.STALE_VERSION,
            "This approval changed since you loaded it; reload and try again.",
            fields={"version": [f"the current version is {locked.version}"]},
        )
    if not locked.is_open:
        raise ApprovalError(
            E.ROUND_NOT_OPEN, f"This approval is already {locked.get_status_display().lower()}."
        )
    assignment = _my_assignment(state, actor, step)
    now = timezone.now()
    assignment.decision = DECISIONS[decision]
    assignment.comment = comment.strip()
    assignment.reason = reason.strip()
    assignment.decided_at = now
    assignment.decided_by_id = actor.user_id
    assignment.updated_at = now
    ApprovalAssignment._meta.get_field("decided_by").set_cached_value(assignment, state.actor_user)
    locked.version += 1
    locked.updated_at = now
    decided_step = next(s for s in state.steps if s.pk == assignment.step_id)
    audit = round_audit_build(
        f"approval.{'approved_step' if decision == APPROVE else 'declined_step'}",
        locked,
        actor,
        step=decided_step.name,
        comment=assignment.comment,
        reason=assignment.reason,
        on_behalf_of=(assignment.approver_id if assignment.approver_id != actor.user_id else None),
    )
    resolution = _resolution(state, decided_step, actor, now, assignment.reason)
    resolution.audits.insert(0, audit)
    _write(state, resolution, assignment)


@dataclass
class _Resolution:
    """What a decision resolved, in memory, for one write."""

    steps: list[ApprovalStep] = field(default_factory=list)  # changed
    audits: list = field(default_factory=list)
    events: list = field(default_factory=list)
    due: list[ApprovalStep] = field(default_factory=list)


def _resolution(
    state: DecisionState, step: ApprovalStep, actor: Actor, now, reason: str
) -> _Resolution:
    """Whether `step` is now resolved and, if so, what follows: the next group due or the
    round's end, with their audit rows and events in the order they happen."""
    round_ = state.round
    out = _Resolution()
    tally = [a.decision for a in step.assignments.all()]
    outcome = core.step_outcome(
        quorum=step.quorum,
        n=step.quorum_n,
        veto=step.veto,
        total=len(tally),
        approved=tally.count(Decision.APPROVED),
        declined=tally.count(Decision.DECLINED),
    )
    if outcome is None:
        return out
    step.status = StepStatus.APPROVED if outcome == "approved" else StepStatus.DECLINED
    step.resolved_at = step.updated_at = now
    out.steps.append(step)
    out.audits.append(
        round_audit_build("approval.step_resolved", round_, actor, step=step.name, outcome=outcome)
    )

    def step_resolved(due: list[ApprovalStep]):
        return round_event(
            events.ApprovalStepResolved,
            round_,
            actor,
            step_id=step.pk,
            step_name=step.name,
            step_outcome=outcome,
            due_step_ids=tuple(s.pk for s in due),
        )

    if outcome == "declined":
        round_finish(round_, RoundStatus.DECLINED, reason, now)
        out.steps += steps_close(state.steps, now)
        out.events.append(step_resolved([]))
        out.audits.append(
            round_audit_build("approval.declined", round_, actor, step=step.name, reason=reason)
        )
        out.events.append(round_event(events.ApprovalDeclined, round_, actor))
        return out
    group_open = any(s.group == step.group and s.status == StepStatus.DUE for s in state.steps)
    if not group_open:
        later = sorted({s.group for s in state.steps if s.status == StepStatus.WAITING})
        if later:
            out.due = steps_open(state.steps, later[0], now)
            out.steps += out.due
            round_.current_position = min(s.position for s in out.due)
            round_.updated_at = now
        else:
            round_finish(round_, RoundStatus.APPROVED, "", now)
    out.events.append(step_resolved(out.due))
    if round_.status == RoundStatus.APPROVED:
        out.audits.append(round_audit_build("approval.approved", round_, actor))
        out.events.append(round_event(events.ApprovalApproved, round_, actor))
    return out


def _write(
    state: DecisionState, resolution: _Resolution, assignment: ApprovalAssignment | None
) -> None:
    """Everything a decision changed in one statement, then its events (their outbox rows
    ride in the statement)."""
    clocks = step_clocks_build(resolution.due, state.business_calendar()) if resolution.due else []
    notifications = due_step_notifications(
        state.round, resolution.due, requisition_title=state.requisition_title
    )
    outbox = [row for event in resolution.events for row in statement_rows(event)]
    decision_write(
        round_=state.round,
        steps=resolution.steps,
        assignment=assignment,
        inserts=[*resolution.audits, *outbox, *clocks, *notifications],
    )
    publish_many(resolution.events, rows_written=True)
    notification_emails_after_commit(notifications)


def step_resolve(round_: ApprovalRound, step: ApprovalStep, actor: Actor, now, reason: str) -> None:
    """What an override's decision (already saved with the round's new version) resolves,
    as a decision resolves it: one read and one write. `round_` is updated to match."""
    state = decision_state_load(round_.pk, actor_user_id=None, today=timezone.localdate())
    loaded = next(s for s in state.steps if s.pk == step.pk)
    resolution = _resolution(state, loaded, actor, now, reason)
    if not resolution.steps:
        return
    _write(state, resolution, None)
    for name in ("status", "finished_at", "outcome_reason", "version", "current_position"):
        setattr(round_, name, getattr(state.round, name))
    step.status, step.resolved_at = loaded.status, loaded.resolved_at
