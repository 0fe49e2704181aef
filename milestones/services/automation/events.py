"""Running automation rules: events from other systems, auto-advance and skip rules.

Evaluation runs inline, in the transaction that stores the event: an event is small, the
rules of one version are few, and the caller learns in the response what its event did
(`outcome`). Every move goes through `application_transition` with cause `trigger` and
the rule named in the reason; every move that cannot happen becomes an AutomationFailure
(row, alert, audit) and never rolls back the stored event.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from milestones.core import engine
from milestones.core.rules import AutomationRuleView, Intent, auto_advance_intents, skip_intents
from milestones.errors import EventConflict, TransitionRefused, UnknownApplicationReference
from milestones.models import (
    ApplicationEvent,
    ApplicationMilestone,
    AutomationFailure,
    AutomationRule,
    AutomationRuleKind,
    FailureSource,
    FailureStatus,
    TransitionCause,
)
from milestones.services.automation.failures import automation_failure_record
from milestones.services.transitions.moves import (
    application_transition,
    milestone_rule,
)
from recruiting.models import Application

MOVED, FAILED, ALREADY_REPORTED = "moved", "failed", "already_reported"


def automation_rule_view(rule: AutomationRule) -> AutomationRuleView:
    """The pure evaluator's view of a rule (also what the sandbox feeds it)."""
    return AutomationRuleView(
        id=rule.pk,
        name=rule.name,
        kind=rule.kind,
        milestone_code=rule.milestone.code,
        event_type=rule.event_type,
        conditions=rule.conditions or {},
        order=rule.order,
        is_enabled=rule.is_enabled,
        alert_recipients=tuple(rule.alert_recipients or ()),
    )


def _code(related) -> str | None:
    return related.code if related is not None else None


def application_rule_facts(
    *, application: Application, events_seen: list[str], event: ApplicationEvent | None = None
) -> dict[str, Any]:
    """The named facts of milestones/conditions.py for one application (and event)."""
    requisition = application.requisition
    return {
        "application.source": application.source,
        "application.hire_type": application.hire_type,
        "application.status": application.status,
        "requisition.type": _code(requisition.requisition_type),
        "requisition.department": _code(requisition.department),
        "requisition.job_family": _code(requisition.job_family),
        "requisition.location": _code(requisition.location),
        "candidate.location": application.candidate.location or None,
        "candidate.external_id": application.candidate.external_id or None,
        "event.type": event.event_type if event is not None else None,
        "events_seen": events_seen,
        "payload": event.payload if event is not None else {},
    }


# What an application's rule facts read (candidate, requisition and its classifications).
APPLICATION_FACT_RELATED = (
    "candidate",
    "requisition__requisition_type",
    "requisition__department",
    "requisition__job_family",
    "requisition__location",
)


def _lock_application(application_id: uuid.UUID) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(*APPLICATION_FACT_RELATED)
        .get(pk=application_id)
    )


def _view(application: Application) -> engine.ApplicationView:
    rows = (
        ApplicationMilestone.objects.filter(application_id=application.pk)
        .select_related("milestone")
        .order_by("milestone__order")
    )
    return engine.ApplicationView(
        status=application.status,
        hire_type=application.hire_type,
        progress=tuple(engine.Progress(milestone_rule(row.milestone), row.state) for row in rows),
    )


def _rules(version_id, kind: str) -> list[AutomationRuleView]:
    if version_id is None:
        return []
    rules = AutomationRule.objects.filter(
        version_id=version_id, kind=kind, is_enabled=True
    ).select_related("milestone")
    return [automation_rule_view(rule) for rule in rules]


def _fail(*, application, intent: Intent, code: str, message: str, event, dedupe: bool) -> dict:
    rule = AutomationRule.objects.filter(pk=intent.rule.id).first()
    outcome = {"rule_id": str(intent.rule.id), "error_code": str(code), "message": message}
    if dedupe:
        # A skip rule runs again on every event; one open failure per rule is enough.
        open_failure = AutomationFailure.objects.filter(
            application=application,
            rule_id=intent.rule.id,
            error_code=str(code),
            status=FailureStatus.OPEN,
        ).first()
        if open_failure is not None:
            return {**outcome, "outcome": ALREADY_REPORTED, "failure_id": str(open_failure.pk)}
    failure = automation_failure_record(
        application=application,
        source=FailureSource.RULE,
        rule=rule,
        event=event,
        attempted=intent.attempted,
        error_code=str(code),
        message=message,
        recipients=intent.rule.alert_recipients,
    )
    return {**outcome, "outcome": FAILED, "failure_id": str(failure.pk)}


def _with_event(reason: str, event) -> str:
    """The reason a triggered move records: the rule's, and which stored event set it off
    (an auditor follows it to the sender's payload and idempotency id)."""
    if event is None:
        return reason
    return f"{reason}; event {event.pk} ({event.idempotency_id})"


