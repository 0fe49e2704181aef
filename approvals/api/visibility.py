"""Which approvals rows an API caller reads: those of the requisitions they may see.

Main's kernel (after the `roles` merge) limits every read by `recruiting.selectors.
visible_to` (departments and confidential requisitions, `view.viewer`); the base this
branch was built on had only the department scope (`view.in_department_scope`). This one
helper asks whichever exists, so the approvals views read alike on both; once both are
on main, the fallback goes."""

from __future__ import annotations

from django.db.models import QuerySet

from recruiting import selectors as recruiting_selectors


def visible_rows(view, rows: QuerySet, *, via: str) -> QuerySet:
    """`rows` reaching a requisition through `via` (e.g. "requisition__"), limited to what
    the caller may see; an API client sees the tenant's."""
    visible_to = getattr(recruiting_selectors, "visible_to", None)
    if visible_to is not None:
        return visible_to(rows, membership=view.viewer, via=via)
    return view.in_department_scope(rows, f"{via}department_id")
