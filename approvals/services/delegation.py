"""Delegation: a person lets another member decide their approvals for a date range.

Only the delegator's own assignments are covered; a delegate deciding one of them decides
"on behalf of" the delegator (the assignment keeps its approver, `decided_by` is the
delegate). What was delegated to someone is never theirs to pass on: a delegation of B's
reaches B's own assignments, not those A delegated to B.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.events import ApprovalDelegated
from approvals.models import ApprovalDelegation
from approvals.selectors import delegations_to_today
from ats_milestones.events import publish
from audit.services import audit_record
from notifications.services import user_ids_with_capability
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require

E = ApprovalErrorCode
AUDIT_OBJECT_DELEGATION = "approvals.ApprovalDelegation"
MAX_DAYS = 366


def _invalid(field: str, message: str) -> ApprovalError:
    return ApprovalError(E.INVALID_DELEGATION, message, fields={field: [message]})


def _require_may_act_for(actor: Actor, delegator_id: int) -> None:
    """A person delegates their own approvals; only an admin (decide on behalf) arranges
    someone else's."""
    if actor.user_id is None or actor.user_id == delegator_id:
        actor_require(actor, Capability.APPROVE)
    else:
        actor_require(actor, Capability.DECIDE_ON_BEHALF)


def _audit(action: str, delegation: ApprovalDelegation, actor: Actor) -> None:
    audit_record(
        action=action,
        tenant_id=delegation.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_DELEGATION,
        object_id=delegation.pk,
        data={
            "delegator_id": delegation.delegator_id,
            "delegate_id": delegation.delegate_id,
            "starts_on": delegation.starts_on.isoformat(),
            "ends_on": delegation.ends_on.isoformat(),
            "note": delegation.note,
        },
    )


def _event(delegation: ApprovalDelegation, actor: Actor) -> ApprovalDelegated:
    return ApprovalDelegated(
        tenant_id=delegation.tenant_id,
        delegation_id=delegation.pk,
        delegator_id=delegation.delegator_id,
        delegate_id=delegation.delegate_id,
        starts_on=delegation.starts_on.isoformat(),
        ends_on=delegation.ends_on.isoformat(),
        cancelled=delegation.cancelled_at is not None,
        actor=actor,
    )


@transaction.atomic
def approval_delegation_create(
    *,
    actor: Actor,
    delegator_id: int,
    delegate_id: int,
    starts_on: date,
    ends_on: date,
    note: str = "",
) -> ApprovalDelegation:
    """`delegator_id` lets `delegate_id` decide their approvals from `starts_on` to
    `ends_on` (inclusive). 400 INVALID_DELEGATION naming the field (oneself, a delegate
    who may not approve, a range backwards, in the past or over a year); 409
    DELEGATION_OVERLAPS when the delegator already delegates part of that range."""
    _require_may_act_for(actor, delegator_id)
    if delegate_id == delegator_id:
        raise _invalid("delegate", "Delegate to someone other than the delegator.")
    allowed = user_ids_with_capability(Capability.APPROVE, user_ids=[delegator_id, delegate_id])
    if delegator_id not in allowed:
        raise _invalid("delegator", "This person has no approvals to delegate.")
    if delegate_id not in allowed:
        raise _invalid("delegate", "This person may not approve in this tenant.")
    if ends_on < starts_on:
        raise _invalid("ends_on", "The range ends before it starts.")
    if ends_on < timezone.localdate():
        raise _invalid("ends_on", "The range is already over.")
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise _invalid("ends_on", "A delegation lasts at most a year.")
    # The delegator's rows, locked: two overlapping requests cannot both pass the check.
    mine = ApprovalDelegation.objects.select_for_update().filter(
        delegator_id=delegator_id, cancelled_at__isnull=True
    )
    if any(d.starts_on <= ends_on and starts_on <= d.ends_on for d in mine):
        raise ApprovalError(
            E.DELEGATION_OVERLAPS,
            "This person already delegates their approvals for part of that range.",
            fields={"starts_on": ["overlaps another delegation"]},
        )
    delegation = ApprovalDelegation.objects.create(
        delegator_id=delegator_id,
        delegate_id=delegate_id,
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip()[:500],
        created_by_id=actor.user_id,
    )
    _audit("approval.delegated", delegation, actor)
    publish(_event(delegation, actor))
    return delegation


@transaction.atomic
def approval_delegation_cancel(
    *, delegation: ApprovalDelegation, actor: Actor
) -> ApprovalDelegation:
    """End a delegation now (the delegator or an admin); cancelling twice changes nothing."""
    _require_may_act_for(actor, delegation.delegator_id)
    locked = ApprovalDelegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.cancelled_at is None:
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at", "updated_at"])
        _audit("approval.delegation_cancelled", locked, actor)
        publish(_event(locked, actor))
    return locked


def delegators_of(user_id: int | None, *, on: date | None = None) -> list[int]:
    """The people whose approvals `user_id` may decide today (one query)."""
    if user_id is None:
        return []
    return list(delegations_to_today(user_id, on=on))
