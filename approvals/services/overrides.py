"""An admin's overrides of an unresolved step: replace an approver, or decide on an
approver's behalf. A mandatory reason each; for an executive hire a second admin confirms
before it takes effect. Every one is audited and, once applied, published as
`approval.overridden`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from approvals import events
from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import (
    ApprovalAssignment,
    ApprovalOverride,
    ApprovalRound,
    ApprovalStep,
    Decision,
    OverrideKind,
    OverrideStatus,
    StepStatus,
    SubjectKind,
)
from approvals.services.decisions import DECISIONS, DECLINE, step_resolve
from approvals.services.notify import MY_APPROVALS_PATH, NOTIFICATION_KIND
from approvals.services.rounds import round_audit, round_event, round_lock
from approvals.services.subjects import (
    approval_facts,
    subject_of_milestone,
    subject_of_offer,
    subject_of_requisition,
)
from ats_milestones.events import publish
from notifications.services import notification_send_to_users, user_ids_with_capability
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require

E = ApprovalErrorCode
_UNRESOLVED = (StepStatus.WAITING, StepStatus.DUE)


def _invalid(field: str, message: str) -> ApprovalError:
    return ApprovalError(E.INVALID_OVERRIDE, message, fields={field: [message]})


def executive_hire(round_: ApprovalRound) -> bool:
    """Whether the round's subject is an executive hire (a second admin confirms)."""
    if round_.subject_kind == SubjectKind.OFFER:
        subject = subject_of_offer(round_.offer)
    elif round_.subject_kind == SubjectKind.MILESTONE:
        subject = subject_of_milestone(round_.application, round_.milestone_code)
    else:
        subject = subject_of_requisition(round_.requisition)
    return bool(approval_facts(subject).get("hire.executive"))


def _pending_assignment(round_, step: ApprovalStep, approver_id: int) -> ApprovalAssignment:
    if not round_.is_open:
        raise ApprovalError(
            E.ROUND_NOT_OPEN, f"This approval is already {round_.get_status_display().lower()}."
        )
    fresh = ApprovalStep.objects.get(pk=step.pk)
    if fresh.round_id != round_.pk:
        raise _invalid("step", "This step is not part of this approval.")
    if fresh.status not in _UNRESOLVED:
        raise ApprovalError(E.STEP_NOT_DUE, "This step is already resolved.")
    assignment = (
        ApprovalAssignment.objects.select_related("step")
        .filter(step=fresh, approver_id=approver_id)
        .first()
    )
    if assignment is None:
        raise _invalid("approver", "This person is not an approver of this step.")
    if assignment.decision != Decision.PENDING:
        raise ApprovalError(E.ALREADY_DECIDED, "This approver has already decided.")
    return assignment


def _refuse_a_second(step: ApprovalStep, approver_id: int) -> None:
    """One override of an approver waits for a second admin at a time (the round is
    locked: no second one can slip in beside it)."""
    awaiting = ApprovalOverride.objects.filter(
        step=step, approver_id=approver_id, status=OverrideStatus.AWAITING_CONFIRMATION
    )
    if awaiting.exists():
        raise ApprovalError(
            E.OVERRIDE_AWAITING,
            "An override of this approver is already waiting for a second admin: confirm "
            "or reject it first.",
        )


def _check_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ApprovalError(
            E.REASON_REQUIRED,
            "Say why you override this approval.",
            fields={"reason": ["a reason is required"]},
        )
    return reason.strip()


def _start(override: ApprovalOverride, round_: ApprovalRound, actor: Actor) -> ApprovalOverride:
    """Apply at once, or (an executive hire) wait for a second admin."""
    if executive_hire(round_):
        override.status = OverrideStatus.AWAITING_CONFIRMATION
        override.save(force_insert=True)
        round_audit(
            "approval.override_requested",
            round_,
            actor,
            override_id=str(override.pk),
            kind=override.kind,
            step=override.step.name,
            approver_id=override.approver_id,
            replacement_id=override.replacement_id,
            reason=override.reason,
        )
        return override
    override.status = OverrideStatus.APPLIED
    override.save(force_insert=True)
    _apply(override, round_, actor)
    return override


