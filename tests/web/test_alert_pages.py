"""Alert pages: my inbox with the header badge, and the tenant's automation failures."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction
from milestones.models import AutomationFailure, FailureStatus, MilestoneTransition
from notifications.models import Notification
from recruiting.models import Candidate
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories
from tests.reporting.factories import make_failure, make_gated_application, make_notification
from tests.support import audit_events, refreshed, rows

pytestmark = pytest.mark.django_db


def _fix_phone(application) -> None:
    with all_tenants_context():
        Candidate.all_tenants.filter(pk=application.candidate_id).update(phone="+1 555 0100")


# -- inbox and badge -----------------------------------------------------------------------


def test_inbox_lists_my_notifications_unread_first(client_a, recruiter_a, tenant_a):
    read = make_notification(
        tenant=tenant_a, recipient=recruiter_a, title="Old news", read_at="2030-01-01T00:00Z"
    )
    unread = make_notification(tenant=tenant_a, recipient=recruiter_a, title="Fresh")
    make_notification(tenant=tenant_a, title="A colleague's")

    response = client_a.get("/notifications/")

    assert [n.pk for n in response.context["page_obj"]] == [unread.pk, read.pk]
    assert "A colleague&#x27;s" not in response.content.decode()


def test_header_badge_shows_the_unread_count(client_a, recruiter_a, tenant_a, tenant_b):
    make_notification(tenant=tenant_a, recipient=recruiter_a)
    make_notification(tenant=tenant_a, recipient=recruiter_a)
    make_notification(tenant=tenant_b, recipient=recruiter_a)  # another tenant: not counted

    body = client_a.get("/requisitions/").content.decode()

    assert 'data-testid="unread-badge">2</span>' in body


def test_the_badge_costs_one_query_per_page(client_a, recruiter_a, tenant_a):
    make_notification(tenant=tenant_a, recipient=recruiter_a)
    client_a.get("/requisitions/")  # settle the session's tenant
    with CaptureQueriesContext(connection) as queries:
        client_a.get("/requisitions/")
    badge = [q for q in queries if "reporting_notification" in q["sql"]]
    assert len(badge) == 1


def test_mark_read_and_mark_all_read(client_a, recruiter_a, tenant_a):
    first = make_notification(tenant=tenant_a, recipient=recruiter_a)
    make_notification(tenant=tenant_a, recipient=recruiter_a)

    response = client_a.post(f"/notifications/{first.pk}/read/")
    assert response.status_code == 303
    assert refreshed(first).read_at is not None
    client_a.post("/notifications/read-all/")
    assert rows(Notification, recipient=recruiter_a, read_at__isnull=True) == []
    assert "unread-badge" not in client_a.get("/notifications/").content.decode()


def test_open_marks_read_and_goes_where_the_notification_points(client_a, recruiter_a, tenant_a):
    application = factories.make_application(tenant=tenant_a)
    link = f"/applications/{application.pk}/"
    note = make_notification(
        tenant=tenant_a, recipient=recruiter_a, application=application, link=link
    )
    assert 'data-testid="open-notification"' in client_a.get("/notifications/").content.decode()

    response = client_a.post(f"/notifications/{note.pk}/read/", {"open": "1"})

    assert (response.status_code, response["Location"]) == (303, link)
    assert refreshed(note).read_at is not None


def test_another_users_notification_is_404_and_audited(client_a, tenant_a):
    theirs = make_notification(tenant=tenant_a)

    response = client_a.post(f"/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    assert refreshed(theirs).read_at is None
    assert audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))


# -- failures ------------------------------------------------------------------------------


def test_failure_list_shows_open_failures_of_the_tenant(client_a, tenant_a, tenant_b):
    mine = make_failure(tenant=tenant_a)
    make_failure(tenant=tenant_a, status=FailureStatus.DISMISSED)
    make_failure(tenant=tenant_b)

    response = client_a.get("/automation/failures/")

    assert [f.pk for f in response.context["page_obj"]] == [mine.pk]
    body = response.content.decode()
    assert "GATE_NOT_SATISFIED" in body and mine.application.candidate.full_name in body
    everything = client_a.get("/automation/failures/?status=all")
    assert len(everything.context["page_obj"]) == 2


def test_retry_from_the_page_moves_the_candidate_and_closes_the_failure(
    client_a, recruiter_a, tenant_a
):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(tenant=tenant_a, application=application)
    _fix_phone(application)

    response = client_a.post(
        f"/automation/failures/{failure.pk}/retry/", {"next": "/automation/failures/"}
    )

    assert response.status_code == 303 and response["Location"] == "/automation/failures/"
    assert refreshed(failure).status == FailureStatus.RETRIED
    assert rows(MilestoneTransition, application_id=application.pk, cause="trigger")
    assert failure.pk not in [
        f.pk for f in client_a.get("/automation/failures/").context["page_obj"]
    ]


def test_a_refused_retry_says_why_and_keeps_it_open(client_a, tenant_a):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(tenant=tenant_a, application=application)

    response = client_a.post(f"/automation/failures/{failure.pk}/retry/", follow=True)

    assert "GATE_NOT_SATISFIED" in response.content.decode()
    assert refreshed(failure).status == FailureStatus.OPEN


def test_dismiss_asks_for_a_reason(client_a, tenant_a):
    failure = make_failure(tenant=tenant_a)

    client_a.post(f"/automation/failures/{failure.pk}/dismiss/", {"reason": ""})
    assert refreshed(failure).status == FailureStatus.OPEN
    client_a.post(f"/automation/failures/{failure.pk}/dismiss/", {"reason": "handled"})
    assert refreshed(failure).status == FailureStatus.DISMISSED


def test_a_foreign_redirect_target_is_ignored(client_a, tenant_a):
    failure = make_failure(tenant=tenant_a)
    response = client_a.post(
        f"/automation/failures/{failure.pk}/dismiss/",
        {"reason": "x", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/automation/failures/"


@pytest.mark.parametrize("action", ["retry", "dismiss"])
def test_another_tenants_failure_is_404_and_audited(client_a, tenant_b, action):
    theirs = make_failure(tenant=tenant_b)

    response = client_a.post(f"/automation/failures/{theirs.pk}/{action}/", {"reason": "x"})

    assert response.status_code == 404
    assert refreshed(theirs).status == FailureStatus.OPEN
    (denied,) = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert denied.data["exists_in_other_tenant"]
    assert denied.object_type == AutomationFailure._meta.label


def test_only_recruiters_and_admins_handle_failures(tenant_a):
    manager = factories.make_user()
    factories.make_membership(tenant=tenant_a, user=manager, role=Role.HIRING_MANAGER)
    failure = make_failure(tenant=tenant_a)
    client = Client()
    client.force_login(manager)

    assert client.get("/automation/failures/").status_code == 403
    assert client.post(f"/automation/failures/{failure.pk}/retry/").status_code == 403


def test_application_page_shows_its_open_failures_with_actions(client_a, tenant_a):
    application = make_gated_application(tenant=tenant_a)
    make_failure(tenant=tenant_a, application=application, message="phone missing here")
    make_failure(tenant=tenant_a, application=application, status=FailureStatus.DISMISSED)

    response = client_a.get(f"/applications/{application.pk}/")

    assert len(response.context["open_failures"]) == 1
    body = response.content.decode()
    assert "phone missing here" in body and 'data-testid="failure-retry"' in body
