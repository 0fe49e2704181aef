"""Automation failures: an automatic move that did not happen is a row and an alert."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ats_milestones.errors import InvalidInput
from audit.services import audit_application, audit_record
from milestones import sensitivity
from milestones.core.wording import refusal_words
from milestones.errors import FailureNotOpen, FailureNotRetryable, TransitionRefused
from milestones.models import (
    AutomationFailure,
    FailureSource,
    FailureStatus,
    MilestoneDefinition,
    MilestoneTransition,
    TransitionCause,
)
from milestones.services.transitions.moves import application_transition
from notifications.services import notification_send
from recruiting.models import Application
from tenants.actors import SYSTEM, Actor
from tenants.permissions import Capability, actor_require

AUDIT_AUTOMATION_FAILED = "automation.failed"
AUDIT_FAILURE_RETRIED = "automation.failure_retried"
AUDIT_FAILURE_RETRY_REFUSED = "automation.failure_retry_refused"
AUDIT_FAILURE_DISMISSED = "automation.failure_dismissed"

# The cause a retried move is recorded with: the automation's own, not "manual".
_RETRY_CAUSE = {
    FailureSource.RULE: TransitionCause.TRIGGER,
    FailureSource.DEADLINE: TransitionCause.DEADLINE,
}


def _milestone_names(application: Application) -> dict[str, str]:
    """Code -> name of the milestones of the application's version, to word a failure."""
    version_id = application.requisition.framework_version_id
    return dict(
        MilestoneDefinition.objects.for_tenant(application.tenant_id)
        .filter(version_id=version_id)
        .values_list("code", "name")
    )


@transaction.atomic
def automation_failure_record(
    *,
    application: Application,
    source: str,
    attempted: dict,
    error_code: str,
    message: str,
    recipients: Iterable[str],
    rule=None,
    event=None,
    deadline_firing=None,
) -> AutomationFailure:
    """Record what an automation tried, why it failed and which rule it was, alert the
    rule's recipients (in-app and email) and audit it. Call it outside the failed move's
    transaction (or after a savepoint rollback) so the record survives the refusal."""
    failure = AutomationFailure.objects.create(
        application=application,
        source=source,
        rule=rule,
        event=event,
        deadline_firing=deadline_firing,
        attempted=attempted,
        error_code=str(error_code),
        message=message,
    )
    candidate = application.candidate
    what = rule.name if rule is not None else source
    about_sensitive = sensitivity.failure_concerns_sensitive(
        message=message,
        attempted=attempted,
        codes=sensitivity.sensitive_codes(version_id=application.requisition.framework_version_id),
    )
    notification_send(
        application=application,
        recipients=recipients,
        kind=AUDIT_AUTOMATION_FAILED,
        title=f"Automation failed for {candidate.full_name}: {what}",
        body=refusal_words(message, _milestone_names(application)),
        # Recipients without view_sensitive (a hiring manager) read that it is restricted.
        restricted_body=sensitivity.RESTRICTED_FAILURE if about_sensitive else None,
    )
    audit_application(
        action=AUDIT_AUTOMATION_FAILED,
        tenant_id=application.tenant_id,
        application_id=application.pk,
        data={
            "failure_id": str(failure.pk),
            "source": source,
            "rule_id": str(rule.pk) if rule is not None else None,
            "attempted": attempted,
            "error_code": str(error_code),
            "message": message,
        },
    )
    return failure


def _locked_open_failure(failure: AutomationFailure) -> AutomationFailure:
    """The failure's row, locked for this transaction; refused unless it is still open."""
    locked = AutomationFailure.objects.select_for_update().get(pk=failure.pk)
    if locked.status != FailureStatus.OPEN:
        raise FailureNotOpen(
            f"this automation failure is already {locked.get_status_display().lower()}",
            fields={"status": [locked.status]},
        )
    return locked


def _audit_failure(*, action: str, failure: AutomationFailure, actor: Actor, **data) -> None:
    audit_record(
        action=action,
        tenant_id=failure.tenant_id,
        actor=actor,
        object_type="milestones.AutomationFailure",
        object_id=str(failure.pk),
        data={"application_id": str(failure.application_id), **data},
    )


