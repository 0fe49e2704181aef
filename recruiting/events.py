"""What happens to the things recruiting tracks, for the apps above it to follow."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ats_milestones.events import DomainEvent
from tenants.actors import SYSTEM, Actor


@dataclass(frozen=True, slots=True)
class ApplicationCreated(DomainEvent):
    """A candidate applied to a requisition (any entry point: API, import, seed). Published
    inside the creating transaction: the milestone module enters the application into its
    requisition's workflow there, and a refusal rolls the creation back."""

    application_id: uuid.UUID
    requisition_id: uuid.UUID
    actor: Actor = SYSTEM
