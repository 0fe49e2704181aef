"""POST /api/v1/events: stored once, then auto-advance and skip rules run through the
one transition service; what cannot happen is an AutomationFailure and an alert."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from milestones.models import (
    ApplicationEvent,
    ApplicationMilestone,
    AutomationFailure,
    MilestoneTransition,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from notifications.models import Notification
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context
from tenants.models import ApiScope
from tests import factories
from tests.support import assert_error, rows

from .factories import make_automation_rule, make_version

CODES = ("APPLIED", "ASSESSMENT", "INTERVIEW", "OFFER")
SCORE_70 = {"fact": "payload.score", "op": "gte", "value": 70}


def _states(application) -> dict[str, str]:
    with all_tenants_context():
        return dict(
            ApplicationMilestone.all_tenants.filter(application=application).values_list(
                "milestone__code", "state"
            )
        )


def _tracked(tenant, version, *, recruiter=None, **kw) -> Application:
    requisition = factories.make_requisition(
        tenant=tenant, framework_version=version, recruiter=recruiter
    )
    application = factories.make_application(tenant=tenant, requisition=requisition, **kw)
    with tenant_context(tenant):
        application_milestones_initialize(application_id=application.pk)
    return application


def _at_assessment(tenant, *, milestones=None, recruiter=None):
    version = make_version(tenant=tenant, codes=CODES, milestones=milestones)
    rule = make_automation_rule(
        tenant=tenant,
        version=version,
        milestone_code="ASSESSMENT",
        name="assessment passed",
        conditions=SCORE_70,
        alert_recipients=["recruiter"],
    )
    application = _tracked(tenant, version, recruiter=recruiter)
    with tenant_context(tenant):
        from milestones.services.transitions.moves import application_transition

        application_transition(
            application_id=application.pk, action="advance", expected_version=None
        )
    return application, rule


def _event(application, *, score=75, idempotency_id="evt-1", event_type="assessment.completed"):
    return {
        "application_id": str(application.pk),
        "event_type": event_type,
        "occurred_at": "2026-11-20T10:00:00Z",
        "payload": {"score": score},
        "idempotency_id": idempotency_id,
    }


@pytest.mark.django_db
def test_a_passing_score_advances_with_cause_trigger_naming_the_rule(api_a, tenant_a):
    application, rule = _at_assessment(tenant_a)
    response = api_a.post("/api/v1/events", _event(application), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["processed_at"] is not None
    (outcome,) = body["outcome"]
    assert (outcome["rule_id"], outcome["outcome"]) == (str(rule.pk), "moved")
    assert _states(application)["ASSESSMENT"] == "completed"
    assert _states(application)["INTERVIEW"] == "active"
    (transition,) = rows(MilestoneTransition, pk=outcome["transition_id"])
    assert transition.cause == "trigger"
    assert str(rule.pk) in transition.reason and "assessment passed" in transition.reason
    assert body["id"] in transition.reason  # the stored event that set the move off


@pytest.mark.django_db
def test_a_score_of_60_changes_no_milestone(api_a, tenant_a):
    application, _ = _at_assessment(tenant_a)
    response = api_a.post("/api/v1/events", _event(application, score=60), format="json")
    assert response.status_code == 201
    assert response.json()["outcome"] == []
    assert _states(application)["ASSESSMENT"] == "active"
    assert rows(AutomationFailure) == []


@pytest.mark.django_db
def test_a_replayed_event_changes_nothing(api_a, tenant_a):
    application, _ = _at_assessment(tenant_a)
    first = api_a.post("/api/v1/events", _event(application), format="json")
    transitions = len(rows(MilestoneTransition, application=application))
    replay = api_a.post("/api/v1/events", _event(application, score=10), format="json")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert len(rows(ApplicationEvent)) == 1
    assert len(rows(MilestoneTransition, application=application)) == transitions


@pytest.mark.django_db
def test_the_same_idempotency_id_for_another_event_type_is_a_conflict(api_a, tenant_a):
    application, _ = _at_assessment(tenant_a)
    api_a.post("/api/v1/events", _event(application), format="json")
    response = api_a.post(
        "/api/v1/events", _event(application, event_type="offer.accepted"), format="json"
    )
    assert_error(response, 409, "IDEMPOTENCY_CONFLICT", field="idempotency_id")


@pytest.mark.django_db
def test_gate_not_satisfied_records_a_failure_and_alerts_the_recruiter(api_a, tenant_a):
    recruiter = factories.make_user(username="rita", email="rita@example.com")
    gate = {"type": "required_fields", "fields": ["candidate.phone"]}
    application, rule = _at_assessment(
        tenant_a, milestones={"ASSESSMENT": {"gate_conditions": [gate]}}, recruiter=recruiter
    )
    response = api_a.post("/api/v1/events", _event(application), format="json")
    assert response.status_code == 201, response.json()
    (outcome,) = response.json()["outcome"]
    assert (outcome["outcome"], outcome["error_code"]) == ("failed", "GATE_NOT_SATISFIED")
    (failure,) = rows(AutomationFailure, application=application)
    assert failure.rule_id == rule.pk
    assert failure.event_id == rows(ApplicationEvent)[0].pk
    assert failure.error_code == "GATE_NOT_SATISFIED"
    assert failure.attempted == {"action": "advance", "to_code": None}
    assert _states(application)["ASSESSMENT"] == "active"
    assert len(rows(ApplicationEvent)) == 1  # the refusal did not roll back the event
    (notification,) = rows(Notification, recipient=recruiter)
    assert "assessment passed" in notification.title


@pytest.mark.django_db(transaction=True)
def test_gate_failure_emails_the_recruiter_after_commit(api_a, tenant_a):
    recruiter = factories.make_user(username="rita", email="rita@example.com")
    gate = {"type": "required_fields", "fields": ["candidate.phone"]}
    application, _ = _at_assessment(
        tenant_a, milestones={"ASSESSMENT": {"gate_conditions": [gate]}}, recruiter=recruiter
    )
    mail.outbox.clear()
    api_a.post("/api/v1/events", _event(application), format="json")
    assert [m.to for m in mail.outbox] == [["rita@example.com"]]
    body = mail.outbox[0].body
    assert "Assessment cannot be left yet: " in body  # names, not codes
    assert "GATE_NOT_SATISFIED" not in body and "ASSESSMENT" not in body


@pytest.mark.django_db
def test_a_match_for_a_milestone_not_active_is_a_failure(api_a, tenant_a):
    version = make_version(tenant=tenant_a, codes=CODES)
    make_automation_rule(
        tenant=tenant_a, version=version, milestone_code="ASSESSMENT", conditions=SCORE_70
    )
    application = _tracked(tenant_a, version)  # still at APPLIED
    response = api_a.post("/api/v1/events", _event(application), format="json")
    (outcome,) = response.json()["outcome"]
    assert outcome["error_code"] == "MILESTONE_NOT_ACTIVE"
    assert _states(application)["APPLIED"] == "active"


@pytest.mark.django_db
def test_a_rule_error_is_recorded_not_raised(api_a, tenant_a):
    application, _ = _at_assessment(tenant_a)
    body = _event(application)
    body["payload"] = {"score": "seventy"}
    response = api_a.post("/api/v1/events", body, format="json")
    assert response.status_code == 201
    (failure,) = rows(AutomationFailure, application=application)
    assert failure.error_code == "RULE_ERROR"
    assert "cannot compare payload.score" in failure.message


@pytest.mark.django_db
def test_an_event_may_name_the_application_by_its_external_id(api_a, tenant_a):
    application, _ = _at_assessment(tenant_a)
    with all_tenants_context():
        Application.all_tenants.filter(pk=application.pk).update(external_id="APP-9")
    body = _event(application)
    del body["application_id"]
    body["application_external_id"] = "APP-9"
    response = api_a.post("/api/v1/events", body, format="json")
    assert response.status_code == 201
    assert response.json()["application_id"] == str(application.pk)


@pytest.mark.django_db
def test_another_tenants_application_is_400_naming_the_field(api_a, tenant_a, tenant_b):
    theirs = factories.make_application(tenant=tenant_b)
    response = api_a.post("/api/v1/events", _event(theirs), format="json")
    assert_error(response, 400, "VALIDATION_ERROR", field="application_id")
    assert rows(ApplicationEvent) == []
    body = _event(theirs)
    del body["application_id"]
    body["application_external_id"] = "nope"
    assert_error(
        api_a.post("/api/v1/events", body, format="json"),
        400,
        "VALIDATION_ERROR",
        field="application_external_id",
    )


@pytest.mark.django_db
def test_bad_input_names_the_field(api_a, tenant_a):
    application, _ = _at_assessment(tenant_a)
    body = _event(application, event_type="Not A Type!")
    assert_error(api_a.post("/api/v1/events", body, format="json"), 400, field="event_type")
    body = _event(application)
    del body["idempotency_id"]
    assert_error(api_a.post("/api/v1/events", body, format="json"), 400, field="idempotency_id")
    body = _event(application)
    body["application_external_id"] = "x"
    assert_error(api_a.post("/api/v1/events", body, format="json"), 400, field="application_id")


@pytest.mark.django_db
def test_the_idempotency_key_header_serves_as_the_idempotency_id(api_a, tenant_a):
    application, _ = _at_assessment(tenant_a)
    body = _event(application)
    del body["idempotency_id"]
    response = api_a.post("/api/v1/events", body, format="json", HTTP_IDEMPOTENCY_KEY="key-1")
    assert response.status_code == 201
    assert response.json()["idempotency_id"] == "key-1"


@pytest.mark.django_db
def test_sending_events_needs_the_events_write_scope(tenant_a):
    from rest_framework.test import APIClient

    application, _ = _at_assessment(tenant_a)
    _, token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.APPLICATIONS_READ])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(client.post("/api/v1/events", _event(application), format="json"), 403)
    assert client.get("/api/v1/events").status_code == 200


@pytest.mark.django_db
def test_events_list_by_application_and_read_one(api_a, tenant_a, tenant_b):
    application, _ = _at_assessment(tenant_a)
    other, _ = _at_assessment(tenant_a)
    api_a.post("/api/v1/events", _event(application), format="json")
    api_a.post("/api/v1/events", _event(other, idempotency_id="evt-2"), format="json")
    response = api_a.get(f"/api/v1/events?application_id={application.pk}")
    (row,) = response.json()["results"]
    assert row["application_id"] == str(application.pk)
    assert api_a.get(f"/api/v1/events/{row['id']}").json()["idempotency_id"] == "evt-1"
    theirs = factories.make_application(tenant=tenant_b)
    assert_error(
        api_a.get(f"/api/v1/events?application_id={theirs.pk}"), 404, field="application_id"
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_store_one_event_and_move_once(tenant_a, api_token_a):
    from rest_framework.test import APIClient

    application, _ = _at_assessment(tenant_a)
    barrier = threading.Barrier(4)
    statuses = []

    def deliver():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_a}")
        barrier.wait()
        try:
            statuses.append(
                client.post("/api/v1/events", _event(application), format="json").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert len(rows(ApplicationEvent)) == 1
    triggered = rows(MilestoneTransition, application=application, cause="trigger")
    assert len(triggered) == 1
