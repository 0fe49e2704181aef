"""HRIS connector: an application entering a milestone whose `hris_status` the connection
maps (offer accepted -> `pre_hire`, hired -> `hired`) sends the HRIS one status change,
with the start date when the application has one (its `start_date` deadline).

Connection settings (`connector_settings`, all optional):

    {"status_mappings": {"OFFER_ACCEPTED": "pre_hire", "HIRED": "hired"},
     "start_date_kind": "start_date"}

Candidate personal data (names, email, phone, location) leaves only here: onboarding in
the HRIS needs them, and an HRIS connection is the tenant's own system of record.
"""

from __future__ import annotations

from datetime import datetime

from integrations.connectors.context import ConnectorContext
from integrations.connectors.merge import (
    application_document,
    candidate_document,
    job_document,
    offer_document,
    stage_document,
)

EVENT_TYPE = "hris.status_changed"
DEFAULT_STATUS_MAPPINGS = {"OFFER_ACCEPTED": "pre_hire", "HIRED": "hired"}
DEFAULT_START_DATE_KIND = "start_date"


def status_mappings(connection) -> dict[str, str]:
    return (connection.connector_settings or {}).get("status_mappings") or DEFAULT_STATUS_MAPPINGS


def hris_plan(pairs, context: ConnectorContext, now: datetime) -> dict[tuple, dict]:
    """One `hris.status_changed` body per move into a mapped milestone; nothing else."""

    def data_of(event, connection, application, definition) -> dict | None:
        hris_status = status_mappings(connection).get(definition.hris_status)
        if not definition.hris_status or not hris_status:
            return None
        kind = (connection.connector_settings or {}).get("start_date_kind")
        start = context.deadlines.get((application.pk, kind or DEFAULT_START_DATE_KIND))
        start_date = start.date() if start is not None else None
        requisition = application.requisition
        return {
            "hris_status": hris_status,
            "milestone_hris_status": definition.hris_status,
            "start_date": start_date.isoformat() if start_date else None,
            "transition_id": event.payload["data"].get("transition_id"),
            "application": application_document(application, definition),
            "candidate": candidate_document(application.candidate, personal_data=True),
            "job": job_document(requisition),
            "current_stage": stage_document(definition, requisition),
            "offer": offer_document(application, status="SIGNED", start_date=start_date),
        }

    return context.bodies(pairs, EVENT_TYPE, data_of)
