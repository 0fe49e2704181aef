"""POST /api/v1/inbound/{connection_id}: Standard Webhooks verification (signed on the
sending side with the `standardwebhooks` package), idempotency by webhook-id, dispatch."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test import Client
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from audit.models import AuditEvent
from integrations.models import InboundReceipt
from integrations.services.connections import connection_rotate_signing_secret, connection_update
from milestones.models import ApplicationEvent
from tenants.actors import SYSTEM
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.support import assert_error, refreshed, rows

from ..milestones.factories import (
    make_automation_rule,
    make_tracked_application,
    make_version,
    milestone_of,
)
from .factories import application_updated, make_connection, signed_inbound

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer(tenant_a):
    """A connection of tenant A and its signing secret (the peer holds it too)."""
    return make_connection(tenant=tenant_a, url="http://127.0.0.1:9/hooks")


def _update(tenant, email="new@example.com", *, updated_at=None):
    application = factories.make_application(tenant=tenant)
    return application, application_updated(
        application,
        {"candidate.email": email},
        updated_at=updated_at or timezone.now(),
    )


def test_a_signed_event_is_applied_and_audited_with_the_connection_as_actor(peer, tenant_a):
    connection, secret = peer
    application, document = _update(tenant_a)
    response = signed_inbound(Client(), connection, secret, document)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "applied"
    assert body["result"]["fields"] == {"candidate.email": "applied"}
    assert refreshed(application.candidate).email == "new@example.com"
    receipt = rows(InboundReceipt)[0]
    assert (receipt.event_type, receipt.status_code) == ("application.updated", 200)
    applied = rows(AuditEvent, action="inbound.applied")
    assert applied[0].data["actor_connection_id"] == str(connection.pk)
    changed = rows(AuditEvent, action="object.updated", object_id=str(application.candidate_id))
    assert changed[0].data["actor_connection_id"] == str(connection.pk)


def test_a_repeated_webhook_id_answers_the_first_answer_and_applies_nothing(peer, tenant_a):
    connection, secret = peer
    application, document = _update(tenant_a)
    first = signed_inbound(Client(), connection, secret, document, msg_id="msg_once")
    document["data"]["fields"] = {"candidate.email": "other@example.com"}
    again = signed_inbound(Client(), connection, secret, document, msg_id="msg_once")
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert refreshed(application.candidate).email == "new@example.com"
    assert len(rows(InboundReceipt)) == 1
    assert len(rows(AuditEvent, action="inbound.applied")) == 1


def test_a_refusal_is_answered_again_for_the_same_webhook_id(peer, tenant_a):
    connection, secret = peer
    document = {"type": "hris.unheard_of", "data": {}}
    first = signed_inbound(Client(), connection, secret, document, msg_id="msg_odd")
    assert_error(first, 422, "UNKNOWN_INBOUND_TYPE", "type")
    again = signed_inbound(Client(), connection, secret, document, msg_id="msg_odd")
    assert again.status_code == 422 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"webhook-id": None}, "webhook-id"),
        ({"webhook-timestamp": None}, "webhook-timestamp"),
        ({"webhook-signature": None}, "webhook-signature"),
        ({"webhook-timestamp": "yesterday"}, "webhook-timestamp"),
    ],
)
def test_missing_or_malformed_headers_answer_400_naming_them(peer, tenant_a, headers, field):
    connection, secret = peer
    _, document = _update(tenant_a)
    response = signed_inbound(Client(), connection, secret, document, headers=headers)
    assert_error(response, 400, "SIGNATURE_HEADERS_MISSING", field)
    assert rows(InboundReceipt) == []


def test_a_tampered_body_is_refused_401(peer, tenant_a):
    connection, secret = peer
    application, document = _update(tenant_a)
    at = timezone.now()
    body = json.dumps(document)
    headers = {
        "webhook-id": "msg_t",
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id="msg_t", timestamp=at, data=body),
    }
    response = Client().post(
        f"/api/v1/inbound/{connection.pk}",
        data=body.replace("new@example.com", "evil@example.com"),
        content_type="application/json",
        headers=headers,
    )
    assert_error(response, 401, "SIGNATURE_INVALID", "webhook-signature")
    assert refreshed(application.candidate).email != "evil@example.com"


@pytest.mark.parametrize("minutes", [-6, 6])
def test_a_stale_or_future_timestamp_is_refused_401(peer, tenant_a, minutes):
    connection, secret = peer
    _, document = _update(tenant_a)
    at = timezone.now() + timedelta(minutes=minutes)
    response = signed_inbound(Client(), connection, secret, document, at=at)
    assert_error(response, 401, "SIGNATURE_INVALID")
    assert rows(InboundReceipt) == []


def test_a_wrong_secret_is_refused_and_a_rotated_one_accepted_during_the_overlap(peer, tenant_a):
    connection, old_secret = peer
    other_secret = make_connection(tenant=tenant_a, url="http://127.0.0.1:9/x")[1]
    _, document = _update(tenant_a)
    assert_error(signed_inbound(Client(), connection, other_secret, document), 401)
    with tenant_context(tenant_a):
        new_secret = connection_rotate_signing_secret(connection=connection, actor=SYSTEM)
    assert signed_inbound(Client(), connection, new_secret, document).status_code == 200
    assert signed_inbound(Client(), connection, old_secret, document).status_code == 200
    with tenant_context(tenant_a):
        connection_rotate_signing_secret(
            connection=refreshed(connection), actor=SYSTEM, overlap=timedelta(0)
        )
    assert_error(signed_inbound(Client(), connection, new_secret, document), 401)


def test_a_disabled_or_unknown_connection_answers_404(peer, tenant_a):
    connection, secret = peer
    with tenant_context(tenant_a):
        connection_update(connection=connection, actor=SYSTEM, values={"enabled": False})
    _, document = _update(tenant_a)
    assert_error(signed_inbound(Client(), connection, secret, document), 404, "NOT_FOUND")
    connection.pk = "00000000-0000-4000-8000-000000000000"
    assert_error(signed_inbound(Client(), connection, secret, document), 404, "NOT_FOUND")


def test_an_api_client_of_another_tenant_gets_404(peer, tenant_a, api_b):
    connection, secret = peer
    _, document = _update(tenant_a)
    assert_error(signed_inbound(api_b, connection, secret, document), 404, "NOT_FOUND")
    assert rows(InboundReceipt) == []


def test_a_body_over_256_kb_answers_413(peer, tenant_a):
    connection, secret = peer
    document = {"type": "application.updated", "data": {"padding": "x" * 300_000}}
    assert_error(signed_inbound(Client(), connection, secret, document), 413, "INBOUND_TOO_LARGE")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"fields": {"candidate.email": "x@example.com"}}, "data.application_id"),
        ({"fields": {}}, "data.fields"),
        ({"fields": {"candidate.salary": "1"}}, "data.fields.candidate.salary"),
        ({"fields": {"candidate.email": "not an email"}}, "data.fields.candidate.email"),
        ({"fields": {"application.source": "carrier pigeon"}}, "data.fields.application.source"),
        ({"fields": {"candidate.phone": 5}}, "data.fields.candidate.phone"),
        ({"updated_at": "last week"}, "data.updated_at"),
    ],
)
def test_a_bad_update_answers_400_naming_the_field(peer, tenant_a, data, field):
    connection, secret = peer
    _, document = _update(tenant_a)
    document["data"] |= data
    if "application_id" in field:
        del document["data"]["application_id"]
    response = signed_inbound(Client(), connection, secret, document)
    assert_error(response, 400, "INVALID_INBOUND_EVENT", field)


def test_a_body_that_is_not_an_event_answers_400(peer, tenant_a):
    connection, secret = peer
    assert_error(signed_inbound(Client(), connection, secret, {"data": {}}), 400, field="type")


def test_a_milestone_event_fires_the_rules_as_for_an_api_client(peer, tenant_a):
    connection, secret = peer
    version = make_version(tenant=tenant_a)
    make_automation_rule(tenant=tenant_a, version=version, milestone_code="APPLIED")
    application = make_tracked_application(tenant=tenant_a, version=version)
    document = {
        "type": "milestone.event",
        "timestamp": timezone.now().isoformat(),
        "data": {
            "application_id": str(application.pk),
            "event_type": "assessment.completed",
            "payload": {"score": 91},
        },
    }
    response = signed_inbound(Client(), connection, secret, document)
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert [o["outcome"] for o in result["outcome"]] == ["moved"]
    assert refreshed(application).current_milestone_id == milestone_of(version, "SCREEN").pk
    stored = rows(ApplicationEvent)[0]
    assert stored.payload == {"score": 91} and stored.event_type == "assessment.completed"


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeats_of_one_webhook_id_apply_once(tenant_a):
    connection, secret = make_connection(tenant=tenant_a, url="http://127.0.0.1:9/hooks")
    version = make_version(tenant=tenant_a)
    make_automation_rule(tenant=tenant_a, version=version, milestone_code="APPLIED")
    application = make_tracked_application(tenant=tenant_a, version=version)
    document = {
        "type": "milestone.event",
        "timestamp": timezone.now().isoformat(),
        "data": {"application_id": str(application.pk), "event_type": "assessment.completed"},
    }
    answers, start = [], threading.Barrier(4)

    def send():
        start.wait()
        try:
            answers.append(
                signed_inbound(Client(), connection, secret, document, msg_id="msg_race")
            )
        finally:
            db_connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} == {200}
    assert sum(1 for a in answers if a.get("Idempotent-Replayed") == "true") == 3
    assert all(a.json() == answers[0].json() for a in answers)
    assert len(rows(InboundReceipt)) == 1 and len(rows(ApplicationEvent)) == 1
    assert refreshed(application).current_milestone_id == milestone_of(version, "SCREEN").pk


def test_a_connection_past_its_inbound_rate_gets_429_with_retry_after(peer, tenant_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "inbound_connection": "2/minute",
        },
    }
    connection, secret = peer
    _, document = _update(tenant_a)
    for _ in range(2):
        assert signed_inbound(Client(), connection, secret, document).status_code == 200
    refused = signed_inbound(Client(), connection, secret, document)
    assert_error(refused, 429, "THROTTLED")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert len(rows(InboundReceipt)) == 2


def test_the_connection_lists_what_it_sent_with_the_answers(peer, tenant_a, api_a):
    connection, secret = peer
    admin = Client()
    admin.force_login(factories.make_membership(tenant=tenant_a, role=Role.ADMIN).user)
    _, document = _update(tenant_a)
    signed_inbound(Client(), connection, secret, document, msg_id="msg_ok")
    signed_inbound(Client(), connection, secret, {"type": "x.y", "data": {}}, msg_id="msg_no")
    listed = api_a.get(f"/api/v1/connections/{connection.pk}/inbound_receipts").json()["results"]
    assert [(r["webhook_id"], r["status_code"], r["outcome"]) for r in listed] == [
        ("msg_no", 422, "refused"),
        ("msg_ok", 200, "applied"),
    ]
    assert listed[0]["answer"]["error"]["code"] == "UNKNOWN_INBOUND_TYPE"
    page = admin.get(f"/integrations/connections/{connection.pk}/").content.decode()
    assert page.count('data-testid="receipt-row"') == 2 and "Refused: No inbound event" in page


@pytest.mark.parametrize("event_type", ["application.updated", "milestone.event"])
def test_an_application_of_another_tenant_is_400_naming_it_and_untouched(
    peer, tenant_a, tenant_b, event_type
):
    connection, secret = peer
    theirs, document = _update(tenant_b)
    document["type"] = event_type
    document["data"]["event_type"] = "assessment.completed"
    response = signed_inbound(Client(), connection, secret, document)
    assert_error(response, 400, "VALIDATION_ERROR", "data.application_id")
    assert refreshed(theirs.candidate).email != "new@example.com"
    assert rows(ApplicationEvent) == []
