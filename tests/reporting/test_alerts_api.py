"""The alert API: automation failures (list, filters, retry, dismiss) and my notifications."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from milestones.models import FailureSource, FailureStatus, MilestoneTransition
from notifications.models import Notification
from recruiting.models import Candidate
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories
from tests.reporting.factories import (
    make_digest,
    make_failure,
    make_gated_application,
    make_notification,
)
from tests.support import assert_error, refreshed, rows

pytestmark = pytest.mark.django_db

FAILURES = "/api/v1/automation_failures"


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_failures_filter_by_status_source_and_application(api_a, tenant_a):
    open_rule = make_failure(tenant=tenant_a)
    dismissed = make_failure(tenant=tenant_a, status=FailureStatus.DISMISSED)
    deadline = make_failure(tenant=tenant_a, source=FailureSource.DEADLINE)

    assert _ids(api_a.get(FAILURES)) == {str(open_rule.pk), str(dismissed.pk), str(deadline.pk)}
    assert _ids(api_a.get(FAILURES, {"status": "open"})) == {str(open_rule.pk), str(deadline.pk)}
    assert _ids(api_a.get(FAILURES, {"source": "deadline"})) == {str(deadline.pk)}
    assert _ids(api_a.get(FAILURES, {"application_id": str(dismissed.application_id)})) == {
        str(dismissed.pk)
    }


def test_failures_bad_filter_answers_400_naming_it(api_a):
    assert_error(api_a.get(FAILURES, {"status": "nope"}), 400, field="status")
    assert_error(api_a.get(FAILURES, {"application_id": "x"}), 400, field="application_id")


def test_failure_detail_shows_what_why_and_which_rule(api_a, tenant_a):
    failure = make_failure(tenant=tenant_a, attempted={"action": "advance", "to_code": "SCREEN"})
    body = api_a.get(f"{FAILURES}/{failure.pk}").json()
    assert body["attempted"] == {"action": "advance", "to_code": "SCREEN"}
    assert body["error_code"] == "GATE_NOT_SATISFIED" and body["status"] == "open"
    assert body["application_id"] == str(failure.application_id)


def test_retry_after_the_fix_answers_200_with_the_transition(api_a, tenant_a):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(tenant=tenant_a, application=application)
    with all_tenants_context():
        Candidate.all_tenants.filter(pk=application.candidate_id).update(phone="+1 555 0100")

    response = api_a.post(f"{FAILURES}/{failure.pk}/retry")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["failure"]["status"] == "retried"
    (transition,) = rows(MilestoneTransition, pk=body["transition_id"])
    assert transition.cause == "trigger"


def test_retry_still_refused_answers_422_with_the_engine_code(api_a, tenant_a):
    application = make_gated_application(tenant=tenant_a)
    failure = make_failure(tenant=tenant_a, application=application, error_code="OLD")

    assert_error(api_a.post(f"{FAILURES}/{failure.pk}/retry"), 422, "GATE_NOT_SATISFIED")
    assert refreshed(failure).status == FailureStatus.OPEN


def test_retry_of_an_escalation_answers_422_not_retryable(api_a, tenant_a):
    failure = make_failure(tenant=tenant_a, source=FailureSource.ESCALATION, attempted={})
    assert_error(api_a.post(f"{FAILURES}/{failure.pk}/retry"), 422, "FAILURE_NOT_RETRYABLE")


def test_dismiss_needs_a_reason_then_a_second_dismiss_is_409(api_a, tenant_a):
    failure = make_failure(tenant=tenant_a)
    url = f"{FAILURES}/{failure.pk}/dismiss"

    assert_error(api_a.post(url, {}, format="json"), 400, field="reason")
    response = api_a.post(url, {"reason": "handled by phone"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    assert_error(api_a.post(url, {"reason": "again"}, format="json"), 409, "FAILURE_NOT_OPEN")
    assert_error(api_a.post(f"{FAILURES}/{failure.pk}/retry"), 409, "FAILURE_NOT_OPEN")


def test_failures_need_the_applications_scopes(tenant_a):
    _, token = factories.make_api_client(tenant=tenant_a, scopes=["candidates:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    failure = make_failure(tenant=tenant_a)
    assert_error(client.get(FAILURES), 403)
    assert_error(client.post(f"{FAILURES}/{failure.pk}/retry"), 403)


def test_another_tenants_failure_is_404(api_a, tenant_b):
    theirs = make_failure(tenant=tenant_b)
    assert_error(api_a.get(f"{FAILURES}/{theirs.pk}"), 404, "NOT_FOUND")
    assert_error(api_a.post(f"{FAILURES}/{theirs.pk}/retry"), 404, "NOT_FOUND")
    assert str(theirs.pk) not in _ids(api_a.get(FAILURES))


# -- notifications -------------------------------------------------------------------------


@pytest.fixture
def session_a(recruiter_a) -> APIClient:
    client = APIClient()
    client.force_login(recruiter_a)
    return client


def test_notifications_list_only_my_own_in_this_tenant(session_a, recruiter_a, tenant_a, tenant_b):
    mine = make_notification(tenant=tenant_a, recipient=recruiter_a)
    make_notification(tenant=tenant_a)  # a colleague's
    make_notification(tenant=tenant_b, recipient=recruiter_a)  # mine, but another tenant

    assert _ids(session_a.get("/api/v1/notifications")) == {str(mine.pk)}


def test_unread_filter(session_a, recruiter_a, tenant_a):
    unread = make_notification(tenant=tenant_a, recipient=recruiter_a)
    make_notification(tenant=tenant_a, recipient=recruiter_a, read_at="2026-01-01T00:00:00Z")
    assert _ids(session_a.get("/api/v1/notifications", {"unread": "true"})) == {str(unread.pk)}


def test_mark_read_and_read_all(session_a, recruiter_a, tenant_a):
    first = make_notification(tenant=tenant_a, recipient=recruiter_a)
    make_notification(tenant=tenant_a, recipient=recruiter_a)
    colleagues = make_notification(tenant=tenant_a)

    response = session_a.post(f"/api/v1/notifications/{first.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    response = session_a.post("/api/v1/notifications/read_all")
    assert response.json() == {"marked_read": 1}
    assert rows(Notification, recipient=recruiter_a, read_at__isnull=True) == []
    assert refreshed(colleagues).read_at is None


def test_a_digest_lists_its_applications_and_links_to_its_page(session_a, recruiter_a, tenant_a):
    applications = [factories.make_application(tenant=tenant_a) for _ in range(2)]
    digest = make_digest(tenant=tenant_a, recipient=recruiter_a, applications=applications)
    single = make_notification(tenant=tenant_a, recipient=recruiter_a, application=applications[0])

    response = session_a.get("/api/v1/notifications")

    assert response.status_code == 200, response.content
    by_id = {row["id"]: row for row in response.json()["results"]}
    assert by_id[str(digest.pk)]["application_id"] is None
    assert sorted(by_id[str(digest.pk)]["application_ids"]) == sorted(
        str(a.pk) for a in applications
    )
    assert by_id[str(digest.pk)]["link"] == f"/notifications/{digest.pk}/"
    assert by_id[str(single.pk)]["application_ids"] == []
    assert by_id[str(single.pk)]["application_id"] == str(applications[0].pk)


def test_another_users_notification_in_my_tenant_is_404(session_a, tenant_a):
    colleague = factories.make_user()
    factories.make_membership(tenant=tenant_a, user=colleague, role=Role.RECRUITER)
    theirs = make_notification(tenant=tenant_a, recipient=colleague)

    assert_error(session_a.post(f"/api/v1/notifications/{theirs.pk}/read"), 404, "NOT_FOUND")
    assert refreshed(theirs).read_at is None


def test_an_api_client_has_no_notifications(api_a, tenant_a):
    note = make_notification(tenant=tenant_a)
    assert _ids(api_a.get("/api/v1/notifications")) == set()
    assert_error(api_a.post(f"/api/v1/notifications/{note.pk}/read"), 404, "NOT_FOUND")
    assert api_a.post("/api/v1/notifications/read_all").json() == {"marked_read": 0}