@transaction.atomic
def approval_override_replace(
    *,
    round: ApprovalRound,
    actor: Actor,
    step: ApprovalStep,
    approver_id: int,
    replacement_id: int,
    reason: str,
) -> ApprovalOverride:
    """Put `replacement_id` in `approver_id`'s place on an unresolved step."""
    actor_require(actor, Capability.DECIDE_ON_BEHALF)
    reason = _check_reason(reason)
    locked = round_lock(round)
    _pending_assignment(locked, step, approver_id)
    _refuse_a_second(step, approver_id)
    if replacement_id == approver_id:
        raise _invalid("replacement", "Name someone other than the approver replaced.")
    if not user_ids_with_capability(Capability.APPROVE, user_ids=[replacement_id]):
        raise _invalid("replacement", "This person may not approve in this tenant.")
    if ApprovalAssignment.objects.filter(step=step, approver_id=replacement_id).exists():
        raise _invalid("replacement", "This person is already an approver of this step.")
    override = ApprovalOverride(
        round=locked,
        step=step,
        kind=OverrideKind.REPLACE_APPROVER,
        approver_id=approver_id,
        replacement_id=replacement_id,
        reason=reason,
        requested_by_id=actor.user_id,
    )
    return _start(override, locked, actor)


@transaction.atomic
def approval_override_decide(
    *,
    round: ApprovalRound,
    actor: Actor,
    step: ApprovalStep,
    approver_id: int,
    decision: str,
    reason: str,
    comment: str = "",
) -> ApprovalOverride:
    """Decide as `approver_id` on a due step, saying why (the reason is mandatory)."""
    actor_require(actor, Capability.DECIDE_ON_BEHALF)
    if decision not in DECISIONS:
        raise ApprovalError(
            E.INVALID_DECISION,
            "Decide with approve or decline.",
            fields={"decision": ["use approve or decline"]},
        )
    reason = _check_reason(reason)
    locked = round_lock(round)
    assignment = _pending_assignment(locked, step, approver_id)
    _refuse_a_second(step, approver_id)
    if assignment.step.status != StepStatus.DUE:
        raise ApprovalError(E.STEP_NOT_DUE, "This step is not due yet: an earlier step is open.")
    override = ApprovalOverride(
        round=locked,
        step=step,
        kind=OverrideKind.DECIDE_ON_BEHALF,
        approver_id=approver_id,
        decision=decision,
        comment=(comment or "").strip(),
        reason=reason,
        requested_by_id=actor.user_id,
    )
    return _start(override, locked, actor)


def _lock_awaiting(override: ApprovalOverride) -> tuple[ApprovalRound, ApprovalOverride]:
    """The override's round and the override, locked; 409 unless it awaits confirmation."""
    locked_round = round_lock(override.round)
    locked = ApprovalOverride.objects.select_for_update().select_related("step").get(pk=override.pk)
    if locked.status != OverrideStatus.AWAITING_CONFIRMATION:
        raise ApprovalError(
            E.OVERRIDE_NOT_PENDING,
            f"This override is {locked.get_status_display().lower()}, not awaiting confirmation.",
        )
    return locked_round, locked


@transaction.atomic
def approval_override_confirm(*, override: ApprovalOverride, actor: Actor) -> ApprovalOverride:
    """A second admin confirms an executive hire's override; it takes effect now (409 when
    it is not awaiting confirmation or the step moved on; 422 for the admin who asked)."""
    actor_require(actor, Capability.DECIDE_ON_BEHALF)
    locked_round, locked = _lock_awaiting(override)
    if actor.user_id is None or actor.user_id == locked.requested_by_id:
        raise ApprovalError(
            E.SECOND_ADMIN_REQUIRED,
            "Another admin than the one who asked for this override must confirm it.",
            fields={"confirmed_by": ["a second admin confirms"]},
        )
    assignment = _pending_assignment(locked_round, locked.step, locked.approver_id)
    if locked.kind == OverrideKind.DECIDE_ON_BEHALF and assignment.step.status != StepStatus.DUE:
        raise ApprovalError(E.STEP_NOT_DUE, "This step is not due yet: an earlier step is open.")
    locked.status = OverrideStatus.APPLIED
    locked.confirmed_by_id = actor.user_id
    locked.save(update_fields=["status", "confirmed_by", "updated_at"])
    _apply(locked, locked_round, actor)
    return locked


