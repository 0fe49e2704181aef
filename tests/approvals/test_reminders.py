"""Stalled approvals: a due step's clock (business hours), reminders to its approvers,
escalation to the department head, once each; and a decision's constant cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import ApprovalStep, ApprovalStepClock, StepStatus
from approvals.services import approval_decide, approvals_reminder_sweep
from approvals.services.reminders import ESCALATION_KIND, REMINDER_KIND
from notifications.models import Notification
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests.approvals.factories import make_approval_world, make_person, role, step, user
from tests.support import audit_events

pytestmark = pytest.mark.django_db


def _clock(round_, name):
    with tenant_context(round_.tenant):
        return ApprovalStepClock.objects.get(step__round=round_, step__name=name)


def _told(kind):
    with all_tenants_context():
        return sorted(
            Notification.all_tenants.filter(kind=kind).values_list("recipient_id", flat=True)
        )


def test_a_due_step_gets_a_clock_in_business_hours(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    clock = _clock(round_, "Hiring manager")
    with tenant_context(tenant_a):
        due_at = ApprovalStep.objects.get(pk=clock.step_id).due_at
        assert not ApprovalStepClock.objects.filter(step__name="HRBP").exists()
    # 16 business hours (09:00-17:00 on weekdays by default) are two working days at least.
    assert clock.remind_at - due_at >= timedelta(hours=16)
    assert clock.escalate_at > clock.remind_at


def test_the_sweep_reminds_then_escalates_once_each(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    clock = _clock(round_, "Hiring manager")
    first = approvals_reminder_sweep(now=clock.remind_at + timedelta(minutes=1))
    assert first.reminded_steps == 1 and first.escalated_steps == 0
    assert _told(REMINDER_KIND) == [world.hiring_manager.pk]
    assert approvals_reminder_sweep(now=clock.remind_at + timedelta(minutes=2)).reminded_steps == 0
    late = approvals_reminder_sweep(now=clock.escalate_at + timedelta(minutes=1))
    assert late.escalated_steps == 1
    assert _told(ESCALATION_KIND) == [world.head.pk]  # the department's head
    assert approvals_reminder_sweep(now=clock.escalate_at + timedelta(days=9)).as_dict() == {
        "reminded_steps": 0,
        "escalated_steps": 0,
        "cleared": 0,
        "notifications": 0,
    }
    assert len(audit_events(action="approval.reminded")) == 1
    assert len(audit_events(action="approval.escalated")) == 1


def test_reminders_carry_no_salary(tenant_a):
    world = make_approval_world(tenant=tenant_a, salary_amount="123456")
    round_ = world.request()
    approvals_reminder_sweep(now=_clock(round_, "Hiring manager").escalate_at + timedelta(hours=1))
    with all_tenants_context():
        texts = [
            n.title + n.body
            for n in Notification.all_tenants.filter(kind__in=[REMINDER_KIND, ESCALATION_KIND])
        ]
    assert texts and not any("123" in t or "USD" in t for t in texts)


def test_a_step_decided_before_its_reminder_is_not_reminded(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    clock = _clock(round_, "Hiring manager")
    with tenant_context(tenant_a):
        approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")
    result = approvals_reminder_sweep(now=clock.remind_at + timedelta(minutes=1))
    assert result.cleared == 1  # the decided step's clock
    assert world.hiring_manager.pk not in _told(REMINDER_KIND)
    assert _clock(round_, "HRBP").escalate_at is not None  # the next step's clock started


def _decision_queries(tenant, approvers: int) -> int:
    people = [make_person(tenant=tenant, role_name=Role.HIRING_MANAGER) for _ in range(approvers)]
    steps = [
        step("Panel", *[user(p) for p in people], quorum="any"),
        step("HRBP", role("hrbp")),
    ]
    world = make_approval_world(tenant=tenant, steps=steps)
    round_ = world.request()
    client = APIClient()
    client.force_login(people[0])
    client.get("/api/v1/ping")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/approval_requests/{round_.pk}/decisions",
            {"decision": "approve"},
            format="json",
            HTTP_IF_MATCH=f'"{round_.version}"',
            HTTP_IDEMPOTENCY_KEY=f"k-{approvers}",
        )
    assert response.status_code == 201, response.content
    with tenant_context(tenant):
        assert ApprovalStep.objects.get(round=round_, name="HRBP").status == StepStatus.DUE
    return len(queries)


def test_a_decision_takes_the_same_number_of_queries_at_any_size(tenant_a, tenant_b):
    assert _decision_queries(tenant_a, 2) == _decision_queries(tenant_b, 12)


def test_pending_for_a_user_takes_the_same_number_of_queries_at_any_size(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    client = APIClient()
    client.force_login(world.hiring_manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/approvals/pending").status_code == 200
        return len(queries)

    world.request()
    count()  # the first request of a session reads more (the session, the membership)
    one = count()
    for _ in range(5):
        more = make_approval_world(tenant=tenant_a)
        with tenant_context(tenant_a):
            more.requisition.hiring_manager = world.hiring_manager
            more.requisition.save()
        more.request()
    body = client.get("/api/v1/approvals/pending").json()
    assert len(body["due"]) == 6
    assert count() == one
    assert timezone.now()
