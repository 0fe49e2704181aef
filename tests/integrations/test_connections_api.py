"""/api/v1/connections, deliveries and dead letters: admins only, secrets shown once."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from integrations.models import Connection, Delivery
from tests import factories
from tests.support import assert_error, refreshed, rows

from .factories import make_any_connection, make_dead_letter

pytestmark = pytest.mark.django_db


def _create(api, **body):
    return api.post("/api/v1/connections", {"name": "HRIS", "kind": "hris", **body}, format="json")


def test_creating_a_connection_validates_it_and_shows_the_signing_secret_once(api_a, vendor):
    response = _create(api_a, endpoint_url=vendor.url, auth_kind="bearer", auth_secret="tok-123")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["signing_secret"].startswith("whsec_")
    assert body["validation"]["ok"] is True and body["enabled"] is True
    assert body["has_auth_secret"] is True and "auth_secret" not in body
    test_event = vendor.received[0]
    assert test_event["headers"]["Authorization"] == "Bearer tok-123"
    assert vendor.bodies()[0]["type"] == "connection.test"
    again = api_a.get(f"/api/v1/connections/{body['id']}").json()
    assert "signing_secret" not in again and "validation" not in again
    stored = rows(Connection, pk=body["id"])[0]
    assert "tok-123" not in stored.auth_secret_encrypted
    assert body["signing_secret"] not in stored.signing_secrets_encrypted


def test_a_connection_that_fails_validation_is_saved_disabled_with_the_reason(api_a, vendor):
    vendor.answers = [500]
    body = _create(api_a, endpoint_url=vendor.url).json()
    assert body["validation"]["ok"] is False and body["enabled"] is False
    assert "500" in body["disabled_reason"]


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.7/hooks", "http://169.254.169.254/latest/meta-data", "http://192.168.1.1/"],
)
def test_private_and_link_local_endpoints_are_refused(api_a, url):
    assert_error(_create(api_a, endpoint_url=url), 400, "INVALID_CONNECTION", "endpoint_url")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_types": ["hire.everything"]}, "event_types"),
        ({"auth_kind": "bearer"}, "auth_secret"),
        ({"auth_kind": "basic", "auth_secret": "x"}, "auth_username"),
        ({"filters": {"to_milestone": "OFFER"}}, "filters"),
        ({"timeout_s": 0}, "timeout_s"),
        ({"signing_secret": "whsec_c2hvcnQ="}, "signing_secret"),
        ({"kind": "fax"}, "kind"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_names_the_field(api_a, vendor, body, field):
    error = assert_error(_create(api_a, endpoint_url=vendor.url, **body), 400)
    assert field in error["fields"], error


def test_a_second_connection_of_the_same_name_is_refused(api_a, vendor):
    _create(api_a, endpoint_url=vendor.url)
    assert_error(_create(api_a, endpoint_url=vendor.url), 400, field="name")


def test_rotating_the_secret_shows_the_new_one_once(api_a, tenant_a):
    connection = make_any_connection(tenant=tenant_a)
    response = api_a.post(f"/api/v1/connections/{connection.pk}/rotate_secret")
    assert response.status_code == 200
    assert response.json()["signing_secret"].startswith("whsec_")


def test_connections_are_for_admins_only(tenant_a, recruiter_a):
    token = factories.make_api_client(tenant=tenant_a, scopes=["config:read"])[1]
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(reader.get("/api/v1/connections"), 403)
    assert_error(reader.get("/api/v1/dead_letters"), 403)
    session = APIClient()
    session.force_login(recruiter_a)
    assert_error(session.get("/api/v1/connections"), 403)


def test_dead_letters_are_listed_and_replayed_one_or_all(api_a, tenant_a):
    first = make_dead_letter(tenant=tenant_a)
    second = make_dead_letter(tenant=tenant_a, connection=first.connection)
    listed = api_a.get("/api/v1/dead_letters").json()["results"]
    assert {d["id"] for d in listed} == {str(first.pk), str(second.pk)}
    assert listed[0]["webhook_id"].startswith("msg_")
    response = api_a.post(f"/api/v1/dead_letters/{first.pk}/replay")
    assert response.status_code == 200 and response.json()["replayed"] == 1
    replayed = refreshed(first)
    assert (replayed.state, replayed.attempts, replayed.replays) == ("pending", 0, 1)
    assert_error(api_a.post(f"/api/v1/dead_letters/{first.pk}/replay"), 404)  # no longer dead
    response = api_a.post(
        "/api/v1/dead_letters/replay", {"connection": str(first.connection_id)}, format="json"
    )
    assert response.json()["replayed"] == 1
    assert {d.state for d in rows(Delivery)} == {"pending"}


def test_bulk_replay_refuses_what_is_not_a_dead_letter(api_a, tenant_a):
    letter = make_dead_letter(tenant=tenant_a)
    api_a.post(f"/api/v1/dead_letters/{letter.pk}/replay")
    response = api_a.post("/api/v1/dead_letters/replay", {"ids": [str(letter.pk)]}, format="json")
    assert_error(response, 409, "NOT_A_DEAD_LETTER", "ids")
    assert_error(api_a.post("/api/v1/dead_letters/replay", {}, format="json"), 400, field="ids")


def test_a_delivery_shows_its_attempts_and_the_connection_its_log(api_a, tenant_a):
    letter = make_dead_letter(tenant=tenant_a)
    detail = api_a.get(f"/api/v1/deliveries/{letter.pk}").json()
    assert detail["state"] == "dead" and detail["attempt_log"] == []
    log = api_a.get(f"/api/v1/connections/{letter.connection_id}/deliveries").json()
    assert [d["id"] for d in log["results"]] == [str(letter.pk)]
