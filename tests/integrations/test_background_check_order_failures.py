"""A background-check order that fails or is lost: the resume sweep, alerts to admins and
the recruiter (once, not per attempt), the pages that say so and Retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from integrations.errors import IntegrationErrorCode
from integrations.models import (
    BackgroundCheck,
)
from integrations.services.alerts import ALERT_ORDER_FAILED
from integrations.tasks import background_checks_resume_task
from notifications.models import Notification
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Membership, Role
from tests import factories
from tests.support import FakeVendor, assert_error, rows

from .background_check_support import (
    ROUTES,
    enter_check,
    new_application,
    the_check,
    vendor_connection,
)
from .factories import make_background_check

pytestmark = pytest.mark.django_db


def test_an_order_whose_task_was_lost_is_queued_again_by_the_resume_sweep(tenant_a, checkr):
    connection = vendor_connection(tenant_a, checkr)
    application = new_application(tenant_a)
    with tenant_context(tenant_a):
        check = BackgroundCheck.objects.create(
            connection=connection,
            application=application,
            milestone_code="BACKGROUND_CHECK",
            package="tasker_standard",
        )
    assert background_checks_resume_task() == 0  # a fresh one: its task may still come
    with all_tenants_context():
        BackgroundCheck.all_tenants.filter(pk=check.pk).update(
            updated_at=timezone.now() - timedelta(hours=3)
        )
    assert background_checks_resume_task() == 1
    assert the_check(tenant_a).status == "pending"
    assert [r["path"] for r in checkr.received] == ["/v1/candidates", "/v1/invitations"]


def _people(tenant, application):
    """An admin and the application's recruiter of the tenant (each told once)."""
    with all_tenants_context():
        recruiter = Application.all_tenants.get(pk=application.pk).requisition.recruiter
    admin = factories.make_membership(tenant=tenant, role=Role.ADMIN).user
    factories.make_membership(tenant=tenant, role=Role.RECRUITER)  # not told: not theirs
    # The recruiter is an admin elsewhere too: that tenant's failure is not theirs here.
    factories.make_membership(tenant=factories.make_tenant(), user=recruiter, role=Role.ADMIN)
    return admin, recruiter


def _alerts(tenant) -> list[Notification]:
    with all_tenants_context():
        return list(
            Notification.all_tenants.filter(tenant=tenant, kind=ALERT_ORDER_FAILED).order_by(
                "recipient_id"
            )
        )


def test_a_vendor_that_refuses_the_order_fails_it_at_once_and_alerts_admins_and_the_recruiter(
    tenant_a, django_capture_on_commit_callbacks, mailoutbox
):
    refusing = FakeVendor(answers=(422,))
    vendor_connection(tenant_a, refusing)
    application = new_application(tenant_a)
    admin, recruiter = _people(tenant_a, application)
    recruiter.email, admin.email = "rita@example.com", "ada@example.com"
    with all_tenants_context():
        recruiter.save()
        admin.save()
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    refusing.stop()
    check = the_check(tenant_a)
    assert check.status == "order_failed"
    assert check.order_attempts == 1  # a 422 is not retried
    assert check.last_error == "/v1/candidates answered 422 (vendor says no)"
    assert [r["path"] for r in refusing.received] == ["/v1/candidates"]
    alerts = _alerts(tenant_a)
    assert sorted(a.recipient_id for a in alerts) == sorted([admin.pk, recruiter.pk])
    with tenant_context(tenant_a):
        candidate = str(application.candidate)
    assert {a.title for a in alerts} == {
        f"The background check of {candidate} could not be ordered"
    }
    assert "after 1 attempt: /v1/candidates answered 422 (vendor says no)" in alerts[0].body
    assert {a.application_id for a in alerts} == {application.pk}
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.com", "rita@example.com"]


def test_a_vendor_down_through_every_retry_alerts_once_not_per_attempt(
    tenant_a, django_capture_on_commit_callbacks
):
    down = FakeVendor(answers=(503,))
    vendor_connection(tenant_a, down)
    application = new_application(tenant_a)
    admin, recruiter = _people(tenant_a, application)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    down.stop()
    assert the_check(tenant_a).order_attempts == 7
    assert sorted(a.recipient_id for a in _alerts(tenant_a)) == sorted([admin.pk, recruiter.pk])


