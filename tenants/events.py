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


@dataclass(frozen=True, slots=True)
class SignInFailed(DomainEvent):
    """A sign-in with the username of a member of `tenant_id` failed (published once per
    tenant of that user): a wrong password, or refused because sign-in is locked out."""

    user_id: int
    username: str
    ip_address: str | None = None
    refused_while_locked_out: bool = False


@dataclass(frozen=True, slots=True)
class SignInLockedOut(DomainEvent):
    """Too many failed sign-ins (for the username, or from the address): sign-in is locked
    out for `cool_off_minutes` (published once per tenant of the user)."""

    user_id: int
    username: str
    ip_address: str | None = None
    failures: int = 0
    cool_off_minutes: int = 0


@dataclass(frozen=True, slots=True)
class ActionForbidden(DomainEvent):
    """A person or API client was refused by role or scope (answered 403): `reason` is what
    they were told, `capability` what they lacked (a scope, for an API client)."""

    capability: str
    reason: str
    path: str
    method: str
    actor: Actor = field(default=SYSTEM)


@dataclass(frozen=True, slots=True)
class MembershipChanged(DomainEvent):
    """A person's role, activity or departments in the tenant changed (or the membership was
    added or removed): `changes` maps each changed field to [before, after]."""

    action: str  # "membership.created" | "membership.changed" | "membership.removed"
    membership_id: str
    user_id: int
    changes: dict = field(default_factory=dict)
    actor: Actor = field(default=SYSTEM)
