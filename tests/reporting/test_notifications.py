"""Alerts reach the requisition's people: in-app rows and an email each."""

from __future__ import annotations

from django.core import mail

from milestones.models import AutomationFailure, FailureSource
from milestones.services.failures import automation_failure_record
from reporting.models import Notification
from reporting.services import (
    hrbp_user_ids_by_department,
    notification_send,
    requisition_recipient_user_ids,
)
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.api.support import rows


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
    assert note.recipient_id == manager.pk and "offer letter missing" in note.body
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
