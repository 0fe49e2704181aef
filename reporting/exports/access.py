"""Who sees which rows of an export: the same for the API, the page and the feed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import timezone

from milestones.sensitivity import may_see_sensitive
from recruiting.models import Requisition
from recruiting.selectors import visible_to
from reporting.exports.datasets import Dataset
from reporting.exports.stream import CONTENT_TYPES, ExportFilters, export_chunks
from reporting.models import ExportFormat
from tenants.context import tenant_context
from tenants.selectors import department_scope_ids


def export_filters_for(
    *,
    tenant_id: uuid.UUID,
    membership,
    since: datetime | None = None,
    until: datetime | None = None,
    departments: Iterable[uuid.UUID] | None = None,
) -> ExportFilters:
    """The rows a caller may export: sensitive milestones' rows only for `view_sensitive`
    (an API client, whose scopes were checked, sees them), departments within the
    membership's scope, no confidential requisition it may not see. `membership` None is
    an API client."""
    scope = department_scope_ids(membership)
    wanted = frozenset(departments) if departments else None
    if scope is not None:
        wanted = scope if wanted is None else wanted & scope
    return ExportFilters(
        tenant_id=tenant_id,
        since=since,
        until=until,
        department_ids=tuple(sorted(wanted, key=str)) if wanted is not None else None,
        sensitive=membership is None or may_see_sensitive(membership),
        hidden_requisition_ids=_hidden_confidential(membership),
    )


def _hidden_confidential(membership) -> tuple[uuid.UUID, ...]:
    """The confidential requisitions `membership` may not see (recruiting's one rule):
    few, so their ids go to the export's SQL. None for an API client."""
    if membership is None:
        return ()
    confidential = Requisition.objects.filter(is_confidential=True)
    visible = visible_to(confidential, membership=membership).values("pk")
    return tuple(confidential.exclude(pk__in=visible).values_list("pk", flat=True))


def export_response(*, dataset: Dataset, filters: ExportFilters, fmt: str):
    """The export as a download that starts with the first batch."""

    def chunks() -> Iterator[bytes]:
        # The response streams after the request's tenant context has closed: its own.
        with tenant_context(filters.tenant_id):
            yield from export_chunks(dataset, filters, fmt)

    extension = "parquet" if fmt == ExportFormat.PARQUET else "csv"
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(chunks(), content_type=CONTENT_TYPES[ExportFormat(fmt)])
    response["Content-Disposition"] = f'attachment; filename="{dataset.name}-{stamp}.{extension}"'
    return response