def _close(
    locked: AutomationFailure,
    *,
    status: str,
    action: str,
    actor: Actor,
    **data,
) -> None:
    """Resolve a locked open failure as `status`, by whom and when, and audit it."""
    locked.status = status
    locked.resolved_at = timezone.now()
    locked.resolved_by_id = actor.user_id
    locked.save(update_fields=["status", "resolved_at", "resolved_by", "updated_at"])
    _audit_failure(
        action=action,
        failure=locked,
        actor=actor,
        **data,
    )


def automation_failure_retry(
    *,
    failure: AutomationFailure,
    actor: Actor = SYSTEM,
) -> MilestoneTransition:
    """Re-attempt the move an automation could not make, once its cause is fixed.

    Only an open failure of a rule or a deadline can be retried (409 FAILURE_NOT_OPEN,
    422 FAILURE_NOT_RETRYABLE for an escalation, which recorded no move). The move goes
    through `application_transition` with the automation's cause (trigger / deadline), on
    whatever version is current. Success marks the failure retried and returns the
    transition; a new refusal keeps it open with the latest code and message, and raises
    that refusal. The failure row is locked first, so two concurrent retries make at most
    one move. Not wrapped in one transaction on purpose: a refused retry commits its
    updated reason before the refusal propagates.
    """
    actor_require(actor, Capability.HANDLE_FAILURES)
    refusal: TransitionRefused | None = None
    with transaction.atomic():
        locked = _locked_open_failure(failure)
        cause = _RETRY_CAUSE.get(locked.source)
        action = (locked.attempted or {}).get("action")
        if cause is None or not action:
            raise FailureNotRetryable(
                f"a {locked.get_source_display().lower()} failure records no move to retry; "
                "dismiss it once handled",
                fields={"source": [locked.source]},
            )
        try:
            with transaction.atomic():  # a refusal rolls back the move only
                transition = application_transition(
                    application_id=locked.application_id,
                    action=action,
                    to_code=locked.attempted.get("to_code") or None,
                    actor=actor,
                    cause=cause,
                    reason=f"retry of automation failure {locked.pk}",
                    expected_version=None,
                )
        except TransitionRefused as exc:
            refusal = exc
            locked.error_code = str(exc.code)
            locked.message = exc.message
            locked.save(update_fields=["error_code", "message", "updated_at"])
            _audit_failure(
                action=AUDIT_FAILURE_RETRY_REFUSED,
                failure=locked,
                actor=actor,
                error_code=str(exc.code),
                message=exc.message,
            )
        else:
            _close(
                locked,
                status=FailureStatus.RETRIED,
                action=AUDIT_FAILURE_RETRIED,
                actor=actor,
                transition_id=str(transition.pk),
            )
    _copy_state(locked, into=failure)
    if refusal is not None:
        raise refusal
    return transition


@transaction.atomic
def automation_failure_dismiss(
    *,
    failure: AutomationFailure,
    reason: str,
    actor: Actor = SYSTEM,
) -> AutomationFailure:
    """Close an open failure without a move (handled by hand, or no longer wanted).
    The reason is required (400 naming `reason`) and kept in the audit trail."""
    actor_require(actor, Capability.HANDLE_FAILURES)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "say why this failure is dismissed", fields={"reason": ["This field is required."]}
        )
    locked = _locked_open_failure(failure)
    _close(
        locked,
        status=FailureStatus.DISMISSED,
        action=AUDIT_FAILURE_DISMISSED,
        actor=actor,
        reason=reason,
    )
    _copy_state(locked, into=failure)
    return locked


def _copy_state(source: AutomationFailure, *, into: AutomationFailure) -> None:
    """Keep the caller's instance in step with the row the service locked and changed."""
    for field in ("status", "error_code", "message", "resolved_at", "resolved_by_id", "updated_at"):
        setattr(into, field, getattr(source, field))
