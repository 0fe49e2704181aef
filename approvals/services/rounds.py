"""Starting and ending rounds: request, withdraw, void (decisions are in decisions.py)."""

from __future__ import annotations

from dataclasses import replace

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from approvals import core, events
from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import (
    ApprovalAssignment,
    ApprovalRound,
    ApprovalStep,
    Decision,
    Offer,
    OfferVersion,
    RoundStatus,
    StepStatus,
    SubjectKind,
)
from approvals.services.notify import notify_due_steps
from approvals.services.plan import policy_choose, steps_plan, subject_facts
from approvals.services.subjects import ApprovalSubject
from ats_milestones.events import publish
from audit.models import AuditEvent
from audit.services import audit_event_build
from notifications.services import user_ids_with_capability
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require

AUDIT_OBJECT_ROUND = "approvals.ApprovalRound"
E = ApprovalErrorCode


def round_event(cls, round_: ApprovalRound, actor: Actor, **extra):
    return cls(
        tenant_id=round_.tenant_id,
        round_id=round_.pk,
        subject_kind=round_.subject_kind,
        subject_key=round_.subject_key,
        number=round_.number,
        status=round_.status,
        requisition_id=round_.requisition_id,
        application_id=round_.application_id,
        offer_id=round_.offer_id,
        actor=actor,
        **extra,
    )


def round_audit(action: str, round_: ApprovalRound, actor: Actor, **data) -> None:
    round_audit_build(action, round_, actor, **data).save(force_insert=True)


def round_audit_build(action: str, round_: ApprovalRound, actor: Actor, **data) -> AuditEvent:
    """The audit row (unsaved) of `action` on `round_` as it stands now."""
    return audit_event_build(
        action=action,
        tenant_id=round_.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_ROUND,
        object_id=round_.pk,
        data={
            "subject": round_.subject_key,
            "round": round_.number,
            "status": round_.status,
            "application_id": str(round_.application_id) if round_.application_id else None,
            **data,
        },
    )


def _check_slots(slots: dict | None) -> dict[str, int]:
    if slots is not None and not isinstance(slots, dict):
        raise ApprovalError(
            E.SLOT_NOT_FILLED, "Slots map each label to a user id.", fields={"slots": ["an object"]}
        )
    slots = dict(slots or {})
    bad = {
        f"slots.{label}": ["a slot is filled with a user id"]
        for label, user in slots.items()
        if not isinstance(label, str) or not isinstance(user, int) or isinstance(user, bool)
    }
    if bad:
        raise ApprovalError(E.SLOT_NOT_FILLED, "Name a person for each slot.", fields=bad)
    allowed = user_ids_with_capability(Capability.APPROVE, user_ids=slots.values())
    refused = {
        f"slots.{label}": ["this person may not approve in this tenant"]
        for label, user in slots.items()
        if user not in allowed
    }
    if refused:
        raise ApprovalError(
            E.SLOT_NOT_FILLED, "A slot names someone who may not approve.", fields=refused
        )
    return slots


def steps_open(steps: list[ApprovalStep], group: int, now) -> list[ApprovalStep]:
    """Make the waiting steps of `group` due (in memory); returns them."""
    due = [s for s in steps if s.group == group and s.status == StepStatus.WAITING]
    for step in due:
        step.status, step.due_at, step.updated_at = StepStatus.DUE, now, now
    return due


def open_steps(round_: ApprovalRound, steps: list[ApprovalStep], group: int, now) -> list:
    """Make the steps of `group` due; returns them."""
    due = steps_open(steps, group, now)
    ApprovalStep.objects.bulk_update(due, ["status", "due_at", "updated_at"])
    if due:
        round_.current_position = min(s.position for s in due)
    return due


@transaction.atomic
def approval_request(
    *, subject: ApprovalSubject, actor: Actor, slots: dict[str, int] | None = None
) -> ApprovalRound:
    """Start a new round for `subject` under the policy that applies now (the round pins
    that policy version). Refused while a round of the subject is open (409), when no
    policy applies (422), or when a slot of an applicable step is not filled (400). A round
    whose every step is skipped is approved at once."""
    actor_require(actor, Capability.REQUEST_APPROVAL)
    return _start_round(subject=subject, actor=actor, slots=slots)


