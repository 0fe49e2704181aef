"""The timer sweep's deadlines: reminders fired once and digested, a moved date reschedules
what has not fired, a move deadline moves through the engine (or is a failure row)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from milestones.models import (
    AutomationFailure,
    DeadlineFiring,
    MilestoneTransition,
)
from milestones.services.timers.deadlines import application_deadline_set
from milestones.services.timers.sweep import (
    milestones_sweep,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from notifications.models import Notification
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.support import rows

from .timer_support import (
    H,
    active_row,
    escalating_version,
    make_deadline_rule,
    overdue_application,
    staffed_requisition,
)


def test_a_reminder_fires_once_before_the_date_and_not_earlier(tenant_a):
    version = escalating_version(tenant=tenant_a)
    make_deadline_rule(version=version)  # 2 days before
    application = overdue_application(tenant=tenant_a, hours_ago=1, version=version)
    expires = timezone.now() + timedelta(days=3)
    with tenant_context(tenant_a):
        application_deadline_set(application=application, kind="offer_expires_at", at=expires)

    milestones_sweep()
    assert rows(Notification, application=application, kind="deadline.remind") == []

    milestones_sweep(now=timezone.now() + timedelta(days=1, hours=1))
    milestones_sweep(now=timezone.now() + timedelta(days=1, hours=2))

    [reminder] = rows(Notification, application=application, kind="deadline.remind")
    assert "Offer expiry reminder" in reminder.title
    [firing] = rows(DeadlineFiring, deadline__application=application)
    assert firing.fired_at is not None and firing.outcome == "notified 1"


def test_two_reminders_of_one_date_due_in_one_sweep_say_one_consistent_thing(tenant_a):
    version = escalating_version(tenant=tenant_a)
    make_deadline_rule(version=version, name="Offer expires in 2 days")  # 2 days before
    make_deadline_rule(version=version, name="Offer expired", offset=timedelta(0))
    application = overdue_application(tenant=tenant_a, hours_ago=1, version=version)
    expired = timezone.now() - timedelta(hours=1)
    with tenant_context(tenant_a):
        application_deadline_set(application=application, kind="offer_expires_at", at=expired)

    milestones_sweep()

    [told] = rows(Notification, application=application, kind="deadline.remind")
    assert told.title.startswith("Offer expired: ")
    assert told.body.startswith("Offer expired on ") and "in 2 days" not in told.body
    outcomes = sorted(f.outcome for f in rows(DeadlineFiring, deadline__application=application))
    assert outcomes == ["notified 1", "superseded by Offer expired"]


def offers_expiring(*, tenant, count: int, rule_kw=None):
    """`count` applications of one requisition whose offers expire in a day, and a rule
    reminding the recruiter two days before: every reminder is due now."""
    version = escalating_version(tenant=tenant)
    make_deadline_rule(version=version, **(rule_kw or {}))
    requisition = staffed_requisition(tenant=tenant, version=version)
    applications = []
    with tenant_context(tenant):
        for _ in range(count):
            application = factories.make_application(tenant=tenant, requisition=requisition)
            application_milestones_initialize(application_id=application.pk)
            application_deadline_set(
                application=application,
                kind="offer_expires_at",
                at=timezone.now() + timedelta(days=1),
            )
            applications.append(application)
    return requisition, applications


def test_reminders_of_one_rule_to_one_person_in_one_sweep_make_one_digest(tenant_a):
    requisition, applications = offers_expiring(tenant=tenant_a, count=3)

    result = milestones_sweep()

    assert result.firings == 3
    [digest] = rows(Notification, kind="deadline.remind")
    assert digest.recipient_id == requisition.recruiter_id
    assert sorted(digest.application_ids) == sorted(a.pk for a in applications)
    assert digest.title == "Offer expiry reminder: 3 candidates"
    assert digest.body.startswith("The earliest of them: Offer expires on ")
    firings = rows(DeadlineFiring)
    assert {(f.outcome, f.fired_at is not None) for f in firings} == {("notified 1", True)}
    for application in applications:  # the audit trail stays per application
        [event] = rows(AuditEvent, action="deadline.fired", object_id=str(application.pk))
        assert event.data["outcome"] == "notified 1"


def _deadline_batch_statements(reminders: int, tenant) -> int:
    offers_expiring(tenant=tenant, count=reminders, rule_kw={"notify": ["recruiter", "hrbp"]})
    with CaptureQueriesContext(connection) as captured:
        result = milestones_sweep()
    assert result.firings == reminders
    return len(captured)


def test_a_deadline_batch_of_reminders_costs_the_same_statements_for_2_or_12(tenant_a, tenant_b):
    assert _deadline_batch_statements(12, tenant_b) == _deadline_batch_statements(2, tenant_a)


def test_moving_the_date_reschedules_unfired_firings_and_keeps_fired_ones(tenant_a):
    version = escalating_version(tenant=tenant_a)
    remind = make_deadline_rule(version=version, offset=-2 * timedelta(days=1))
    alert = make_deadline_rule(version=version, name="Expired", offset=timedelta(0), action="alert")
    application = overdue_application(tenant=tenant_a, hours_ago=1, version=version)
    first = timezone.now() + timedelta(days=1)
    with tenant_context(tenant_a):
        application_deadline_set(application=application, kind="offer_expires_at", at=first)
    milestones_sweep()  # the reminder (due yesterday relative to the date) fires now
    later = first + timedelta(days=5)
    with tenant_context(tenant_a):
        application_deadline_set(application=application, kind="offer_expires_at", at=later)

    firings = {f.rule_id: f for f in rows(DeadlineFiring, deadline__application=application)}
    assert firings[remind.pk].fired_at is not None
    assert firings[remind.pk].fires_at == first - timedelta(days=2)
    assert firings[alert.pk].fired_at is None and firings[alert.pk].fires_at == later


def test_a_move_deadline_moves_the_application_with_cause_deadline(tenant_a):
    version = escalating_version(tenant=tenant_a, codes=("APPLIED", "OFFER", "OFFER_EXPIRED"))
    with all_tenants_context():
        version.milestones.model.all_tenants.filter(version=version, code="OFFER").update(
            mandatory=False
        )
    make_deadline_rule(
        version=version, offset=timedelta(0), action="move", move_to_code="OFFER_EXPIRED"
    )
    application = overdue_application(tenant=tenant_a, hours_ago=1, version=version)
    with tenant_context(tenant_a):
        application_deadline_set(
            application=application, kind="offer_expires_at", at=timezone.now() - H
        )

    milestones_sweep()

    assert active_row(application).milestone.code == "OFFER_EXPIRED"
    [move] = rows(MilestoneTransition, application=application, cause="deadline")
    assert move.to_milestone_id == active_row(application).milestone_id
    [firing] = rows(DeadlineFiring, deadline__application=application)
    assert firing.outcome == "moved to OFFER_EXPIRED"


def test_a_refused_move_is_a_failure_row_and_the_firing_is_done(tenant_a):
    version = escalating_version(tenant=tenant_a, codes=("APPLIED", "OFFER", "OFFER_EXPIRED"))
    # OFFER is mandatory: jumping over it is refused.
    make_deadline_rule(
        version=version, offset=timedelta(0), action="move", move_to_code="OFFER_EXPIRED"
    )
    application = overdue_application(tenant=tenant_a, hours_ago=1, version=version)
    with tenant_context(tenant_a):
        application_deadline_set(
            application=application, kind="offer_expires_at", at=timezone.now() - H
        )

    milestones_sweep()
    milestones_sweep()

    [failure] = rows(AutomationFailure, application=application)
    assert failure.source == "deadline" and failure.error_code == "MANDATORY_MILESTONE_PENDING"
    [firing] = rows(DeadlineFiring, deadline__application=application)
    assert failure.deadline_firing_id == firing.pk
    assert firing.outcome == "failed: MANDATORY_MILESTONE_PENDING"
    assert active_row(application).milestone.code == "APPLIED"