def test_the_pages_say_the_order_failed_and_retry_orders_it_again(
    tenant_a, django_capture_on_commit_callbacks
):
    vendor = FakeVendor(answers=(422, 200), routes=dict(ROUTES))
    vendor_connection(tenant_a, vendor)
    application = new_application(tenant_a)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    check = the_check(tenant_a)
    assert check.status == "order_failed"
    recruiter = Client()
    with all_tenants_context():
        recruiter.force_login(Application.all_tenants.get(pk=application.pk).requisition.recruiter)
    listed = recruiter.get(reverse("integrations:background-checks")).content.decode()
    assert "Order failed: /v1/candidates answered 422 (vendor says no)" in listed
    assert 'data-testid="order-retry"' in listed
    page = recruiter.get(reverse("recruiting:application-detail", args=[application.pk]))
    html = page.content.decode()
    assert "Background check — Order failed: /v1/candidates answered 422" in html
    assert 'data-testid="background-check-order-failed-action"' in html
    coordinator = Client()
    coordinator.force_login(factories.make_membership(tenant=tenant_a, role=Role.COORDINATOR).user)
    hidden = coordinator.get(reverse("recruiting:application-detail", args=[application.pk]))
    assert hidden.status_code == 200
    assert "Order failed" not in hidden.content.decode()  # not for those without sensitive
    with django_capture_on_commit_callbacks(execute=True):
        retried = recruiter.post(
            reverse("integrations:background-check-retry", args=[check.pk]),
            {"back": "application"},
            follow=True,
        )
    assert retried.redirect_chain[-1][0] == reverse(
        "recruiting:application-detail", args=[application.pk]
    )
    assert "The background check is being ordered again." in retried.content.decode()
    assert "Order failed" not in retried.content.decode()
    vendor.stop()
    check = the_check(tenant_a)
    assert (check.status, check.vendor_invitation_id) == ("pending", "inv_1")
    assert check.order_attempts == 1  # counted afresh
    assert [r["path"] for r in vendor.received] == [
        "/v1/candidates",
        "/v1/candidates",
        "/v1/invitations",
    ]
    with tenant_context(tenant_a):
        notes = list(check.history.values_list("status", "source"))
    assert notes == [
        ("ordering", "ats"),
        ("order_failed", "ats"),
        ("ordering", "person"),
        ("pending", "ats"),
    ]
    assert rows(AuditEvent, action="background_check.order_retried", object_id=str(check.pk))


def test_retrying_what_did_not_fail_answers_409_and_a_coordinator_may_not(tenant_a):
    from integrations.models import BackgroundCheckStatus

    pending = make_background_check(tenant=tenant_a, status=BackgroundCheckStatus.PENDING)
    api = APIClient()
    api.force_login(factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user)
    refused = api.post(f"/api/v1/background_checks/{pending.pk}/retry")
    assert_error(refused, 409, IntegrationErrorCode.ORDER_NOT_FAILED, field="status")
    failed = make_background_check(
        tenant=tenant_a, status=BackgroundCheckStatus.ORDER_FAILED, last_error="x answered 500"
    )
    coordinator = APIClient()
    coordinator.force_login(factories.make_membership(tenant=tenant_a, role=Role.COORDINATOR).user)
    assert coordinator.post(f"/api/v1/background_checks/{failed.pk}/retry").status_code == 403
    answer = api.post(f"/api/v1/background_checks/{failed.pk}/retry")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "ordering"


def test_a_recruiter_who_is_also_an_admin_is_told_once(
    tenant_a, django_capture_on_commit_callbacks
):
    refusing = FakeVendor(answers=(401,))
    vendor_connection(tenant_a, refusing)
    application = new_application(tenant_a)
    with all_tenants_context():
        recruiter = Application.all_tenants.get(pk=application.pk).requisition.recruiter
        Membership.all_tenants.filter(tenant=tenant_a, user=recruiter).update(role=Role.ADMIN)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    refusing.stop()
    assert the_check(tenant_a).order_attempts == 1  # a refused key is not retried either
    assert [a.recipient_id for a in _alerts(tenant_a)] == [recruiter.pk]
