"""The connectors' inbound events (see `integrations.inbound_handlers`): each applies the
vendor's answer through the same services a person's action uses."""

from __future__ import annotations

import uuid

from integrations.connectors.payroll import payroll_milestones
from integrations.errors import IntegrationErrorCode, InvalidInboundEvent, UnknownInboundSubject
from integrations.inbound_handlers import InboundEvent, register_inbound_handler
from integrations.models import ConnectionKind
from integrations.services.background_checks import background_check_update
from milestones.core.engine import MoveAction
from milestones.errors import TransitionRefused
from milestones.models import TransitionCause
from milestones.services.transitions.moves import application_transition
from recruiting.models import Application
from tenants.actors import SYSTEM


def _require_kind(event: InboundEvent, kind: str) -> None:
    if event.connection.kind != kind:
        raise InvalidInboundEvent(
            f"{event.event_type} comes from a {kind.replace('_', ' ')} connection",
            fields={"type": [f"not accepted from a {event.connection.kind} connection"]},
        )


@register_inbound_handler("background_check.updated")
def background_check_updated(event: InboundEvent) -> dict:
    """A Checkr-shaped result: `data` (or `data.object`) names the report, invitation or
    candidate id the order got, its `status` and, when complete, its `result`."""
    _require_kind(event, ConnectionKind.BACKGROUND_CHECK)
    data = event.data.get("object") if isinstance(event.data.get("object"), dict) else event.data
    return background_check_update(
        connection=event.connection, data=data, occurred_at=event.occurred_at
    )


@register_inbound_handler("payroll.acknowledged")
def payroll_acknowledged(event: InboundEvent) -> dict:
    """The payroll system took the onboarding request: the milestone it was sent for
    (`data.milestone`, when it is still the application's active one) completes."""
    _require_kind(event, ConnectionKind.PAYROLL)
    raw_id, code = event.data.get("application_id"), event.data.get("milestone")
    try:
        application_id = uuid.UUID(str(raw_id))
    except ValueError as exc:
        raise InvalidInboundEvent(
            "application_id is not a UUID", fields={"data.application_id": ["a UUID"]}
        ) from exc
    application = (
        Application.objects.select_related("current_milestone").filter(pk=application_id).first()
    )
    if application is None:
        raise UnknownInboundSubject(
            "no application of this tenant has that id",
            code=IntegrationErrorCode.UNKNOWN_APPLICATION,
            fields={"data.application_id": ["not an application of this tenant"]},
        )
    if code not in payroll_milestones(event.connection):
        raise InvalidInboundEvent(
            f"{code!r} is not a milestone this connection's payroll requests are sent for",
            fields={"data.milestone": [", ".join(sorted(payroll_milestones(event.connection)))]},
        )
    current = application.current_milestone
    if current is None or current.code != code:
        return {
            "application_id": str(application.pk),
            "completed": False,
            "reason": f"the application does not stand on {code}",
        }
    reference = str(event.data.get("payroll_id") or event.webhook_id)[:80]
    try:
        transition = application_transition(
            application_id=application.pk,
            action=MoveAction.COMPLETE,
            actor=SYSTEM,
            cause=TransitionCause.SYNC,
            reason=f"Payroll acknowledged ({reference})",
            expected_version=None,
        )
    except TransitionRefused as refusal:
        return {
            "application_id": str(application.pk),
            "completed": False,
            "reason": refusal.message,
        }
    return {
        "application_id": str(application.pk),
        "completed": True,
        "transition_id": str(transition.pk),
    }