def _start_round(*, subject: ApprovalSubject, actor: Actor, slots: dict | None) -> ApprovalRound:
    slots = _check_slots(slots)
    offer_version = None
    if subject.kind == SubjectKind.OFFER:
        # Locked as offer_update locks it: a request and a material edit at once cannot
        # leave an open round on terms that are no longer the offer's.
        offer = Offer.objects.select_for_update(of=("self",)).get(pk=subject.offer.pk)
        offer_version = OfferVersion.objects.get(offer=offer, number=offer.version_number)
        subject = replace(subject, offer=offer)
    if ApprovalRound.objects.filter(subject_key=subject.key, status=RoundStatus.REQUESTED).exists():
        raise ApprovalError(E.ROUND_ALREADY_OPEN, "An approval round is already open for this.")
    facts = subject_facts(subject)
    choice = policy_choose(subject, facts)
    if choice.version is None:
        raise ApprovalError(E.NO_POLICY_APPLIES, "No approval policy applies to this.")
    planned = steps_plan(subject, choice.version, facts, slots=slots)
    unfilled = {
        f"slots.{label}": ["the requester names this approver"]
        for p in planned
        if p.applies
        for label in p.open_slots
    }
    if unfilled:
        raise ApprovalError(E.SLOT_NOT_FILLED, "Name a person for each slot.", fields=unfilled)
    nobody = [p.name for p in planned if p.applies and not p.approvers]
    if nobody:
        raise ApprovalError(
            E.NOTHING_TO_APPROVE,
            f"Nobody can approve the step “{nobody[0]}” of this requisition yet "
            "(its hiring manager, HRBP or department head is not set).",
            fields={"steps": nobody},
        )
    now = timezone.now()
    last = ApprovalRound.objects.filter(subject_key=subject.key).aggregate(n=Max("number"))["n"]
    applicable = [p for p in planned if p.applies]
    round_ = ApprovalRound(
        subject_kind=subject.kind,
        subject_key=subject.key,
        requisition=subject.requisition,
        application=subject.application,
        offer=subject.offer,
        offer_version=offer_version,
        milestone_code=subject.milestone_code,
        number=(last or 0) + 1,
        policy_version=choice.version,
        step_count=len(applicable),
        requested_by_id=actor.user_id,
        requested_at=now,
    )
    if not applicable:
        round_.status, round_.finished_at = RoundStatus.APPROVED, now
        round_.outcome_reason = "No step of the policy applies."
    try:
        with transaction.atomic():
            round_.save(force_insert=True)
    except IntegrityError as exc:  # another request won the race for the one open round
        raise ApprovalError(E.ROUND_ALREADY_OPEN, "An approval round is already open.") from exc
    steps = [
        ApprovalStep(
            tenant_id=round_.tenant_id,
            round=round_,
            index=p.index,
            position=p.position,
            group=p.group,
            name=p.name,
            quorum=p.quorum,
            quorum_n=min(p.quorum_n, max(len(p.approvers), 1)),
            veto=p.veto,
            status=StepStatus.WAITING if p.applies else StepStatus.SKIPPED,
            skipped_reason="" if p.applies else p.why,
        )
        for p in planned
    ]
    ApprovalStep.objects.bulk_create(steps)
    by_index = {s.index: s for s in steps}
    ApprovalAssignment.objects.bulk_create(
        [
            ApprovalAssignment(
                tenant_id=round_.tenant_id,
                step=by_index[p.index],
                round=round_,
                approver_id=user_id,
                source=source,
            )
            for p in applicable
            for user_id, source in p.approvers
        ]
    )
    due = open_steps(round_, steps, 1, now) if applicable else []
    if due:
        round_.save(update_fields=["current_position", "updated_at"])
    round_audit(
        "approval.requested",
        round_,
        actor,
        policy=choice.version.policy.name,
        policy_version=choice.version.number,
        steps=[{"name": p.name, "applies": p.applies, "why": p.why} for p in planned],
    )
    publish(
        round_event(events.ApprovalRequested, round_, actor, due_step_ids=tuple(s.pk for s in due))
    )
    if not applicable:
        round_audit("approval.approved", round_, actor, reason=round_.outcome_reason)
        publish(round_event(events.ApprovalApproved, round_, actor))
    notify_due_steps(round_, due)
    return round_


