"""Background checks against a fake Checkr (a real HTTP server on loopback): entering the
milestone orders a check; the vendor's results drive the milestone through the engine;
`consider` starts the adverse-action flow and never rejects by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from integrations.connectors.inbound import background_check_updated
from integrations.errors import AdverseActionRefused, IntegrationErrorCode
from integrations.inbound_handlers import InboundEvent
from integrations.models import (
    BackgroundCheck,
    BackgroundCheckStatusChange,
    Connection,
    ConnectionKind,
    Delivery,
)
from integrations.services.alerts import ALERT_ORDER_FAILED
from integrations.services.background_checks import (
    WAITING_DEADLINE_KIND,
    background_check_decide,
    business_days_after,
)
from integrations.services.connections import connection_validate
from integrations.services.relay import relay_run
from integrations.tasks import background_checks_resume_task
from milestones.core.engine import MoveAction
from milestones.core.timers import BusinessCalendar
from milestones.models import ApplicationDeadline
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.services.transitions.moves import application_transition
from notifications.models import Notification
from recruiting.models import Application
from tenants.actors import SYSTEM, Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Membership, Role
from tests import factories
from tests.support import FakeVendor, assert_error, refreshed, rows

from ..milestones.factories import make_version
from .factories import make_background_check, make_connection

pytestmark = pytest.mark.django_db

ROUTES = {
    "/v1/candidates": b'{"id": "cand_1", "object": "candidate"}',
    "/v1/invitations": b'{"id": "inv_1", "object": "invitation", "status": "pending"}',
    "/v1/reports": b'{"id": "rep_9", "object": "report", "status": "pending"}',
}
CODES = ("APPLIED", "BACKGROUND_CHECK", "OFFER")


@pytest.fixture
def checkr():
    server = FakeVendor(routes=dict(ROUTES))
    yield server
    server.stop()


def _base(vendor) -> str:
    return vendor.url.removesuffix("/hooks")


def _vendor_connection(tenant, vendor, **settings_values):
    connection, _ = make_connection(
        tenant=tenant, url=_base(vendor), kind=ConnectionKind.BACKGROUND_CHECK
    )
    if settings_values:
        with tenant_context(tenant):
            Connection.objects.filter(pk=connection.pk).update(connector_settings=settings_values)
            connection.refresh_from_db()
    return connection


def _application(tenant, codes=CODES):
    recruiter = factories.make_user()
    factories.make_membership(tenant=tenant, user=recruiter)
    version = make_version(tenant=tenant, codes=codes)
    requisition = factories.make_requisition(
        tenant=tenant, framework_version=version, recruiter=recruiter
    )
    application = factories.make_application(tenant=tenant, requisition=requisition)
    with tenant_context(tenant):
        application_milestones_initialize(application_id=application.pk)
    return application


def _enter_check(tenant, application, capture):
    with tenant_context(tenant):
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
    with capture(execute=True):
        relay_run()


def _check(tenant) -> BackgroundCheck:
    with tenant_context(tenant):
        return BackgroundCheck.objects.get()


def _update(connection, tenant, webhook_id="msg_1", at=None, **data):
    event = InboundEvent(
        connection=connection,
        webhook_id=webhook_id,
        event_type="background_check.updated",
        occurred_at=at,
        data=data,
    )
    with tenant_context(tenant):
        return background_check_updated(event)


def _current(tenant, application) -> tuple[str | None, str]:
    with tenant_context(tenant):
        row = Application.objects.select_related("current_milestone").get(pk=application.pk)
    return (row.current_milestone.code if row.current_milestone else None), row.status


def test_entering_the_milestone_orders_an_invitation_from_the_vendor(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = _vendor_connection(tenant_a, checkr)
    application = _application(tenant_a)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    assert [r["path"] for r in checkr.received] == ["/v1/candidates", "/v1/invitations"]
    with tenant_context(tenant_a):
        candidate = application.candidate
    person, order = checkr.bodies()
    assert (person["first_name"], person["email"]) == (candidate.first_name, candidate.email)
    assert person["custom_id"] == str(application.pk)
    assert order == {"candidate_id": "cand_1", "package": "tasker_standard"}
    check = _check(tenant_a)
    assert (check.status, check.vendor_candidate_id, check.vendor_invitation_id) == (
        "pending",
        "cand_1",
        "inv_1",
    )
    assert check.connection_id == connection.pk and check.ordered_at is not None
    # A vendor API, not a webhook receiver: no delivery for the connection.
    assert rows(Delivery, connection=connection) == []
    with tenant_context(tenant_a):
        history = list(check.history.values_list("status", flat=True))
    assert history == ["ordering", "pending"]


def test_the_milestone_code_and_a_direct_report_are_the_connection_s_choice(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    _vendor_connection(tenant_a, checkr, milestone_code="SCREENING", invitation=False)
    application = _application(tenant_a, codes=("APPLIED", "SCREENING", "OFFER"))
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    assert [r["path"] for r in checkr.received] == ["/v1/candidates", "/v1/reports"]
    assert _check(tenant_a).vendor_report_id == "rep_9"


def test_a_vendor_that_never_takes_the_order_leaves_the_check_failed_with_the_reason(
    tenant_a, django_capture_on_commit_callbacks
):
    down = FakeVendor(answers=(503,))
    _vendor_connection(tenant_a, down)
    application = _application(tenant_a)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    down.stop()
    check = _check(tenant_a)
    assert check.status == "order_failed"
    assert "/v1/candidates answered 503" in check.last_error
    assert check.order_attempts == 7  # the first try and six retries


def test_a_clear_result_advances_the_application_with_the_report_as_cause(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = _vendor_connection(tenant_a, checkr)
    application = _application(tenant_a)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    summary = _update(
        connection,
        tenant_a,
        candidate_id="cand_1",
        report_id="rep_1",
        status="complete",
        result="clear",
    )
    assert summary["outcome"] == "advanced"
    assert _current(tenant_a, application) == ("OFFER", "active")
    with tenant_context(tenant_a):
        transition = application.milestone_transitions.order_by("-at").first()
    assert transition.cause == "sync"
    assert transition.reason == "Background check clear (report rep_1)"
    check = _check(tenant_a)
    assert (check.status, check.result, check.vendor_report_id) == ("complete", "clear", "rep_1")
    last = rows(BackgroundCheckStatusChange, background_check=check)[-1]
    assert (last.source, last.note) == ("vendor", "The application: advanced")


def test_statuses_on_the_way_are_kept_in_the_history_and_an_older_update_changes_nothing(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = _vendor_connection(tenant_a, checkr)
    application = _application(tenant_a)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    now = timezone.now()
    _update(connection, tenant_a, invitation_id="inv_1", status="suspended", at=now)
    stale = _update(
        connection, tenant_a, invitation_id="inv_1", status="pending", at=now - timedelta(hours=1)
    )
    assert stale["applied"] is False
    _update(connection, tenant_a, invitation_id="inv_1", status="dispute", at=now + timedelta(1))
    check = _check(tenant_a)
    assert check.status == "dispute"
    history = [h.status for h in rows(BackgroundCheckStatusChange, background_check=check)]
    assert history == ["ordering", "pending", "suspended", "dispute"]
    assert _current(tenant_a, application) == ("BACKGROUND_CHECK", "active")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"invitation_id": "inv_1", "status": "finished"}, "data.status"),
        ({"invitation_id": "inv_1", "status": "complete"}, "data.result"),
        ({"report_id": "rep_unknown", "status": "pending"}, "data.report_id"),
    ],
)
def test_an_update_the_check_cannot_take_is_refused_naming_the_field(
    tenant_a, checkr, django_capture_on_commit_callbacks, data, field
):
    from ats_milestones.errors import DomainError

    connection = _vendor_connection(tenant_a, checkr)
    _enter_check(tenant_a, _application(tenant_a), django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as refused:
        _update(connection, tenant_a, **data)
    assert field in refused.value.fields
    assert refused.value.status in (400, 422)


def test_consider_starts_the_adverse_action_flow_and_never_rejects_by_itself(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = _vendor_connection(tenant_a, checkr)
    application = _application(tenant_a)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        summary = _update(
            connection,
            tenant_a,
            report_id="rep_1",
            candidate_id="cand_1",
            status="complete",
            result="consider",
        )
    assert summary["outcome"] == "adverse action started"
    assert _current(tenant_a, application) == ("BACKGROUND_CHECK", "active")
    check = _check(tenant_a)
    assert check.adverse_action == "waiting"
    # Five business days (Monday to Friday, no holidays): at least a week later.
    assert timedelta(days=7) <= check.waiting_ends_at - started <= timedelta(days=9)
    # The vendor sends the candidate the pre-adverse notice.
    assert checkr.received[-1]["path"] == "/v1/reports/rep_1/adverse_actions"
    with tenant_context(tenant_a):
        deadline = ApplicationDeadline.objects.get(application=application)
        notification = Notification.objects.get(application=application)
    assert (deadline.kind, deadline.at) == (WAITING_DEADLINE_KIND, check.waiting_ends_at)
    assert "needs a decision" in notification.title
    assert "Nothing happens automatically" in notification.body


def _considered(tenant, checkr, capture):
    connection = _vendor_connection(tenant, checkr)
    application = _application(tenant)
    _enter_check(tenant, application, capture)
    _update(
        connection,
        tenant,
        report_id="rep_1",
        candidate_id="cand_1",
        status="complete",
        result="consider",
    )
    return application, _check(tenant)


def test_a_person_decides_only_after_the_waiting_period(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    application, check = _considered(tenant_a, checkr, django_capture_on_commit_callbacks)
    person = Actor(user_id=1, role="recruiter")
    with tenant_context(tenant_a), pytest.raises(AdverseActionRefused) as early:
        background_check_decide(check=check, proceed=False, actor=person)
    assert early.value.code == IntegrationErrorCode.ADVERSE_ACTION_WAITING
    assert early.value.status == 409
    later = check.waiting_ends_at + timedelta(minutes=1)
    with tenant_context(tenant_a):
        background_check_decide(
            check=check,
            proceed=False,
            actor=person,
            reason="Record relevant to the role",
            now=later,
        )
    assert _current(tenant_a, application)[1] == "rejected"
    with tenant_context(tenant_a):
        assert (
            refreshed(application).reject_reason == "Background check: Record relevant to the role"
        )
        with pytest.raises(AdverseActionRefused) as refused:
            background_check_decide(check=check, proceed=True, actor=person, now=later)
    assert refused.value.code == IntegrationErrorCode.NO_ADVERSE_ACTION_PENDING


def test_proceeding_after_review_advances_the_application(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    application, check = _considered(tenant_a, checkr, django_capture_on_commit_callbacks)
    with tenant_context(tenant_a):
        background_check_decide(
            check=check,
            proceed=True,
            actor=Actor(user_id=1, role="recruiter"),
            now=check.waiting_ends_at,
        )
    assert _current(tenant_a, application) == ("OFFER", "active")
    assert _check(tenant_a).adverse_action == "proceeded"


def test_a_role_that_may_not_move_candidates_cannot_decide(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    from tenants.permissions import PermissionRefused

    _, check = _considered(tenant_a, checkr, django_capture_on_commit_callbacks)
    with tenant_context(tenant_a), pytest.raises(PermissionRefused):
        background_check_decide(
            check=check,
            proceed=True,
            actor=Actor(user_id=1, role="viewer"),
            now=check.waiting_ends_at,
        )


def test_a_vendor_api_that_answers_404_to_the_test_event_validates_and_401_does_not(tenant_a):
    api = FakeVendor(answers=(404,))
    connection = _vendor_connection(tenant_a, api)
    with tenant_context(tenant_a):
        reached = connection_validate(connection=connection, actor=SYSTEM)
        api.answers = [401]
        refused = connection_validate(connection=connection, actor=SYSTEM)
    api.stop()
    assert reached.ok is True, reached.message
    assert "reachable" in reached.message
    assert refused.ok is False
    assert refreshed(connection).enabled is False


def test_the_waiting_period_counts_business_days_of_the_tenant_s_calendar():
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    plain = BusinessCalendar()
    assert business_days_after(friday, 5, plain) == datetime(2026, 12, 11, 15, 0, tzinfo=UTC)
    with_holiday = BusinessCalendar(holidays=frozenset({date(2026, 12, 7)}))
    assert business_days_after(friday, 5, with_holiday).date() == date(2026, 12, 14)


def test_an_order_whose_task_was_lost_is_queued_again_by_the_resume_sweep(tenant_a, checkr):
    connection = _vendor_connection(tenant_a, checkr)
    application = _application(tenant_a)
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
    assert _check(tenant_a).status == "pending"
    assert [r["path"] for r in checkr.received] == ["/v1/candidates", "/v1/invitations"]


# -- a failed order: alerts, the pages, Retry ----------------------------------------------


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
    _vendor_connection(tenant_a, refusing)
    application = _application(tenant_a)
    admin, recruiter = _people(tenant_a, application)
    recruiter.email, admin.email = "rita@example.com", "ada@example.com"
    with all_tenants_context():
        recruiter.save()
        admin.save()
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    refusing.stop()
    check = _check(tenant_a)
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
    _vendor_connection(tenant_a, down)
    application = _application(tenant_a)
    admin, recruiter = _people(tenant_a, application)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    down.stop()
    assert _check(tenant_a).order_attempts == 7
    assert sorted(a.recipient_id for a in _alerts(tenant_a)) == sorted([admin.pk, recruiter.pk])


def test_the_pages_say_the_order_failed_and_retry_orders_it_again(
    tenant_a, django_capture_on_commit_callbacks
):
    vendor = FakeVendor(answers=(422, 200), routes=dict(ROUTES))
    _vendor_connection(tenant_a, vendor)
    application = _application(tenant_a)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    check = _check(tenant_a)
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
    check = _check(tenant_a)
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
    _vendor_connection(tenant_a, refusing)
    application = _application(tenant_a)
    with all_tenants_context():
        recruiter = Application.all_tenants.get(pk=application.pk).requisition.recruiter
        Membership.all_tenants.filter(tenant=tenant_a, user=recruiter).update(role=Role.ADMIN)
    _enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    refusing.stop()
    assert _check(tenant_a).order_attempts == 1  # a refused key is not retried either
    assert [a.recipient_id for a in _alerts(tenant_a)] == [recruiter.pk]
