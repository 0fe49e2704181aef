"""Alerts reach the requisition's people: in-app rows and an email each."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from milestones.models import AutomationFailure, FailureSource
from milestones.services.automation.failures import automation_failure_record
from notifications.mail import notifications_email, notifications_email_catch_up
from notifications.models import Notification
from notifications.services import (
    hrbp_user_ids_by_department,
    notification_send,
    requisition_recipient_user_ids,
)
from notifications.tasks import notifications_email_task
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.support import refreshed, rows


def _application_with_people(tenant):
    recruiter = factories.make_user(username="rec", email="rec@example.com")
    manager = factories.make_user(username="mgr", email="mgr@example.com")
    hrbp = factories.make_user(username="hrbp", email="")
    factories.make_membership(tenant=tenant, user=recruiter, role=Role.RECRUITER)
    factories.make_membership(tenant=tenant, user=manager, role=Role.HIRING_MANAGER)
    factories.make_membership(tenant=tenant, user=hrbp, role=Role.HRBP)
    requisition = factories.make_requisition(
        tenant=tenant, recruiter=recruiter, hiring_manager=manager
    )
    return factories.make_application(tenant=tenant, requisition=requisition), (
        recruiter,
        manager,
        hrbp,
    )


def test_notification_goes_to_the_named_people_in_app_and_by_email(
    tenant_a, django_capture_on_commit_callbacks
):
    application, (recruiter, manager, hrbp) = _application_with_people(tenant_a)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        sent = notification_send(
            application=application,
            recipients=["recruiter", "hrbp"],
            kind="milestone.escalated",
            title="Overdue",
        )
    assert {n.recipient_id for n in sent} == {recruiter.pk, hrbp.pk}
    # The HRBP has no address: in-app only.
    assert [m.to for m in mail.outbox] == [["rec@example.com"]]
    # A link a mail client can open: the application's page under SITE_URL.
    assert f"{settings.SITE_URL}/applications/{application.pk}/" in mail.outbox[0].body
    stored = rows(Notification, tenant=tenant_a)
    assert len(stored) == 2
    assert {n.recipient_id: bool(n.emailed_at) for n in stored} == {
        recruiter.pk: True,
        hrbp.pk: False,
    }


def test_a_failure_is_a_row_and_an_alert(tenant_a, django_capture_on_commit_callbacks):
    application, (recruiter, manager, _) = _application_with_people(tenant_a)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        automation_failure_record(
            application=application,
            source=FailureSource.RULE,
            attempted={"action": "advance"},
            error_code="GATE_NOT_SATISFIED",
            message="offer letter missing",
            recipients=["hiring_manager"],
        )
    (failure,) = rows(AutomationFailure, tenant=tenant_a)
    assert failure.error_code == "GATE_NOT_SATISFIED"
    (note,) = rows(Notification, tenant=tenant_a)
    assert note.recipient_id == manager.pk
    assert note.body == "Offer letter missing."  # a sentence, no error code glued in front
    assert mail.outbox[0].to == ["mgr@example.com"]


def test_recipient_names_resolve_to_each_person_once_in_a_stable_order(
    tenant_a, django_assert_num_queries
):
    application, (recruiter, manager, hrbp) = _application_with_people(tenant_a)
    requisition = application.requisition
    requisition.hiring_manager = recruiter  # one person in two roles is notified once
    with tenant_context(tenant_a):
        with django_assert_num_queries(2):  # the tenant's departments and HRBPs, once
            hrbps = hrbp_user_ids_by_department(department_ids=[requisition.department_id])
        with django_assert_num_queries(0):  # a batch resolves every name from them
            first = requisition_recipient_user_ids(
                requisition=requisition,
                recipients=["hrbp", "hiring_manager", "recruiter"],
                hrbps_by_department=hrbps,
            )
            again = requisition_recipient_user_ids(
                requisition=requisition, recipients=["hrbp"], hrbps_by_department=hrbps
            )
    assert first == [recruiter.pk, hrbp.pk]
    assert again == [hrbp.pk]
    assert manager.pk not in first


def _notify_recruiter(tenant, on_commit):
    application, (recruiter, _, _) = _application_with_people(tenant)
    with tenant_context(tenant), on_commit(execute=True):
        (note,) = notification_send(
            application=application, recipients=["recruiter"], kind="x", title="Overdue"
        )
    return note


def test_the_email_task_run_again_mails_nothing_twice(tenant_a, django_capture_on_commit_callbacks):
    note = _notify_recruiter(tenant_a, django_capture_on_commit_callbacks)

    notifications_email_task.apply(args=[[str(note.pk)]])  # as a redelivery would

    assert [m.to for m in mail.outbox] == [["rec@example.com"]]


def test_a_mail_server_down_leaves_the_notification_for_the_retry(
    tenant_a, settings, django_capture_on_commit_callbacks
):
    note = _notify_recruiter(tenant_a, django_capture_on_commit_callbacks)
    with all_tenants_context():  # as if its mail had not gone out yet
        Notification.all_tenants.filter(pk=note.pk).update(emailed_at=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()

    with pytest.raises(OSError):  # in the task's autoretry_for: the worker retries it
        notifications_email(notification_ids=[note.pk])
    assert refreshed(note).emailed_at is None  # the in-app notification stands, unmarked

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_email(notification_ids=[note.pk]) == 1
    assert refreshed(note).emailed_at is not None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe closes


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks are published to a real broker address where nothing listens (not run eagerly,
    as the rest of the suite does)."""
    from ats_milestones.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setattr(app, "_pool", None)  # connections to the real broker, made lazily
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    yield
    app._pool, app.amqp._producer_pool = None, None  # nothing of the dead broker stays


def test_a_broker_down_fails_no_write_and_the_catch_up_mails_it_later(
    tenant_a, broker_down, django_capture_on_commit_callbacks, caplog
):
    """The email was queued after the commit with nothing to catch a broker error: the
    notification (and the decision or move that wrote it) had committed, and the caller got
    an error for it; the mail was never sent."""
    application, (recruiter, _, _) = _application_with_people(tenant_a)
    caplog.set_level(logging.WARNING, logger="notifications.services")
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        (note,) = notification_send(
            application=application, recipients=["recruiter"], kind="x", title="Overdue"
        )
    assert mail.outbox == [] and refreshed(note).emailed_at is None
    assert "could not queue the email of 1 notifications" in caplog.text

    now = timezone.now()
    assert notifications_email_catch_up(now=now) == 0  # it may still be on its way
    assert notifications_email_catch_up(now=now + timedelta(minutes=6)) == 1
    assert [m.to for m in mail.outbox] == [["rec@example.com"]]
    assert notifications_email_catch_up(now=now + timedelta(minutes=7)) == 0


def test_the_catch_up_leaves_what_is_too_old_and_what_has_no_address(
    tenant_a, broker_down, django_capture_on_commit_callbacks
):
    application, _ = _application_with_people(tenant_a)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        notification_send(
            application=application, recipients=["recruiter", "hrbp"], kind="x", title="Old"
        )
    assert notifications_email_catch_up(now=timezone.now() + timedelta(days=3)) == 0
    assert notifications_email_catch_up(now=timezone.now() + timedelta(hours=1)) == 1
    assert [m.to for m in mail.outbox] == [["rec@example.com"]]  # the HRBP has no address
