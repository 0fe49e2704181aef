"""A notification's own page: a digest lists its applications; only mine, never marked read
by looking at it, and read in the same number of queries for 2 applications or 12."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditAction
from milestones.models import ApplicationMilestone, MilestoneState
from notifications.models import Notification
from reporting.models import MilestoneStay
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_tracked_application
from tests.reporting.factories import make_digest, make_notification
from tests.support import audit_events, refreshed

pytestmark = pytest.mark.django_db


def _applications(tenant, count: int) -> list:
    return [factories.make_application(tenant=tenant) for _ in range(count)]


def test_a_digest_page_lists_every_application_with_a_link(client_a, recruiter_a, tenant_a):
    applications = _applications(tenant_a, 3)
    digest = make_digest(tenant=tenant_a, recipient=recruiter_a, applications=applications)

    response = client_a.get(f"/notifications/{digest.pk}/")

    assert response.status_code == 200
    assert {a.pk for a in response.context["applications"]} == {a.pk for a in applications}
    body = response.content.decode()
    assert "3 candidates are overdue in Screen (escalation level 1)" in body
    for application in applications:
        assert f'href="/applications/{application.pk}/"' in body
        assert application.candidate.full_name in body
        assert application.requisition.title in body


def test_a_digest_shows_each_active_stays_escalation_level_and_overdue_since(
    client_a, recruiter_a, tenant_a
):
    escalated = make_tracked_application(tenant=tenant_a)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application=escalated, state=MilestoneState.ACTIVE
        ).update(escalation_level=2, overdue_since=timezone.now())
    calm = make_tracked_application(tenant=tenant_a)
    digest = make_digest(tenant=tenant_a, recipient=recruiter_a, applications=[escalated, calm])

    body = client_a.get(f"/notifications/{digest.pk}/").content.decode()

    assert body.count('data-testid="escalation-level">Escalation level 2<') == 1
    assert body.count('data-testid="overdue-since"') == 1
    with all_tenants_context():
        assert escalated.current_milestone.name in body


def test_a_single_notification_page_shows_its_title_body_and_application(
    client_a, recruiter_a, tenant_a
):
    application = factories.make_application(tenant=tenant_a)
    note = make_notification(
        tenant=tenant_a,
        recipient=recruiter_a,
        title="Ada is overdue in Screen",
        body="Waiting since Monday.",
        application=application,
        link=f"/applications/{application.pk}/",
    )

    response = client_a.get(f"/notifications/{note.pk}/")

    body = response.content.decode()
    assert "Ada is overdue in Screen" in body and "Waiting since Monday." in body
    assert f'href="/applications/{application.pk}/"' in body


def test_another_users_notification_in_my_tenant_is_404_and_audited(client_a, tenant_a):
    colleague = factories.make_user()
    factories.make_membership(tenant=tenant_a, user=colleague, role=Role.RECRUITER)
    theirs = make_digest(
        tenant=tenant_a, recipient=colleague, applications=_applications(tenant_a, 2)
    )

    response = client_a.get(f"/notifications/{theirs.pk}/")

    assert response.status_code == 404
    (denied,) = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert denied.tenant_id == tenant_a.pk and denied.object_type == Notification._meta.label


def test_another_tenants_notification_is_404_and_audited(client_a, recruiter_a, tenant_a, tenant_b):
    # Even addressed to me: the session's tenant is A, the digest is B's.
    theirs = make_digest(
        tenant=tenant_b, recipient=recruiter_a, applications=_applications(tenant_b, 2)
    )

    response = client_a.get(f"/notifications/{theirs.pk}/")

    assert response.status_code == 404
    (denied,) = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert denied.tenant_id == tenant_a.pk and denied.data["exists_in_other_tenant"]


def test_an_id_that_exists_nowhere_is_404(client_a):
    assert client_a.get(f"/notifications/{uuid.uuid4()}/").status_code == 404


def test_applications_that_no_longer_exist_or_are_not_in_my_tenant_are_left_out(
    client_a, recruiter_a, tenant_a, tenant_b
):
    mine = factories.make_application(tenant=tenant_a)
    foreign = factories.make_application(tenant=tenant_b)
    digest = make_digest(
        tenant=tenant_a, recipient=recruiter_a, applications=[mine, foreign, uuid.uuid4()]
    )

    response = client_a.get(f"/notifications/{digest.pk}/")

    assert [a.pk for a in response.context["applications"]] == [mine.pk]
    body = response.content.decode()
    assert foreign.candidate.full_name not in body
    assert "2 applications named here no longer exist." in body


def test_the_page_reads_a_digest_of_2_or_12_applications_in_the_same_queries(
    client_a, recruiter_a, tenant_a
):
    small = make_digest(
        tenant=tenant_a, recipient=recruiter_a, applications=_applications(tenant_a, 2)
    )
    large = make_digest(
        tenant=tenant_a, recipient=recruiter_a, applications=_applications(tenant_a, 12)
    )
    client_a.get(f"/notifications/{small.pk}/")  # settle the session's tenant

    counts = []
    for digest, expected in ((small, 2), (large, 12)):
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(f"/notifications/{digest.pk}/")
        assert len(response.context["applications"]) == expected
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_viewing_does_not_mark_read_and_mark_read_returns_to_the_page(
    client_a, recruiter_a, tenant_a
):
    digest = make_digest(
        tenant=tenant_a, recipient=recruiter_a, applications=_applications(tenant_a, 2)
    )

    body = client_a.get(f"/notifications/{digest.pk}/").content.decode()

    assert refreshed(digest).read_at is None
    assert f'action="/notifications/{digest.pk}/read/"' in body
    response = client_a.post(
        f"/notifications/{digest.pk}/read/", {"next": f"/notifications/{digest.pk}/"}
    )
    assert response.status_code == 303 and response["Location"] == f"/notifications/{digest.pk}/"
    assert refreshed(digest).read_at is not None
    assert 'data-testid="mark-read"' not in client_a.get(response["Location"]).content.decode()


# -- the inbox -----------------------------------------------------------------------------


def test_the_inbox_links_a_digest_as_n_candidates(client_a, recruiter_a, tenant_a):
    digest = make_digest(
        tenant=tenant_a, recipient=recruiter_a, applications=_applications(tenant_a, 3)
    )

    body = client_a.get("/notifications/").content.decode()

    assert (
        f'<a href="/notifications/{digest.pk}/" data-testid="digest-link">3 candidates</a>' in body
    )


def test_the_inbox_costs_the_same_queries_with_digests_and_single_notifications(
    client_a, recruiter_a, tenant_a
):
    def inbox_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get("/notifications/").status_code == 200
        return len(queries)

    make_digest(tenant=tenant_a, recipient=recruiter_a, applications=_applications(tenant_a, 2))
    client_a.get("/notifications/")  # settle the session's tenant
    before = inbox_queries()
    for _ in range(3):
        make_digest(tenant=tenant_a, recipient=recruiter_a, applications=_applications(tenant_a, 4))
        application = factories.make_application(tenant=tenant_a)
        make_notification(tenant=tenant_a, recipient=recruiter_a, application=application)

    assert inbox_queries() == before


def test_a_sensitive_current_milestone_is_not_named_to_a_role_that_may_not_see_it(tenant_a):
    from django.test import Client

    application = make_tracked_application(tenant=tenant_a)
    with all_tenants_context():
        milestone = application.current_milestone
        milestone.is_sensitive = True
        milestone.name = "Background check"
        milestone.save()
    manager = factories.make_membership(tenant=tenant_a, role=Role.HIRING_MANAGER).user
    with all_tenants_context():
        application.requisition.hiring_manager = manager
        application.requisition.save()
    digest = make_digest(tenant=tenant_a, recipient=manager, applications=[application])
    client = Client()
    client.force_login(manager)

    body = client.get(f"/notifications/{digest.pk}/").content.decode()

    assert "Restricted milestone" in body and "Background check" not in body


def test_the_digest_page_shows_when_each_candidate_entered_the_milestone(
    client_a, recruiter_a, tenant_a
):
    application = make_tracked_application(tenant=tenant_a)
    entered = timezone.now() - timedelta(days=3)
    with all_tenants_context():
        MilestoneStay.all_tenants.filter(application_id=application.pk).update(entered_at=entered)
        ApplicationMilestone.all_tenants.filter(
            application=application, state=MilestoneState.ACTIVE
        ).update(escalation_level=1, overdue_since=timezone.now())
    digest = make_digest(tenant=tenant_a, recipient=recruiter_a, applications=[application])

    body = client_a.get(f"/notifications/{digest.pk}/").content.decode()

    assert f"{entered:%b} {entered.day}, {entered:%Y %H:%M}" in body
    assert "3\xa0days ago" in body
