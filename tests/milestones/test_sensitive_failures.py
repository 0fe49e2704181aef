"""An automation failure about a sensitive milestone (its message or target names one)
tells a recipient without `view_sensitive` only that it concerns a restricted milestone, in
the notification (and so its email) and on the application page."""

from __future__ import annotations

import pytest
from django.test import Client

from milestones.models import FailureSource
from milestones.sensitivity import RESTRICTED_FAILURE
from milestones.services.automation.failures import automation_failure_record
from notifications.models import Notification
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version
from tests.reporting.factories import make_failure

pytestmark = pytest.mark.django_db

MESSAGE = "mandatory milestones must come first: BACKGROUND"


@pytest.fixture
def sensitive_case(tenant_a):
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "BACKGROUND", "OFFER"),
        milestones={"BACKGROUND": {"is_sensitive": True, "name": "Background check"}},
    )
    application = make_tracked_application(tenant=tenant_a, version=version)
    recruiter = factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user
    manager = factories.make_membership(tenant=tenant_a, role=Role.HIRING_MANAGER).user
    with all_tenants_context():
        requisition = application.requisition
        requisition.recruiter, requisition.hiring_manager = recruiter, manager
        requisition.save()
    return application, recruiter, manager


def _record(application, message=MESSAGE, to_code="OFFER"):
    with tenant_context(application.tenant_id):
        automation_failure_record(
            application=application,
            source=FailureSource.RULE,
            attempted={"action": "advance", "to_code": to_code},
            error_code="MANDATORY_MILESTONE_PENDING",
            message=message,
            recipients=["recruiter", "hiring_manager"],
        )


def _bodies():
    with all_tenants_context():
        return dict(Notification.all_tenants.values_list("recipient_id", "body"))


def test_the_notification_names_it_only_to_those_who_may_see_it(sensitive_case):
    application, recruiter, manager = sensitive_case
    _record(application)
    bodies = _bodies()
    assert "Background check" in bodies[recruiter.pk]
    assert bodies[manager.pk] == RESTRICTED_FAILURE


def test_a_failure_targeting_a_sensitive_milestone_is_restricted_too(sensitive_case):
    application, _, manager = sensitive_case
    _record(application, message="APPLIED cannot be left yet", to_code="BACKGROUND")
    assert _bodies()[manager.pk] == RESTRICTED_FAILURE


def test_a_failure_about_other_milestones_reads_the_same_to_everyone(sensitive_case):
    application, recruiter, manager = sensitive_case
    _record(application, message="APPLIED cannot be left yet: candidate.phone missing")
    bodies = _bodies()
    assert bodies[recruiter.pk] == bodies[manager.pk] != RESTRICTED_FAILURE


def test_the_application_page_masks_it_for_a_hiring_manager(tenant_a, sensitive_case):
    application, recruiter, manager = sensitive_case
    make_failure(
        tenant=tenant_a,
        application=application,
        message=MESSAGE,
        attempted={"action": "advance", "to_code": "BACKGROUND"},
    )
    pages = {}
    for user in (recruiter, manager):
        client = Client()
        client.force_login(user)
        pages[user] = client.get(f"/applications/{application.pk}/").content.decode()
    assert MESSAGE in pages[recruiter] and RESTRICTED_FAILURE not in pages[recruiter]
    assert RESTRICTED_FAILURE in pages[manager]
    assert "BACKGROUND" not in pages[manager]