@transaction.atomic
def approval_override_reject(
    *, override: ApprovalOverride, actor: Actor, reason: str = ""
) -> ApprovalOverride:
    """An admin turns down an executive hire's override awaiting confirmation (the admin who
    asked may take it back this way too): it never takes effect. 409 when it is not
    awaiting confirmation."""
    actor_require(actor, Capability.DECIDE_ON_BEHALF)
    locked_round, locked = _lock_awaiting(override)
    locked.status = OverrideStatus.REJECTED
    locked.confirmed_by_id = actor.user_id
    locked.save(update_fields=["status", "confirmed_by", "updated_at"])
    round_audit(
        "approval.override_rejected",
        locked_round,
        actor,
        override_id=str(locked.pk),
        kind=locked.kind,
        step=locked.step.name,
        approver_id=locked.approver_id,
        requested_by=locked.requested_by_id,
        reason=(reason or "").strip(),
    )
    return locked


def _apply(override: ApprovalOverride, round_: ApprovalRound, actor: Actor) -> None:
    now = timezone.now()
    step = ApprovalStep.objects.get(pk=override.step_id)
    assignment = ApprovalAssignment.objects.get(step=step, approver_id=override.approver_id)
    override.applied_at = now
    override.save(update_fields=["applied_at", "updated_at"])
    round_.version += 1
    round_.save(update_fields=["version", "updated_at"])
    common = {
        "override_id": str(override.pk),
        "kind": override.kind,
        "step": step.name,
        "approver_id": override.approver_id,
        "reason": override.reason,
        "confirmed_by": override.confirmed_by_id,
    }
    if override.kind == OverrideKind.REPLACE_APPROVER:
        assignment.approver_id = override.replacement_id
        assignment.source = "override"
        assignment.save(update_fields=["approver", "source", "updated_at"])
        round_audit(
            "approval.overridden", round_, actor, replacement_id=override.replacement_id, **common
        )
        _publish(override, round_, actor)
        if step.status == StepStatus.DUE:
            notification_send_to_users(
                tenant_id=round_.tenant_id,
                user_ids=[override.replacement_id],
                kind=NOTIFICATION_KIND,
                title=f"An approval was passed to you: {round_.requisition.title}",
                body=f"“{step.name}” is due for your decision. Open My approvals to decide.",
                application=round_.application,
                link=MY_APPROVALS_PATH,
            )
        return
    assignment.decision = DECISIONS[override.decision]
    assignment.comment = override.comment
    assignment.reason = override.reason if override.decision == DECLINE else ""
    assignment.decided_at = now
    assignment.decided_by_id = override.requested_by_id
    assignment.save(
        update_fields=["decision", "comment", "reason", "decided_at", "decided_by", "updated_at"]
    )
    round_audit(
        "approval.overridden",
        round_,
        actor,
        decision=override.decision,
        comment=override.comment,
        on_behalf_of=override.approver_id,
        **common,
    )
    _publish(override, round_, actor)
    step_resolve(round_, step, actor, now, assignment.reason)


def _publish(override: ApprovalOverride, round_: ApprovalRound, actor: Actor) -> None:
    publish(
        round_event(
            events.ApprovalOverridden,
            round_,
            actor,
            override_id=override.pk,
            override_kind=override.kind,
            step_id=override.step_id,
            approver_id=override.approver_id,
            replacement_id=override.replacement_id,
        )
    )
