"""What approvals publish: every lifecycle change of a round, for the outbox (other systems),
the audit trail's readers and notifications. Outbound data carries ids, states and step
names, never salary or other offer terms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from ats_milestones.events import OutboundEvent
from tenants.actors import SYSTEM, Actor


@dataclass(frozen=True, slots=True)
class ApprovalEvent(OutboundEvent):
    round_id: uuid.UUID
    subject_kind: str
    subject_key: str
    number: int
    status: str
    requisition_id: uuid.UUID
    application_id: uuid.UUID | None = None
    offer_id: uuid.UUID | None = None
    actor: Actor = SYSTEM

    def ordering_key(self) -> Any:
        return self.application_id or self.requisition_id

    def outbound_data(self) -> dict:
        return {
            "approval_round_id": str(self.round_id),
            "subject_kind": self.subject_kind,
            "round": self.number,
            "status": self.status,
            "requisition_id": str(self.requisition_id),
            "application_id": str(self.application_id) if self.application_id else None,
            "offer_id": str(self.offer_id) if self.offer_id else None,
            "actor": self.actor.as_data(),
            **self.extra_data(),
        }

    def extra_data(self) -> dict:
        return {}


@dataclass(frozen=True, slots=True)
class ApprovalRequested(ApprovalEvent):
    outbound_type: ClassVar[str] = "approval.requested"
    # The steps that became due (ids); notifications tell their approvers.
    due_step_ids: tuple = ()


@dataclass(frozen=True, slots=True)
class ApprovalStepResolved(ApprovalEvent):
    outbound_type: ClassVar[str] = "approval.step_resolved"
    step_id: uuid.UUID | None = None
    step_name: str = ""
    step_outcome: str = ""
    due_step_ids: tuple = ()

    def extra_data(self) -> dict:
        return {
            "step_id": str(self.step_id) if self.step_id else None,
            "step_name": self.step_name,
            "step_outcome": self.step_outcome,
        }


@dataclass(frozen=True, slots=True)
class ApprovalApproved(ApprovalEvent):
    outbound_type: ClassVar[str] = "approval.approved"


@dataclass(frozen=True, slots=True)
class ApprovalDeclined(ApprovalEvent):
    outbound_type: ClassVar[str] = "approval.declined"


@dataclass(frozen=True, slots=True)
class ApprovalWithdrawn(ApprovalEvent):
    outbound_type: ClassVar[str] = "approval.withdrawn"


@dataclass(frozen=True, slots=True)
class ApprovalVoided(ApprovalEvent):
    outbound_type: ClassVar[str] = "approval.voided"


@dataclass(frozen=True, slots=True)
class ApprovalOverridden(ApprovalEvent):
    """An admin replaced an approver or decided on someone's behalf (once it took effect)."""

    outbound_type: ClassVar[str] = "approval.overridden"
    override_id: uuid.UUID | None = None
    override_kind: str = ""
    step_id: uuid.UUID | None = None
    approver_id: int | None = None
    replacement_id: int | None = None

    def extra_data(self) -> dict:
        return {
            "override_id": str(self.override_id) if self.override_id else None,
            "override_kind": self.override_kind,
            "step_id": str(self.step_id) if self.step_id else None,
            "approver_id": self.approver_id,
            "replacement_id": self.replacement_id,
        }


@dataclass(frozen=True, slots=True)
class ApprovalDelegated(OutboundEvent):
    """A person let another decide their approvals for a date range (or cancelled it)."""

    outbound_type: ClassVar[str] = "approval.delegated"
    delegation_id: uuid.UUID
    delegator_id: int
    delegate_id: int
    starts_on: str  # ISO dates
    ends_on: str
    cancelled: bool = False
    actor: Actor = SYSTEM

    def ordering_key(self) -> Any:
        return self.delegation_id

    def outbound_data(self) -> dict:
        return {
            "delegation_id": str(self.delegation_id),
            "delegator_id": self.delegator_id,
            "delegate_id": self.delegate_id,
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "cancelled": self.cancelled,
            "actor": self.actor.as_data(),
        }