def _carry_out(*, application, intents: list[Intent], event, now, dedupe: bool) -> list[dict]:
    """Each intent through the one transition service, in a savepoint of its own; a
    refusal becomes a failure record and the next intent still runs."""
    outcomes = []
    for intent in intents:
        code, message = intent.error_code, intent.message
        if code is None:
            try:
                with transaction.atomic():
                    transition = application_transition(
                        application_id=application.pk,
                        action=intent.action,
                        to_code=intent.to_code,
                        cause=TransitionCause.TRIGGER,
                        reason=_with_event(intent.reason, event),
                        expected_version=None,
                        now=now,
                    )
            except TransitionRefused as exc:
                code, message = exc.code, f"{intent.reason}: {exc.message}"
            else:
                outcomes.append(
                    {
                        "rule_id": str(intent.rule.id),
                        "outcome": MOVED,
                        "action": intent.action,
                        "transition_id": str(transition.pk),
                    }
                )
                continue
        outcomes.append(
            _fail(
                application=application,
                intent=intent,
                code=code,
                message=message,
                event=event,
                dedupe=dedupe,
            )
        )
    return outcomes


def application_skip_rules_apply(
    *,
    application_id: uuid.UUID,
    event: ApplicationEvent | None = None,
    now: datetime | None = None,
) -> list[dict]:
    """Mark skipped the pending or active milestones whose skip rules hold, each with a
    transition of cause `trigger` naming the rule. A mandatory milestone is skipped only
    for the hire types of its bypass policy; otherwise the rule's failure is recorded
    (SKIP_NOT_ALLOWED), once while it stays open. Without `event` this is the start of
    the application (rules without an event type); it runs inside the caller's transaction."""
    application = _lock_application(application_id)
    if application.status != engine.APPLICATION_ACTIVE:
        return []
    rules = _rules(application.requisition.framework_version_id, AutomationRuleKind.SKIP)
    if not rules:
        return []
    facts = application_rule_facts(
        application=application, events_seen=_events_seen(application), event=event
    )
    intents = skip_intents(
        rules, _view(application), facts, event.event_type if event is not None else None
    )
    return _carry_out(application=application, intents=intents, event=event, now=now, dedupe=True)


def _events_seen(application: Application) -> list[str]:
    types = ApplicationEvent.objects.filter(application_id=application.pk).values_list(
        "event_type", flat=True
    )
    return sorted(set(types))


def _application_by_reference(
    *, application_id: uuid.UUID | None, application_external_id: str | None
) -> Application:
    found = Application.objects.filter(
        **({"pk": application_id} if application_id else {"external_id": application_external_id})
    ).first()
    if found is None:
        name = "application_id" if application_id else "application_external_id"
        raise UnknownApplicationReference(
            "no such application in your tenant", fields={name: ["no such application"]}
        )
    return found


def _replayed(stored: ApplicationEvent, *, application, event_type: str) -> ApplicationEvent:
    """The stored event for a replay; the same id for another event is a conflict."""
    if stored.application_id != application.pk or stored.event_type != event_type:
        raise EventConflict(
            f"idempotency id {stored.idempotency_id!r} was used for another event "
            f"({stored.event_type} of application {stored.application_id})",
            fields={"idempotency_id": ["already used for another event"]},
        )
    return stored


@transaction.atomic
def application_event_receive(
    *,
    event_type: str,
    occurred_at: datetime,
    idempotency_id: str,
    payload: dict | None = None,
    application_id: uuid.UUID | None = None,
    application_external_id: str | None = None,
    api_client_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[ApplicationEvent, bool]:
    """Store an event about an application once per idempotency id, then run the rules
    of the application's framework version on it. Returns (event, created): a replay of
    a stored id returns the stored event untouched and runs nothing (two concurrent
    deliveries store one: the unique constraint decides, the loser reads the winner's).
    The same id for another application or type is a conflict (EventConflict, 409).
    Auto-advance rules run first on the state the event found, then skip rules."""
    application = _application_by_reference(
        application_id=application_id, application_external_id=application_external_id
    )
    stored = ApplicationEvent.objects.filter(idempotency_id=idempotency_id).first()
    if stored is not None:
        return _replayed(stored, application=application, event_type=event_type), False
    try:
        with transaction.atomic():
            event = ApplicationEvent.objects.create(
                application=application,
                event_type=event_type,
                idempotency_id=idempotency_id,
                occurred_at=occurred_at,
                payload=payload or {},
                api_client_id=api_client_id,
            )
    except IntegrityError:
        stored = ApplicationEvent.objects.get(idempotency_id=idempotency_id)
        return _replayed(stored, application=application, event_type=event_type), False
    now = now or timezone.now()
    event.outcome = application_event_evaluate(event=event, now=now)
    event.processed_at = now
    event.save(update_fields=["outcome", "processed_at", "updated_at"])
    return event, True


def application_event_evaluate(*, event: ApplicationEvent, now: datetime) -> list[dict]:
    """What the version's rules do with a stored event (see application_event_receive)."""
    application = _lock_application(event.application_id)
    version_id = application.requisition.framework_version_id
    rules = _rules(version_id, AutomationRuleKind.AUTO_ADVANCE)
    outcomes: list[dict] = []
    if rules:
        facts = application_rule_facts(
            application=application, events_seen=_events_seen(application), event=event
        )
        intents = auto_advance_intents(rules, _view(application), facts, event.event_type)
        outcomes = _carry_out(
            application=application, intents=intents, event=event, now=now, dedupe=False
        )
    return outcomes + application_skip_rules_apply(
        application_id=application.pk, event=event, now=now
    )
