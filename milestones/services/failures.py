"""Automation failures: an automatic move that did not happen is a row and an alert."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from compliance.services import audit_record
from recruiting.models import Application
from reporting.services import notification_send

from ..models import AutomationFailure

AUDIT_AUTOMATION_FAILED = "automation.failed"


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
    notification_send(
        application=application,
        recipients=recipients,
        kind=AUDIT_AUTOMATION_FAILED,
        title=f"Automation failed for {candidate.full_name}: {what}",
        body=f"{error_code}: {message}",
    )
    audit_record(
        action=AUDIT_AUTOMATION_FAILED,
        tenant_id=application.tenant_id,
        object_type="recruiting.Application",
        object_id=str(application.pk),
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
