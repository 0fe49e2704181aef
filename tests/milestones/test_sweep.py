"""The timer sweep: each escalation level once per stay, deadlines fired once, no moves
unless a rule says so, and a sweep that dies leaves its rows for the next one."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from milestones.models import (
    ApplicationMilestone,
    AutomationFailure,
    DeadlineFiring,
    Holiday,
    MilestoneTransition,
)
from milestones.services.timers.deadlines import application_deadline_set
from milestones.services.timers.escalation_sweep import escalation_batch
from milestones.services.timers.sweep import (
    SweepResult,
    milestones_sweep,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from notifications.models import Notification
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.support import refreshed, rows

from .timer_support import (
    LEVELS,
    H,
    active_row,
    escalating_version,
    make_deadline_rule,
    overdue_application,
    staffed_requisition,
)


def escalated_notifications(application):
    return rows(Notification, application=application, kind="milestone.escalated")


def test_a_stay_past_its_first_level_escalates_once_and_notifies_the_recruiter(tenant_a):
    application = overdue_application(tenant=tenant_a, hours_ago=50)

    result = milestones_sweep()

    row = active_row(application)
    assert (row.escalation_level, row.overdue_since) == (1, None)
    assert row.escalates_at == row.entered_at + 96 * H
    [notification] = escalated_notifications(application)
    assert notification.recipient_id == application.requisition.recruiter_id
    assert "escalation level 1" in notification.title
    assert result.escalated_stays == 1 and result.levels_applied == 1
    assert rows(AuditEvent, action="milestone.escalated", object_id=str(application.pk))


def test_rerunning_the_sweep_never_escalates_twice(tenant_a):
    application = overdue_application(tenant=tenant_a, hours_ago=50)
    milestones_sweep()
    milestones_sweep()
    milestones_sweep(now=timezone.now() + H)

    assert active_row(application).escalation_level == 1
    assert len(escalated_notifications(application)) == 1


def test_all_levels_missed_apply_once_each_and_mark_the_stay_overdue(tenant_a):
    application = overdue_application(tenant=tenant_a, hours_ago=130)

    milestones_sweep()

    row = active_row(application)
    assert row.escalation_level == 3 and row.overdue_since is not None
    assert row.escalates_at is None
    recipients = {n.recipient_id for n in escalated_notifications(application)}
    assert len(escalated_notifications(application)) == 3 and len(recipients) == 3


def test_overdue_since_is_when_the_level_fell_due_not_when_the_sweep_ran(tenant_a):
    application = overdue_application(tenant=tenant_a, hours_ago=130)
    entered = active_row(application).entered_at

    milestones_sweep()

    marking = [level for level in LEVELS if level.get("mark_overdue")]
    assert active_row(application).overdue_since == entered + marking[0]["after"]


def test_an_escalation_moves_nothing(tenant_a):
    application = overdue_application(tenant=tenant_a, hours_ago=130)
    before = refreshed(application).version

    milestones_sweep()

    assert refreshed(application).version == before
    assert [t.kind for t in rows(MilestoneTransition, application=application)] == ["initialize"]


def test_leaving_the_milestone_before_the_sweep_escalates_nothing(tenant_a):
    from milestones.services.transitions.moves import application_transition

    application = overdue_application(tenant=tenant_a, hours_ago=50)
    with tenant_context(tenant_a):
        application_transition(
            application_id=application.pk, action="advance", expected_version=None
        )

    milestones_sweep()

    assert escalated_notifications(application) == []


def test_the_email_leaves_after_commit(tenant_a, django_capture_on_commit_callbacks):
    application = overdue_application(tenant=tenant_a, hours_ago=50)
    with django_capture_on_commit_callbacks(execute=True):
        milestones_sweep()
    assert [m.to for m in mail.outbox] == [[application.requisition.recruiter.email]]
    [notification] = escalated_notifications(application)
    assert notification.emailed_at is not None  # marked outside any tenant context too


def test_a_business_hours_level_waits_for_business_time(tenant_a):
    version = escalating_version(
        tenant=tenant_a, levels=({"level": 1, "after": 8 * H, "business_hours": True},)
    )
    with all_tenants_context():
        Holiday.all_tenants.create(tenant=tenant_a, date=date(2026, 11, 30), name="Closed")
    friday_1pm = datetime(2026, 11, 27, 13, tzinfo=UTC)
    application = overdue_application(tenant=tenant_a, hours_ago=0, version=version)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(application=application).update(
            entered_at=friday_1pm, escalates_at=friday_1pm + 8 * H
        )

    # Friday 22:00 is past the calendar lower bound; 8 business hours end Tuesday 13:00
    # (Monday is a holiday), so the sweep only pushes escalates_at on.
    result = milestones_sweep(now=friday_1pm + 9 * H)
    row = active_row(application)
    assert (row.escalation_level, result.rescheduled) == (0, 1)
    assert row.escalates_at == datetime(2026, 12, 1, 13, tzinfo=UTC)
    assert escalated_notifications(application) == []

    milestones_sweep(now=datetime(2026, 12, 1, 13, 1, tzinfo=UTC))
    assert active_row(application).escalation_level == 1


def test_a_sweep_that_dies_mid_batch_leaves_its_rows_due_for_the_next(tenant_a):
    application = overdue_application(tenant=tenant_a, hours_ago=50)

    class WorkerDied(Exception):
        pass

    with pytest.raises(WorkerDied), transaction.atomic():
        escalation_batch(now=timezone.now(), limit=500, result=_Result(), calendars={})
        raise WorkerDied  # after the level bump and notifications, before commit

    assert active_row(application).escalation_level == 0
    assert escalated_notifications(application) == []

    milestones_sweep()

    assert active_row(application).escalation_level == 1
    assert len(escalated_notifications(application)) == 1


def _Result():
    from milestones.services.timers.sweep import SweepResult

    return SweepResult()


# -- deadlines --------------------------------------------------------------------------------


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


def overdue_applications_of_one_requisition(*, tenant, hours_ago: float, count: int):
    requisition = staffed_requisition(tenant=tenant, version=escalating_version(tenant=tenant))
    applications = [
        factories.make_application(tenant=tenant, requisition=requisition) for _ in range(count)
    ]
    with tenant_context(tenant):
        for application in applications:
            application_milestones_initialize(
                application_id=application.pk, now=timezone.now() - hours_ago * H
            )
    return requisition, applications


def test_several_stays_escalating_to_one_person_together_make_one_digest(
    tenant_a, django_capture_on_commit_callbacks
):
    requisition, applications = overdue_applications_of_one_requisition(
        tenant=tenant_a, hours_ago=50, count=3
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = milestones_sweep()

    assert result.escalated_stays == 3
    [digest] = rows(Notification, kind="milestone.escalated")
    assert digest.recipient_id == requisition.recruiter_id
    assert digest.application_id is None
    assert sorted(digest.application_ids) == sorted(a.pk for a in applications)
    assert digest.title.startswith("3 candidates are overdue in ")
    assert digest.title.endswith("(escalation level 1)")
    assert digest.link == reverse("reporting:notification-detail", args=[digest.pk])
    assert [m.to for m in mail.outbox] == [[requisition.recruiter.email]]  # one mail, not 3
    for application in applications:  # the audit trail stays per application
        assert active_row(application).escalation_level == 1
        assert rows(AuditEvent, action="milestone.escalated", object_id=str(application.pk))


def test_a_digest_is_per_person_and_level_and_a_lone_stay_is_named(tenant_a):
    requisition, pair = overdue_applications_of_one_requisition(
        tenant=tenant_a, hours_ago=100, count=2
    )  # levels 1 (recruiter) and 2 (hiring manager) due for both
    alone = overdue_application(tenant=tenant_a, hours_ago=50)

    milestones_sweep()

    by_recipient = {n.recipient_id: n for n in rows(Notification, kind="milestone.escalated")}
    assert set(by_recipient) == {
        requisition.recruiter_id,
        requisition.hiring_manager_id,
        alone.requisition.recruiter_id,
    }
    for user in (requisition.recruiter_id, requisition.hiring_manager_id):
        assert sorted(by_recipient[user].application_ids) == sorted(a.pk for a in pair)
    assert "(escalation level 2)" in by_recipient[requisition.hiring_manager_id].title
    lone = by_recipient[alone.requisition.recruiter_id]
    assert (lone.application_id, lone.application_ids) == (alone.pk, [])
    assert lone.title.startswith(alone.candidate.full_name)


# -- concurrency (real Postgres, committed rows) --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_each_level_exactly_once(
    flushable_append_only_tables, tenant_a, tenant_b
):
    applications = [
        overdue_application(tenant=tenant, hours_ago=100)
        for tenant in (tenant_a, tenant_b)
        for _ in range(15)
    ]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            milestones_sweep(batch_size=4)
        except BaseException as exc:  # noqa: BLE001 - the assertion shows it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    for application in applications:
        assert active_row(application).escalation_level == 2
        assert len(escalated_notifications(application)) == 2
    with all_tenants_context():
        assert ApplicationMilestone.all_tenants.filter(escalation_level=2).count() == 30


def _batch_statements(stays: int, tenant, version) -> int:
    for _ in range(stays):
        overdue_application(tenant=tenant, hours_ago=130, version=version)  # every level
    with CaptureQueriesContext(connection) as captured:
        claimed = escalation_batch(
            now=timezone.now(), limit=1000, result=SweepResult(), calendars={}
        )
    assert claimed == stays
    return len(captured)


def test_an_escalation_batch_costs_the_same_statements_for_2_or_12_stays(tenant_a, tenant_b):
    few = _batch_statements(2, tenant_a, escalating_version(tenant=tenant_a))
    many = _batch_statements(12, tenant_b, escalating_version(tenant=tenant_b))

    assert many == few
