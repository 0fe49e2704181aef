"""Reads of requisitions, candidates and applications, scoped to one tenant."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from recruiting.models import Application, Candidate, Requisition


def requisition_list(*, tenant_id: uuid.UUID) -> QuerySet[Requisition]:
    return Requisition.objects.for_tenant(tenant_id)


def candidate_list(*, tenant_id: uuid.UUID) -> QuerySet[Candidate]:
    return Candidate.objects.for_tenant(tenant_id)


def application_list(*, tenant_id: uuid.UUID) -> QuerySet[Application]:
    # The API renders related objects by id only (no extra query per row); the joins
    # are for callers that show names, e.g. boards and exports.
    return Application.objects.for_tenant(tenant_id).select_related("candidate", "requisition")
