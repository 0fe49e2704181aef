"""What connectors read about a batch of outbox events, loaded once per batch: the moved
applications (candidate, requisition, department, location), the milestone definitions
they entered, and their dated deadlines (a start date)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from integrations.models import OutboxEvent
from milestones.models import ApplicationDeadline, MilestoneDefinition
from recruiting.models import Application

MOVED = "milestone.moved"


@dataclass
class ConnectorContext:
    applications: dict[uuid.UUID, Application] = field(default_factory=dict)
    # (framework version id, milestone code) -> definition
    definitions: dict[tuple, MilestoneDefinition] = field(default_factory=dict)
    # (application id, deadline kind) -> the date
    deadlines: dict[tuple, object] = field(default_factory=dict)

    @classmethod
    def load(cls, events: list[OutboxEvent]) -> ConnectorContext:
        """Three or four queries whatever the batch holds (the dispatcher runs across
        tenants: each row names its tenant)."""
        moved = [e for e in events if e.event_type == MOVED]
        ids = {uuid.UUID(e.payload["data"]["application_id"]) for e in moved}
        if not ids:
            return cls()
        applications = {
            a.pk: a
            for a in Application.all_tenants.filter(pk__in=ids).select_related(
                "candidate", "requisition__department", "requisition__location"
            )
        }
        versions = {a.requisition.framework_version_id for a in applications.values()}
        codes = {e.payload["data"].get("to_milestone") for e in moved} - {None}
        definitions = {
            (d.version_id, d.code): d
            for d in MilestoneDefinition.all_tenants.filter(version_id__in=versions, code__in=codes)
        }
        deadlines = {
            (d.application_id, d.kind): d.at
            for d in ApplicationDeadline.all_tenants.filter(application_id__in=ids)
        }
        return cls(applications, definitions, deadlines)

    def moved(self, event: OutboxEvent) -> tuple[Application, MilestoneDefinition] | None:
        """The application a milestone.moved event moved and the milestone it entered."""
        if event.event_type != MOVED:
            return None
        data = event.payload["data"]
        application = self.applications.get(uuid.UUID(data["application_id"]))
        if application is None or not data.get("to_milestone"):
            return None
        definition = self.definitions.get(
            (application.requisition.framework_version_id, data["to_milestone"])
        )
        return (application, definition) if definition is not None else None

    def moves(self, pairs) -> Iterator[tuple]:
        """(event, connection, application, definition) for each (event, connection) pair
        whose event moved an application into a milestone of its version."""
        for event, connection in pairs:
            moved = self.moved(event)
            if moved is not None:
                yield event, connection, *moved

    def bodies(
        self,
        pairs,
        event_type: str,
        data_of: Callable[[OutboxEvent, object, Application, MilestoneDefinition], dict | None],
    ) -> dict[tuple, dict]:
        """(event pk, connection pk) -> the `event_type` body a connection receives for a
        move, for the moves `data_of` answers data for (None: that move sends nothing)."""
        plans = {}
        for event, connection, application, definition in self.moves(pairs):
            data = data_of(event, connection, application, definition)
            if data is not None:
                plans[(event.pk, connection.pk)] = {
                    "type": event_type,
                    "timestamp": event.payload["timestamp"],
                    "data": data,
                }
        return plans
