"""Which approvals rows an API caller reads: those of the requisitions they may see
(`recruiting.selectors.visible_to`: departments and confidential requisitions)."""

from __future__ import annotations

from django.db.models import QuerySet

from recruiting.selectors import visible_to


def visible_rows(view, rows: QuerySet, *, via: str) -> QuerySet:
    """`rows` reaching a requisition through `via` (e.g. "requisition__"), limited to what
    the caller may see; an API client sees the tenant's."""
    return visible_to(rows, membership=view.viewer, via=via)
