"""An approver's decision, and what it resolves: the step, the next steps, the round."""

from __future__ import annotations

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
from approvals.services.delegation import delegators_of
from approvals.services.notify import notify_due_steps
from approvals.services.rounds import close_round, open_steps, round_audit, round_event, round_lock
from ats_milestones.events import publish
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require

E = ApprovalErrorCode
APPROVE = "approve"
DECLINE = "decline"
DECISIONS = {APPROVE: Decision.APPROVED, DECLINE: Decision.DECLINED}


def _my_assignment(round_: ApprovalRound, actor: Actor, step) -> ApprovalAssignment:
    """The actor's assignment to decide now (their own first, then one of a person who
    delegated to them today), or why there is none."""
    approvers = [actor.user_id, *delegators_of(actor.user_id)]
    mine = sorted(
        ApprovalAssignment.objects.filter(round=round_, approver_id__in=approvers)
        .select_related("step")
        .order_by("step__index"),
        key=lambda a: (a.approver_id != actor.user_id, a.step.index),
    )
    if step is not None:
        mine = [a for a in mine if a.step_id == step.pk]
    if not mine:
        raise ApprovalError(
            E.NOT_AN_APPROVER,
            "You are not an approver of this step.",
            fields={"step": ["not yours"]},
        )
    pending = [a for a in mine if a.decision == Decision.PENDING]
    due = [a for a in pending if a.step.status == StepStatus.DUE]
    if due:
        return due[0]
    if pending and pending[0].step.status == StepStatus.WAITING:
        raise ApprovalError(E.STEP_NOT_DUE, "Your step is not due yet: an earlier step is open.")
    if pending:
        raise ApprovalError(E.STEP_NOT_DUE, "Your step is already resolved.")
    raise ApprovalError(E.ALREADY_DECIDED, "You have already decided on this approval.")


@transaction.atomic
def approval_decide(
    *,
    round: ApprovalRound,
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
    deciding the last open place of a step at once resolve it exactly once."""
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
    locked = round_lock(round, expected_version)
    if not locked.is_open:
        raise ApprovalError(
            E.ROUND_NOT_OPEN, f"This approval is already {locked.get_status_display().lower()}."
        )
    assignment = _my_assignment(locked, actor, step)
    now = timezone.now()
    assignment.decision = DECISIONS[decision]
    assignment.comment = comment.strip()
    assignment.reason = reason.strip()
    assignment.decided_at = now
    assignment.decided_by_id = actor.user_id
    assignment.save(
        update_fields=["decision", "comment", "reason", "decided_at", "decided_by", "updated_at"]
    )
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    round_audit(
        f"approval.{'approved_step' if decision == APPROVE else 'declined_step'}",
        locked,
        actor,
        step=assignment.step.name,
        comment=assignment.comment,
        reason=assignment.reason,
        on_behalf_of=(assignment.approver_id if assignment.approver_id != actor.user_id else None),
    )
    _resolve(locked, assignment.step, actor, now, assignment.reason)
    return locked


def _resolve(round_: ApprovalRound, step: ApprovalStep, actor: Actor, now, reason: str) -> None:
    tally = list(ApprovalAssignment.objects.filter(step=step).values_list("decision", flat=True))
    outcome = core.step_outcome(
        quorum=step.quorum,
        n=step.quorum_n,
        veto=step.veto,
        total=len(tally),
        approved=tally.count(Decision.APPROVED),
        declined=tally.count(Decision.DECLINED),
    )
    if outcome is None:
        return
    step.status = StepStatus.APPROVED if outcome == "approved" else StepStatus.DECLINED
    step.resolved_at = now
    step.save(update_fields=["status", "resolved_at", "updated_at"])
    round_audit("approval.step_resolved", round_, actor, step=step.name, outcome=outcome)

    def step_resolved(due: list[ApprovalStep]) -> None:
        publish(
            round_event(
                events.ApprovalStepResolved,
                round_,
                actor,
                step_id=step.pk,
                step_name=step.name,
                step_outcome=outcome,
                due_step_ids=tuple(s.pk for s in due),
            )
        )

    if outcome == "declined":
        close_round(round_, RoundStatus.DECLINED, reason, now)
        step_resolved([])
        round_audit("approval.declined", round_, actor, step=step.name, reason=reason)
        publish(round_event(events.ApprovalDeclined, round_, actor))
        return
    steps = list(ApprovalStep.objects.filter(round=round_).order_by("index"))
    due: list[ApprovalStep] = []
    group_open = any(s.group == step.group and s.status == StepStatus.DUE for s in steps)
    if not group_open:
        later = sorted({s.group for s in steps if s.status == StepStatus.WAITING})
        if later:
            due = open_steps(round_, steps, later[0], now)
            round_.save(update_fields=["current_position", "updated_at"])
        else:
            close_round(round_, RoundStatus.APPROVED, "", now)
    step_resolved(due)
    if round_.status == RoundStatus.APPROVED:
        round_audit("approval.approved", round_, actor)
        publish(round_event(events.ApprovalApproved, round_, actor))
    notify_due_steps(round_, due)
