"""Retrying and dismissing an automation failure: one move at most, never silently."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from ats_milestones.errors import InvalidInput
from audit.models import AuditEvent
from milestones.errors import (
    FailureNotOpen,
    FailureNotRetryable,
    MilestoneErrorCode,
    TransitionRefused,
)
from milestones.models import (
    AutomationFailure,
    FailureSource,
    FailureStatus,
    MilestoneTransition,
    TransitionCause,
)
from milestones.services.automation.failures import (
    automation_failure_dismiss,
    automation_failure_retry,
)
from recruiting.models import Candidate
from tenants.actors import Actor
from tenants.context import all_tenants_context, tenant_context
from tests.reporting.factories import make_failure, make_gated_application
from tests.support import audit_events, refreshed, rows

pytestmark = pytest.mark.django_db


def _fix_phone(application) -> None:
    with all_tenants_context():
        Candidate.all_tenants.filter(pk=application.candidate_id).update(phone="+1 555 0100")


def test_retry_after_the_cause_is_fixed_moves_with_cause_trigger_and_closes_the_failure(
    tenant_a, recruiter_a
):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(
        tenant=tenant_a, application=application, attempted={"action": "advance"}
    )
    _fix_phone(application)

    with tenant_context(tenant_a):
        transition = automation_failure_retry(
            failure=failure, actor=Actor(user_id=recruiter_a.pk, role="recruiter")
        )

    assert transition.cause == TransitionCause.TRIGGER
    assert transition.to_milestone.code == "SCREEN"
    assert str(failure.pk) in transition.reason
    stored = refreshed(failure)
    assert stored.status == FailureStatus.RETRIED
    assert stored.resolved_by_id == recruiter_a.pk and stored.resolved_at is not None
    (audit,) = audit_events(action="automation.failure_retried", object_id=str(failure.pk))
    assert audit.data["transition_id"] == str(transition.pk)


def test_retry_of_a_deadline_failure_moves_with_cause_deadline(tenant_a):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(
        tenant=tenant_a,
        application=application,
        source=FailureSource.DEADLINE,
        attempted={"action": "advance", "to_code": "SCREEN"},
    )
    _fix_phone(application)
    with tenant_context(tenant_a):
        transition = automation_failure_retry(failure=failure)
    assert transition.cause == TransitionCause.DEADLINE


def test_retry_still_refused_keeps_the_failure_open_with_the_latest_reason(tenant_a):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(
        tenant=tenant_a,
        application=application,
        attempted={"action": "advance", "to_code": "INTERVIEW"},
        error_code="OLD_CODE",
        message="old message",
    )

    with tenant_context(tenant_a), pytest.raises(TransitionRefused) as refused:
        automation_failure_retry(failure=failure)

    stored = refreshed(failure)
    assert stored.status == FailureStatus.OPEN
    assert stored.error_code == refused.value.code != "OLD_CODE"
    assert stored.message == refused.value.message
    assert rows(MilestoneTransition, application_id=application.pk, kind="advance") == []
    assert audit_events(action="automation.failure_retry_refused", object_id=str(failure.pk))


def test_an_escalation_failure_has_no_move_to_retry(tenant_a):
    failure = make_failure(tenant=tenant_a, source=FailureSource.ESCALATION, attempted={})
    with tenant_context(tenant_a), pytest.raises(FailureNotRetryable) as refused:
        automation_failure_retry(failure=failure)
    assert refused.value.status == 422
    assert refused.value.code == MilestoneErrorCode.FAILURE_NOT_RETRYABLE
    assert refreshed(failure).status == FailureStatus.OPEN


def test_dismiss_needs_a_reason_and_records_it(tenant_a, recruiter_a):
    failure = make_failure(tenant=tenant_a)
    with tenant_context(tenant_a):
        with pytest.raises(InvalidInput) as refused:
            automation_failure_dismiss(failure=failure, reason="  ")
        assert "reason" in refused.value.fields
        automation_failure_dismiss(
            failure=failure,
            reason="moved by hand",
            actor=Actor(user_id=recruiter_a.pk, role="recruiter"),
        )
    stored = refreshed(failure)
    assert stored.status == FailureStatus.DISMISSED and stored.resolved_by_id == recruiter_a.pk
    (audit,) = audit_events(action="automation.failure_dismissed", object_id=str(failure.pk))
    assert audit.data["reason"] == "moved by hand"


@pytest.mark.parametrize("status", [FailureStatus.RETRIED, FailureStatus.DISMISSED])
def test_only_an_open_failure_can_be_retried_or_dismissed(tenant_a, status):
    failure = make_failure(tenant=tenant_a, status=status)
    with tenant_context(tenant_a):
        with pytest.raises(FailureNotOpen) as retried:
            automation_failure_retry(failure=failure)
        with pytest.raises(FailureNotOpen) as dismissed:
            automation_failure_dismiss(failure=failure, reason="again")
    assert retried.value.status == dismissed.value.status == 409
    assert retried.value.code == MilestoneErrorCode.FAILURE_NOT_OPEN


WORKERS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_make_one_transition(flushable_append_only_tables, tenant_a):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(tenant=tenant_a, application=application)
    _fix_phone(application)
    start = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def retry() -> None:
        try:
            with tenant_context(tenant_a):
                start.wait()
                try:
                    automation_failure_retry(failure=refreshed(failure))
                    outcome = "ok"
                except FailureNotOpen as exc:
                    outcome = f"not open {exc.status}"
        except Exception as exc:  # noqa: BLE001 - recorded; the assertion shows it
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=retry) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["not open 409"] * (WORKERS - 1) + ["ok"]
    assert len(rows(MilestoneTransition, application_id=application.pk, kind="advance")) == 1
    assert refreshed(failure).status == FailureStatus.RETRIED
    with all_tenants_context():
        assert AuditEvent.all_tenants.filter(action="automation.failure_retried").count() == 1


def test_a_failure_of_another_tenant_is_invisible_to_the_service(tenant_a, tenant_b):
    theirs = make_failure(tenant=tenant_b)
    with tenant_context(tenant_a), pytest.raises(AutomationFailure.DoesNotExist):
        automation_failure_retry(failure=theirs)
    assert refreshed(theirs).status == FailureStatus.OPEN
