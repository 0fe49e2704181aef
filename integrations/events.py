"""The domain events integrations publishes to itself: work for a worker once a change
commits. Services and connectors publish them; `integrations.subscribers` queues the task,
so neither imports `integrations.tasks`, which imports them (no file cycle)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ats_milestones.events import DomainEvent


@dataclass(frozen=True, slots=True)
class BackgroundCheckOrderDue(DomainEvent):
    """A check is to be ordered from its vendor: recorded by the relay's dispatch, or a failed
    order retried by a person."""

    check_id: Any


@dataclass(frozen=True, slots=True)
class AdverseActionStarted(DomainEvent):
    """A `consider` result started the adverse-action flow: the candidate gets the vendor's
    pre-adverse notice."""

    check_id: Any
