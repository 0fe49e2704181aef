"""A move posted from a page (the board or the application page): parsed once, made through
the same service the API uses, and its refusal said in words a recruiter reads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from milestones.core.engine import MoveAction
from milestones.core.wording import refusal_words
from milestones.errors import StaleVersion, TransitionRefused
from milestones.models import MilestoneDefinition, TransitionCause
from milestones.services.transitions.moves import application_transition

#: What a person may ask from a page; regressions and failures stay in the API for now.
PAGE_ACTIONS = (
    MoveAction.ADVANCE,
    MoveAction.SKIP,
    MoveAction.BYPASS,
    MoveAction.REJECT,
    MoveAction.WITHDRAW,
)
STALE_MESSAGE = "Someone else moved this candidate in the meantime. Refresh the page and try again."


@dataclass(frozen=True)
class PostedMove:
    application_id: uuid.UUID | None
    action: str
    expected_version: int | None
    to_code: str | None
    reason: str


def posted_move(post) -> PostedMove:
    """Read a move from a form: a card's button says `move=<action>:<application>:<version>`
    (one board form serves every card); other forms post the fields one by one."""
    action, application = post.get("action", ""), post.get("application_id", "")
    expected = post.get("expected_version", "")
    if post.get("move"):
        action, _, rest = post["move"].partition(":")
        application, _, expected = rest.partition(":")
    try:
        application_id = uuid.UUID(application)
    except ValueError:
        application_id = None
    try:
        version = int(expected)
    except ValueError:
        version = None
    return PostedMove(
        application_id=application_id,
        action=action,
        expected_version=version,
        to_code=post.get("to_code") or None,
        reason=post.get("reason", "").strip(),
    )


def milestone_names(*, tenant, version_id) -> dict[str, str]:
    """Code -> name of a version's milestones, to say refusals with names."""
    if version_id is None:
        return {}
    return dict(
        MilestoneDefinition.objects.for_tenant(tenant)
        .filter(version_id=version_id)
        .values_list("code", "name")
    )


@dataclass(frozen=True)
class MoveOutcome:
    status: int  # 303 done, 400/409/422 refused
    message: str
    code: str = ""
    transition: object | None = None


def page_move_make(*, posted: PostedMove, actor, names: dict[str, str]) -> MoveOutcome:
    """Make a posted move (its application already checked to be the tenant's)."""
    if posted.action not in PAGE_ACTIONS:
        return MoveOutcome(400, "Choose what to do with the candidate.", "UNKNOWN_ACTION")
    if posted.expected_version is None:
        return MoveOutcome(409, STALE_MESSAGE, "STALE_VERSION")
    try:
        transition = application_transition(
            application_id=posted.application_id,
            action=posted.action,
            to_code=posted.to_code,
            actor=actor,
            cause=TransitionCause.MANUAL,
            reason=posted.reason,
            expected_version=posted.expected_version,
        )
    except StaleVersion:
        return MoveOutcome(409, STALE_MESSAGE, "STALE_VERSION")
    except TransitionRefused as refusal:
        return MoveOutcome(422, refusal_words(refusal.message, names), refusal.code)
    return MoveOutcome(303, "", transition=transition)


def moved_message(*, name: str, action: str, transition) -> str:
    """What the page says after a move: "Grace Hopper moved to Phone Screen."."""
    if action == MoveAction.REJECT:
        return f"{name} was rejected."
    if action == MoveAction.WITHDRAW:
        return f"{name} withdrew."
    if transition.to_milestone_id:
        return f"{name} moved to {transition.to_milestone.name}."
    return f"{name} completed the process." if transition.kind != "skip" else f"{name} moved."