def round_finish(round_: ApprovalRound, status: str, reason: str, now) -> None:
    """A round's end, in memory: its status, why and when, its next version (409 when it
    may not end so)."""
    if not core.round_may_become(round_.status, status):
        raise ApprovalError(
            E.ROUND_NOT_OPEN, f"This approval is already {round_.get_status_display().lower()}."
        )
    round_.status, round_.finished_at, round_.outcome_reason = status, now, reason
    round_.version += 1
    round_.updated_at = now


def steps_close(steps: list[ApprovalStep], now) -> list[ApprovalStep]:
    """Close the steps still waiting or due of a round that ended (in memory); returns them."""
    closed = [s for s in steps if s.status in (StepStatus.WAITING, StepStatus.DUE)]
    for step in closed:
        step.status, step.resolved_at, step.updated_at = StepStatus.CLOSED, now, now
    return closed


def close_round(round_: ApprovalRound, status: str, reason: str, now) -> None:
    """End a round: its status, why, and every step still waiting or due closed."""
    round_finish(round_, status, reason, now)
    round_.save(update_fields=["status", "finished_at", "outcome_reason", "version", "updated_at"])
    ApprovalStep.objects.filter(
        round=round_, status__in=[StepStatus.WAITING, StepStatus.DUE]
    ).update(status=StepStatus.CLOSED, resolved_at=now, updated_at=now)


def round_lock(round_: ApprovalRound, expected_version: int | None = None) -> ApprovalRound:
    locked = ApprovalRound.objects.select_for_update().get(pk=round_.pk)
    if expected_version is not None and expected_version != locked.version:
        raise ApprovalError(
            E.STALE_VERSION,
            "This approval changed since you loaded it; reload and try again.",
            fields={"version": [f"the current version is {locked.version}"]},
        )
    return locked


@transaction.atomic
def approval_withdraw(
    *, round: ApprovalRound, actor: Actor, reason: str = "", expected_version: int | None = None
) -> ApprovalRound:
    """The requester side takes an open round back; its pending decisions lapse."""
    actor_require(actor, Capability.REQUEST_APPROVAL)
    locked = round_lock(round, expected_version)
    if not locked.is_open:
        raise ApprovalError(
            E.ROUND_NOT_OPEN, f"This approval is already {locked.get_status_display().lower()}."
        )
    close_round(locked, RoundStatus.WITHDRAWN, reason.strip(), timezone.now())
    round_audit("approval.withdrawn", locked, actor, reason=locked.outcome_reason)
    publish(round_event(events.ApprovalWithdrawn, locked, actor))
    return locked


def round_void(*, round: ApprovalRound, actor: Actor, reason: str) -> ApprovalRound:
    """Void a round whose subject changed materially (inside the caller's transaction)."""
    locked = round_lock(round)
    close_round(locked, RoundStatus.VOIDED, reason, timezone.now())
    round_audit("approval.voided", locked, actor, reason=reason)
    publish(round_event(events.ApprovalVoided, locked, actor))
    return locked


def round_restart(*, voided: ApprovalRound, subject: ApprovalSubject, actor: Actor):
    """A new round after `voided`, with the same people in its slots."""
    slots = {
        a.source.removeprefix("slot:"): a.approver_id
        for a in ApprovalAssignment.objects.filter(round=voided, source__startswith="slot:")
    }
    return _start_round(subject=subject, actor=actor, slots=slots)


# Kept for the decisions module: an assignment still to decide.
PENDING = Decision.PENDING
