"""What happens in tenants (and in the API kernel above it) that other apps follow.

`tenants` sits below the audit trail, so it cannot write audit rows itself: it publishes
these, and `audit` subscribes inside the transaction (see `ats_milestones.events`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ats_milestones.events import DomainEvent
from tenants.actors import SYSTEM, Actor


@dataclass(frozen=True, slots=True)
class ObjectChanged(DomainEvent):
    """A tenant-owned object was created or updated; `fields` names what changed (never
    their values, so the trail holds no personal data)."""

    action: str  # "object.created" | "object.updated"
    object_type: str  # the model's label, e.g. "tenants.Department"
    object_id: str
    fields: tuple[str, ...] = ()
    actor: Actor = SYSTEM


@dataclass(frozen=True, slots=True)
class TenantSwitched(DomainEvent):
    """A browser session switched to `tenant_id` (the tenant switched to)."""

    user_id: int
    from_tenant_id: str = ""
    ip_address: str | None = None


@dataclass(frozen=True, slots=True)
class AccessDenied(DomainEvent):
    """A look-up of an id outside the caller's tenant (or not theirs), answered 404.
    `tenant_id` is the caller's tenant; `model_label` names what was asked for."""

    model_label: str
    object_id: str
    path: str
    method: str
    actor: Actor = field(default=SYSTEM)
