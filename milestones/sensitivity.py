"""Sensitive milestones (`MilestoneDefinition.is_sensitive`: a background check, a medical
clearance) and what they hold are shown only to roles with `view_sensitive`; everyone else
sees neither the milestone nor the moves into and out of it, on the board, the application
page and the API. Applications standing on one are shown as "in a restricted milestone"."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tenants.permissions import Capability, capabilities_of

RESTRICTED_LABEL = "Restricted milestone"


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
