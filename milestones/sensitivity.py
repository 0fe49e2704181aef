"""Sensitive milestones (`MilestoneDefinition.is_sensitive`: a background check, a medical
clearance) and what they hold are shown only to roles with `view_sensitive`; everyone else
sees neither the milestone nor the moves into and out of it, on the board, the application
page and the API. Applications standing on one are shown as "in a restricted milestone"."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from milestones.core.wording import milestone_codes_in
from milestones.models import MilestoneDefinition
from tenants.permissions import Capability, capabilities_of

RESTRICTED_LABEL = "Restricted milestone"
#: What someone without `view_sensitive` reads instead of a failure about a sensitive one.
RESTRICTED_FAILURE = "The details concern a restricted milestone."


def may_see_sensitive(membership) -> bool:
    return Capability.VIEW_SENSITIVE in capabilities_of(membership)


def milestone_rows_visible(rows: QuerySet, *, sensitive: bool) -> QuerySet:
    """Application milestone rows without the sensitive ones unless `sensitive`."""
    return rows if sensitive else rows.exclude(milestone__is_sensitive=True)


def transitions_visible(transitions: QuerySet, *, sensitive: bool) -> QuerySet:
    """Moves without those into or out of a sensitive milestone unless `sensitive`."""
    if sensitive:
        return transitions
    return transitions.exclude(
        Q(from_milestone__is_sensitive=True) | Q(to_milestone__is_sensitive=True)
    )


def board_visible(board: dict | None, *, sensitive: bool) -> dict | None:
    """The board without sensitive columns unless `sensitive`; their cards go to
    `restricted` (the candidates stay on the board, where they stand does not show)."""
    if board is None or sensitive:
        return board
    columns, restricted = [], []
    for column in board["columns"]:
        if column.milestone is not None and column.milestone.is_sensitive:
            restricted.extend(column.cards)
        else:
            columns.append(column)
    return {**board, "columns": columns, "restricted": restricted}


def application_masked(application, *, sensitive: bool):
    """Mark an application whose current milestone the viewer may not see."""
    current = getattr(application, "current_milestone", None)
    application.current_milestone_restricted = bool(
        not sensitive and current is not None and current.is_sensitive
    )
    return application


def sensitive_codes(*, version_id) -> frozenset[str]:
    """The codes of a version's sensitive milestones: one query (none without a version)."""
    if version_id is None:
        return frozenset()
    return frozenset(
        MilestoneDefinition.objects.filter(version_id=version_id, is_sensitive=True).values_list(
            "code", flat=True
        )
    )


def failure_concerns_sensitive(*, message: str, attempted: dict, codes: frozenset) -> bool:
    """An automation failure names a sensitive milestone (in its message or its target)."""
    return bool(codes) and bool(
        (milestone_codes_in(message) | {attempted.get("to_code") or ""}) & codes
    )


def failures_masked(failures: list, *, sensitive: bool, version_id) -> list:
    """An application's failures for the viewer: those about a sensitive milestone keep
    their rule and time but not their message or target unless `sensitive`."""
    if sensitive or not failures:
        return failures
    codes = sensitive_codes(version_id=version_id)
    for failure in failures:
        if failure_concerns_sensitive(
            message=failure.message, attempted=failure.attempted or {}, codes=codes
        ):
            failure.message = RESTRICTED_FAILURE
            failure.attempted = {"action": (failure.attempted or {}).get("action", "")}
    return failures
