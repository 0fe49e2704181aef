"""Payroll connector: an application entering a contractor-onboarding or temp-to-hire
conversion milestone sends the payroll system one onboarding request; its answer comes
back inbound (`payroll.acknowledged`) and completes that milestone through the engine.

Sent through the relay (a Delivery with this body), not by a direct call: the payroll
system acknowledges on its own time anyway, and the relay gives the request its
signature, order per application, retries, dead letter and log for free.

Connection settings (`connector_settings`, optional): which milestone codes mean what,

    {"milestones": {"CONTRACTOR_ONBOARDING": "contractor_onboarding",
                    "TEMP_TO_HIRE_CONVERSION": "temp_to_hire_conversion"}}

No candidate personal data: the payroll system matches the worker by our ids (and the
HRIS, which holds the person, by the same ids).
"""

from __future__ import annotations

from datetime import datetime

from integrations.connectors.context import ConnectorContext
from integrations.connectors.merge import application_document, job_document

EVENT_TYPE = "payroll.onboarding_requested"
DEFAULT_MILESTONES = {
    "CONTRACTOR_ONBOARDING": "contractor_onboarding",
    "TEMP_TO_HIRE_CONVERSION": "temp_to_hire_conversion",
}
WORKER_TYPE = {"contractor_onboarding": "CONTRACTOR", "temp_to_hire_conversion": "EMPLOYEE"}


def payroll_milestones(connection) -> dict[str, str]:
    return (connection.connector_settings or {}).get("milestones") or DEFAULT_MILESTONES


def payroll_plan(pairs, context: ConnectorContext, now: datetime) -> dict[tuple, dict]:
    """One `payroll.onboarding_requested` body per move into a milestone the connection
    sends for; nothing else."""

    def data_of(event, connection, application, definition) -> dict | None:
        action = payroll_milestones(connection).get(definition.code)
        if action is None:
            return None
        start = context.deadlines.get((application.pk, "start_date"))
        return {
            "action": action,
            "worker_type": WORKER_TYPE.get(action, "EMPLOYEE"),
            "milestone": definition.code,
            "start_date": start.date().isoformat() if start is not None else None,
            "application": application_document(application, definition),
            "candidate": {"id": str(application.candidate_id)},
            "job": job_document(application.requisition),
        }

    return context.bodies(pairs, EVENT_TYPE, data_of)
