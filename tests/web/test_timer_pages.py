"""Timers on the recruiter pages: escalation level, overdue-since and deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from milestones.models import ApplicationMilestone
from milestones.services.timers.deadlines import application_deadline_set
from tenants.context import all_tenants_context, tenant_context
from tests.milestones.factories import make_deadline_rule, make_tracked_application, make_version

pytestmark = pytest.mark.django_db


def _escalated_application(tenant):
    version = make_version(tenant=tenant)
    make_deadline_rule(tenant=tenant, version=version, name="Offer reminder")
    application = make_tracked_application(tenant=tenant, version=version)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(application=application, state="active").update(
            escalation_level=2, overdue_since=timezone.now() - timedelta(hours=3)
        )
    with tenant_context(tenant):
        application_deadline_set(
            application=application,
            kind="offer_expires_at",
            at=timezone.now() + timedelta(days=5),
        )
    return application


def test_the_application_page_shows_escalation_overdue_and_deadlines(client_a, tenant_a):
    application = _escalated_application(tenant_a)

    page = client_a.get(f"/applications/{application.pk}/").content.decode()

    assert "Escalation level 2" in page
    assert "Overdue since" in page
    assert 'data-testid="deadline-offer_expires_at"' in page
    assert "Offer reminder" in page


def test_the_board_marks_a_stay_overdue_by_its_escalation_level(client_a, tenant_a):
    application = _escalated_application(tenant_a)  # no SLA: only overdue_since says so

    page = client_a.get(f"/requisitions/{application.requisition_id}/board/").content.decode()

    assert 'data-testid="overdue"' in page
