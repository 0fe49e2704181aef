"""Reconciliation: activities imported (API, CSV page) and checked against milestone times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.services.decisions import approval_decide
from milestones.services.transitions.moves import application_transition
from recruiting.models import Requisition
from reporting.models import Activity
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals.factories import make_approval_world, role, step
from tests.milestones.factories import make_tracked_application
from tests.support import assert_error, rows

pytestmark = pytest.mark.django_db

ACTIVITIES = "activities"


def _move(tenant, application, action="advance", **kw):
    with tenant_context(tenant):
        return application_transition(
            application_id=application.pk, action=action, expected_version=None, **kw
        )


def _through_interview(tenant):
    """An application moved APPLIED -> SCREEN -> INTERVIEW -> OFFER (interview completed)."""
    application = make_tracked_application(tenant=tenant)
    for _ in range(3):
        _move(tenant, application)
    return application


def _post(api, *activities):
    return api.post(reverse(ACTIVITIES), {"activities": list(activities)}, format="json")


def _activity(application, kind, at):
    return {"application_id": str(application.pk), "kind": kind, "occurred_at": at.isoformat()}


def _discrepancies(api, rule):
    response = api.get(reverse("reconciliation-discrepancies"), {"rule": rule})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _summary(api) -> dict:
    return {r["rule"]: r["count"] for r in api.get(reverse("reconciliation-summary")).json()}


def test_importing_the_same_activities_twice_records_them_once(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    at = timezone.now()
    body = [
        _activity(application, "interview_scheduled", at),
        _activity(application, "email_sent", at),
    ]
    first = _post(api_a, *body)
    assert first.status_code == 201 and first.json() == {"created": 2, "unchanged": 0}
    second = _post(api_a, *body, _activity(application, "interview_held", at))
    assert second.json() == {"created": 1, "unchanged": 2}
    assert len(rows(Activity, application_id=application.pk)) == 3


def test_an_interview_completed_with_none_held_is_a_discrepancy(api_a, tenant_a):
    unheld = _through_interview(tenant_a)
    held = _through_interview(tenant_a)
    _post(api_a, _activity(held, "interview_held", timezone.now() - timedelta(hours=1)))
    late = _through_interview(tenant_a)  # held only after the milestone was completed
    _post(api_a, _activity(late, "interview_held", timezone.now() + timedelta(hours=1)))

    found = _discrepancies(api_a, "interview_not_held")
    assert {r["application_id"] for r in found} == {str(unheld.pk), str(late.pk)}
    assert {r["milestone_code"] for r in found} == {"INTERVIEW"}
    assert found[0]["candidate_name"] and found[0]["milestone_at"]
    assert _summary(api_a)["interview_not_held"] == 2


def test_an_offer_sent_before_the_offer_milestone_is_a_discrepancy(api_a, tenant_a):
    early = make_tracked_application(tenant=tenant_a)  # never reached OFFER
    _post(api_a, _activity(early, "offer_letter_sent", timezone.now()))
    on_time = _through_interview(tenant_a)
    _post(api_a, _activity(on_time, "offer_letter_sent", timezone.now() + timedelta(minutes=5)))
    before = _through_interview(tenant_a)
    _post(api_a, _activity(before, "offer_letter_sent", timezone.now() - timedelta(days=2)))

    found = _discrepancies(api_a, "offer_before_milestone")
    by_app = {r["application_id"]: r for r in found}
    assert set(by_app) == {str(early.pk), str(before.pk)}
    assert by_app[str(early.pk)]["milestone_at"] is None
    assert by_app[str(before.pk)]["milestone_at"] > by_app[str(before.pk)]["activity_at"]


def test_another_tenants_application_is_404_and_nothing_is_recorded(api_a, tenant_a, tenant_b):
    mine = make_tracked_application(tenant=tenant_a)
    theirs = factories.make_application(tenant=tenant_b)
    now = timezone.now()
    response = _post(
        api_a, _activity(mine, "email_sent", now), _activity(theirs, "email_sent", now)
    )
    assert_error(response, 404, "NOT_FOUND", field="activities[1].application_id")
    assert rows(Activity) == []


@pytest.mark.parametrize(
    ("activity", "field"),
    [
        ({"kind": "lunch"}, "activities.0.kind"),
        ({"occurred_at": "tomorrow"}, "activities.0.occurred_at"),
        ({"application_id": "nope"}, "activities.0.application_id"),
        ({"colour": "red"}, "activities.0.colour"),
    ],
)
def test_a_bad_activity_answers_400_naming_the_field(api_a, tenant_a, activity, field):
    application = make_tracked_application(tenant=tenant_a)
    body = {**_activity(application, "email_sent", timezone.now()), **activity}
    assert_error(_post(api_a, body), 400, field=field)


def test_an_unknown_rule_answers_400(api_a):
    assert_error(api_a.get(reverse("reconciliation-discrepancies")), 400, field="rule")
    response = api_a.get(reverse("reconciliation-discrepancies"), {"rule": "vibes"})
    assert_error(response, 400, field="rule")


def test_the_page_imports_a_csv_and_drills_down_to_the_applications(tenant_a):
    unheld = _through_interview(tenant_a)
    client = Client()
    client.force_login(factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user)
    csv_text = (
        "application_id,kind,occurred_at,external_id\n"
        f"{unheld.pk},offer_letter_sent,2020-01-01T09:00:00+00:00,cal-1\n"
    )
    upload = SimpleUploadedFile("activities.csv", csv_text.encode(), content_type="text/csv")
    response = client.post(reverse("reconciliation:page"), {"file": upload}, follow=True)
    assert "Imported 1 activities" in response.content.decode()
    [activity] = rows(Activity, application_id=unheld.pk)
    assert activity.source == "csv" and activity.external_id == "cal-1"

    page = client.get(reverse("reconciliation:page"), {"rule": "interview_not_held"})
    html = page.content.decode()
    assert reverse("recruiting:application-detail", args=[unheld.pk]) in html
    assert 'data-testid="rule-offer_before_milestone"' in html


def test_a_bad_csv_is_refused_with_the_lines_named(tenant_a):
    client = Client()
    client.force_login(factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user)
    bad = "application_id,kind,occurred_at\nnot-an-id,email_sent,2020-01-01T00:00Z\n"
    upload = SimpleUploadedFile("a.csv", bad.encode(), content_type="text/csv")
    html = client.post(reverse("reconciliation:page"), {"file": upload}, follow=True)
    assert "line 2" in html.content.decode()
    assert rows(Activity) == []


def test_who_may_import_and_who_may_only_read(tenant_a):
    client = Client()
    client.force_login(factories.make_membership(tenant=tenant_a, role=Role.HIRING_MANAGER).user)
    assert client.get(reverse("reconciliation:page")).status_code == 200
    assert (
        'data-testid="activity-upload"'
        not in client.get(reverse("reconciliation:page")).content.decode()
    )
    assert client.post(reverse("reconciliation:page")).status_code == 403
    assert_error(client.post(reverse(ACTIVITIES), {}, content_type="application/json"), 403)


def test_the_discrepancy_list_costs_the_same_queries_at_any_size(
    api_a, tenant_a, django_assert_num_queries
):
    def listed() -> int:
        return len(_discrepancies(api_a, "interview_not_held"))

    _through_interview(tenant_a)
    listed()  # the first request of a client also records its use
    with CaptureQueriesContext(connection) as small:
        assert listed() == 1
    for _ in range(3):
        _through_interview(tenant_a)
    with django_assert_num_queries(len(small.captured_queries)):
        assert listed() == 4


def test_an_offer_sent_before_its_approval_is_a_discrepancy(api_a, tenant_a):
    world = make_approval_world(
        tenant=tenant_a, steps=[step("Hiring manager", role("hiring_manager"))]
    )
    unapproved = make_approval_world(tenant=tenant_a)  # an offer never approved
    sent = timezone.now()
    _post(api_a, _activity(world.application, "offer_letter_sent", sent - timedelta(hours=1)))
    _post(api_a, _activity(unapproved.application, "offer_letter_sent", sent))
    round_ = world.request()
    with tenant_context(tenant_a):
        approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")

    found = _discrepancies(api_a, "offer_before_approval")
    by_app = {r["application_id"]: r for r in found}
    assert set(by_app) == {str(world.application.pk), str(unapproved.application.pk)}
    assert by_app[str(world.application.pk)]["milestone_name"] == "Offer approval"
    assert (
        by_app[str(world.application.pk)]["milestone_at"]
        > by_app[str(world.application.pk)]["activity_at"]
    )
    assert by_app[str(unapproved.application.pk)]["milestone_at"] is None

    _post(api_a, _activity(world.application, "offer_letter_sent", timezone.now()))
    again = {r["id"] for r in _discrepancies(api_a, "offer_before_approval")}
    assert len(again) == 2  # the letter sent after the approval is not one


def test_a_confidential_requisitions_discrepancies_are_hidden_from_who_may_not_see_it(tenant_a):
    unheld = _through_interview(tenant_a)
    with all_tenants_context():
        Requisition.all_tenants.filter(pk=unheld.requisition_id).update(is_confidential=True)

    def listed(role) -> str:
        client = Client()
        client.force_login(factories.make_membership(tenant=tenant_a, role=role).user)
        return client.get(
            reverse("reconciliation:page"), {"rule": "interview_not_held"}
        ).content.decode()

    assert str(unheld.pk) not in listed(Role.AUDITOR)
    assert str(unheld.pk) in listed(Role.ADMIN)
