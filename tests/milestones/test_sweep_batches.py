"""The timer sweep's escalations in batches: one digest per person and level, two sweeps at
once escalate each level exactly once (real Postgres, committed rows), and a batch costs the
same statements for 2 or 12 stays."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from milestones.models import (
    ApplicationMilestone,
)
from milestones.services.timers.escalation_sweep import escalation_batch
from milestones.services.timers.sweep import (
    SweepResult,
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
    escalated_notifications,
    escalating_version,
    overdue_application,
    staffed_requisition,
)


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
