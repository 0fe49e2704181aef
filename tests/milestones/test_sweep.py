"""The timer sweep's escalations: each level once per stay, no moves, mail after commit, business
hours, and a sweep that dies leaves its rows for the next one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from milestones.models import (
    ApplicationMilestone,
    Holiday,
    MilestoneTransition,
)
from milestones.services.timers.escalation_sweep import escalation_batch
from milestones.services.timers.sweep import (
    SweepResult,
    milestones_sweep,
)
from tenants.context import all_tenants_context, tenant_context
from tests.support import refreshed, rows

from .timer_support import (
    LEVELS,
    H,
    active_row,
    escalated_notifications,
    escalating_version,
    overdue_application,
)


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

    return SweepResult()
