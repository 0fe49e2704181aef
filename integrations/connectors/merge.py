"""Payload documents named as HR integrators know them: Merge's ATS common model
(Application, Candidate, Job, JobInterviewStage, Offer). Ids are ours (UUIDs);
`remote_id` is the id the source system gave the row when it came from one."""

from __future__ import annotations

from datetime import date, datetime

from milestones.models import MilestoneDefinition
from recruiting.models import Application, Candidate, Requisition


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def candidate_document(candidate: Candidate, *, personal_data: bool) -> dict:
    """A Candidate; names, email and phone only when `personal_data` (HRIS connections)."""
    document = {"id": str(candidate.pk), "remote_id": candidate.external_id or None}
    if personal_data:
        document |= {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "email_addresses": (
                [{"value": candidate.email, "email_address_type": "PERSONAL"}]
                if candidate.email
                else []
            ),
            "phone_numbers": (
                [{"value": candidate.phone, "phone_number_type": "MOBILE"}]
                if candidate.phone
                else []
            ),
            "locations": [candidate.location] if candidate.location else [],
        }
    return document


def job_document(requisition: Requisition) -> dict:
    return {
        "id": str(requisition.pk),
        "remote_id": requisition.external_id or None,
        "name": requisition.title,
        "status": requisition.status.upper(),
        "departments": [requisition.department.name],
        "offices": [requisition.location.name] if requisition.location_id else [],
    }


def stage_document(definition: MilestoneDefinition, requisition: Requisition) -> dict:
    """A JobInterviewStage: the milestone (definition) the application stands on."""
    return {
        "id": str(definition.pk),
        "remote_id": definition.code,
        "name": definition.name,
        "job": str(requisition.pk),
        "stage_order": definition.order,
    }


def application_document(application: Application, definition: MilestoneDefinition) -> dict:
    return {
        "id": str(application.pk),
        "remote_id": application.external_id or None,
        "candidate": str(application.candidate_id),
        "job": str(application.requisition_id),
        "applied_at": _iso(application.applied_at),
        "rejected_at": None,
        "current_stage": str(definition.pk),
        "reject_reason": application.reject_reason or None,
        "source": application.source,
        "status": application.status.upper(),
    }


def offer_document(application: Application, *, status: str, start_date) -> dict:
    """An Offer: we keep no offer rows of our own, so it has no id; it names its
    application and what the HRIS needs (status, start date)."""
    return {
        "id": None,
        "application": str(application.pk),
        "status": status,
        "start_date": _iso(start_date),
    }
