"""What the milestone module publishes (see `ats_milestones.events`): apps above it (the
integrations outbox, reporting read models, approvals) subscribe; milestones imports none
of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from ats_milestones.events import DomainEvent
from tenants.actors import SYSTEM, Actor


@dataclass(frozen=True, slots=True)
class MilestoneMoved(DomainEvent):
    """One transition of one application, of any cause (manual, trigger, escalation,
    deadline, import, override, sync), including its entry into the workflow
    (`kind == "initialize"`, no `from_code`)."""

    application_id: uuid.UUID
    transition_id: uuid.UUID
    kind: str
    cause: str
    from_code: str | None
    to_code: str | None
    application_status: str
    application_version: int
    at: datetime
    actor: Actor = SYSTEM
