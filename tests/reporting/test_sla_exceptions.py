"""SLA exceptions: who is stuck where since when (the real entry), at which level, and
who was told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from milestones.models import ApplicationMilestone, MilestoneState
from milestones.services.timers.sweep import milestones_sweep
from reporting.reports import ReportFilters, sla_exceptions
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version
from tests.milestones.timer_support import overdue_application
from tests.reporting.factories import move
from tests.support import rows

pytestmark = pytest.mark.django_db


def _escalate(application, **changes):
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application=application, state=MilestoneState.ACTIVE
        ).update(**changes)


def test_a_misclick_does_not_restart_the_clock(tenant_a):
    version = make_version(tenant=tenant_a)
    application = make_tracked_application(tenant=tenant_a, version=version)
    [entry] = rows(ApplicationMilestone, application=application, state=MilestoneState.ACTIVE)
    soon = timezone.now() + timedelta(seconds=30)
    move(tenant_a, application, "advance", at=soon)
    move(tenant_a, application, "regress", to_code="APPLIED", at=soon + timedelta(seconds=30))
    _escalate(application, escalation_level=1)
    make_tracked_application(tenant=tenant_a, version=version)  # on time: not listed

    with tenant_context(tenant_a):
        [row] = sla_exceptions(filters=ReportFilters())
    assert row.application_id == application.pk and row.escalation_level == 1
    assert row.since == entry.entered_at  # not the moment of the move back
    assert row.milestone.code == "APPLIED" and row.people_told is None


def test_it_lists_the_people_told_and_follows_the_filters(tenant_a):
    application = overdue_application(tenant=tenant_a, hours_ago=130)
    milestones_sweep()
    other_department = factories.make_department(tenant=tenant_a)

    with tenant_context(tenant_a):
        [row] = sla_exceptions(filters=ReportFilters())
        scoped_out = list(
            sla_exceptions(filters=ReportFilters(scope=frozenset({other_department.pk})))
        )
        by_department = list(
            sla_exceptions(
                filters=ReportFilters(department_id=(application.requisition.department_id,))
            )
        )
    assert row.escalation_level == 3 and row.overdue_since is not None
    assert len(row.people_told) == 3
    assert scoped_out == [] and len(by_department) == 1
