"""What the milestone module does when the apps below it publish (see `ats_milestones.events`)."""

from __future__ import annotations

from ats_milestones.events import Moment, subscribe
from milestones.errors import MilestoneErrorCode, TransitionRefused
from milestones.services.transitions.initialize import application_milestones_initialize
from recruiting.events import ApplicationCreated


def application_enter_workflow(event: ApplicationCreated) -> None:
    """A new application gets its milestone rows at once, whatever created it (the API,
    an import): one way in. No version applies -> 422 NO_FRAMEWORK_VERSION, and the
    creation rolls back."""
    try:
        application_milestones_initialize(application_id=event.application_id, actor=event.actor)
    except TransitionRefused as refusal:
        if refusal.code != MilestoneErrorCode.NO_FRAMEWORK_VERSION:
            raise
        raise TransitionRefused(
            refusal.message,
            code=refusal.code,
            fields={
                "requisition": [
                    "No active milestone framework applies to this requisition "
                    "(its department and requisition type)."
                ]
            },
        ) from refusal


def connect() -> None:
    subscribe(ApplicationCreated, application_enter_workflow, moment=Moment.IN_TRANSACTION)
