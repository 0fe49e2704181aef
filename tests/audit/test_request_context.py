"""Every audit row written during a request says which request (X-Request-ID, echoed),
from which client address (behind DJANGO_TRUSTED_PROXY_COUNT proxies) and user agent, and
for an API client acting for a person (`On-Behalf-Of`) names both. The hash chain covers
those columns; rows written before them keep verifying."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from audit.chain import chain_verify
from audit.models import AuditEvent
from audit.services import audit_record
from tenants.context import all_tenants_context, tenant_context
from tenants.models import ApiScope, Role
from tests import factories
from tests.support import assert_error

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
CANDIDATE = {"first_name": "Ada", "last_name": "Lovelace"}


def _rows(**filters) -> list[AuditEvent]:
    with all_tenants_context():
        return list(AuditEvent.all_tenants.filter(**filters).order_by("seq"))


@pytest.fixture
def client_with_writes(tenant_a):
    _, token = factories.make_api_client(
        tenant=tenant_a, scopes=[ApiScope.CANDIDATES_WRITE, ApiScope.CANDIDATES_READ]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_a_well_formed_request_id_is_kept_echoed_and_on_the_row(client_with_writes):
    response = client_with_writes.post(
        "/api/v1/candidates",
        CANDIDATE,
        format="json",
        HTTP_X_REQUEST_ID="trace-42:abc",
        HTTP_USER_AGENT="Workday-Connector/3.1 " + "x" * 400,
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 201
    assert response["X-Request-ID"] == "trace-42:abc"
    (row,) = _rows(action="object.created", object_type="recruiting.Candidate")
    assert row.request_id == "trace-42:abc"
    assert row.ip_address == "192.0.2.7"
    assert row.user_agent.startswith("Workday-Connector/3.1") and len(row.user_agent) == 300


@pytest.mark.parametrize("sent", ["", "has space", "x" * 65, "semi;colon", "<script>"])
def test_a_missing_or_malformed_request_id_is_replaced(sent, client_with_writes):
    response = client_with_writes.post(
        "/api/v1/candidates", CANDIDATE, format="json", HTTP_X_REQUEST_ID=sent
    )
    assert response.status_code == 201
    echoed = response["X-Request-ID"]
    assert echoed != sent and len(echoed) == 36
    (row,) = _rows(action="object.created", object_type="recruiting.Candidate")
    assert row.request_id == echoed


def test_a_page_s_audit_rows_carry_its_request_id(recruiter_a):
    client = Client(HTTP_X_REQUEST_ID="page-req-1", HTTP_USER_AGENT="Firefox/140")
    client.force_login(recruiter_a)
    response = client.get("/requisitions/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404 and response["X-Request-ID"] == "page-req-1"
    (row,) = _rows(action="access.denied")
    assert (row.request_id, row.user_agent, row.actor_user_id) == (
        "page-req-1",
        "Firefox/140",
        recruiter_a.pk,
    )


def test_behind_a_trusted_proxy_the_address_is_the_clients(settings, client_with_writes):
    settings.TRUSTED_PROXY_COUNT = 1
    client_with_writes.post(
        "/api/v1/candidates",
        CANDIDATE,
        format="json",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4",
    )
    (row,) = _rows(action="object.created", object_type="recruiting.Candidate")
    assert row.ip_address == "198.51.100.4"  # the one the proxy saw, not one the client sent


@pytest.mark.parametrize("by", ["id", "email", "EMAIL"])
def test_an_api_client_acting_for_a_member_names_both(by, tenant_a, client_with_writes):
    person = factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user
    value = {"id": str(person.pk), "email": person.email, "EMAIL": person.email.upper()}[by]
    response = client_with_writes.post(
        "/api/v1/candidates", CANDIDATE, format="json", HTTP_ON_BEHALF_OF=value
    )
    assert response.status_code == 201
    (row,) = _rows(action="object.created", object_type="recruiting.Candidate")
    assert row.actor_api_client_id is not None
    assert row.on_behalf_of_user_id == person.pk


@pytest.mark.parametrize("value", ["999999", "nobody@example.com", "not an id", "1" * 30])
def test_on_behalf_of_someone_not_a_member_is_a_422_naming_the_header(value, client_with_writes):
    response = client_with_writes.post(
        "/api/v1/candidates", CANDIDATE, format="json", HTTP_ON_BEHALF_OF=value
    )
    assert_error(response, 422, "UNKNOWN_ON_BEHALF_OF", "On-Behalf-Of")
    assert _rows(action="object.created", object_type="recruiting.Candidate") == []


def test_on_behalf_of_a_member_of_another_tenant_is_a_422(tenant_b, client_with_writes):
    stranger = factories.make_membership(tenant=tenant_b, role=Role.ADMIN).user
    response = client_with_writes.get("/api/v1/candidates", HTTP_ON_BEHALF_OF=str(stranger.pk))
    assert_error(response, 422, "UNKNOWN_ON_BEHALF_OF", "On-Behalf-Of")


def test_outside_a_request_rows_carry_no_request(tenant_a):
    with tenant_context(tenant_a):
        row = audit_record(action="test.sweep", tenant_id=tenant_a.pk)
    assert (row.request_id, row.user_agent, row.on_behalf_of_user_id) == ("", "", None)


def test_the_chain_covers_the_request_columns(tenant_a, client_with_writes):
    with tenant_context(tenant_a):
        audit_record(action="test.before", tenant_id=tenant_a.pk)  # no request: as old rows
    client_with_writes.post("/api/v1/candidates", CANDIDATE, format="json")
    with all_tenants_context():
        assert chain_verify()[1] == []
    (row,) = _rows(action="object.created", object_type="recruiting.Candidate")
    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'ALTER TABLE "{TABLE}" DISABLE TRIGGER "{TABLE}_append_only"')
        cursor.execute(f'UPDATE "{TABLE}" SET request_id = %s WHERE id = %s', ["forged", row.pk])
        cursor.execute(f'ALTER TABLE "{TABLE}" ENABLE TRIGGER "{TABLE}_append_only"')
        (broken,) = chain_verify()[1]
    assert (broken.kind, broken.row_id) == ("altered", str(row.pk))


def test_the_audit_search_filters_and_shows_them(tenant_a, client_with_writes):
    person = factories.make_membership(tenant=tenant_a, role=Role.RECRUITER).user
    client_with_writes.post(
        "/api/v1/candidates",
        CANDIDATE,
        format="json",
        HTTP_X_REQUEST_ID="req-find-me",
        HTTP_ON_BEHALF_OF=str(person.pk),
        HTTP_USER_AGENT="Greenhouse/1",
    )
    client_with_writes.post("/api/v1/candidates", CANDIDATE, format="json")
    auditor = Client()
    auditor.force_login(factories.make_membership(tenant=tenant_a, role=Role.AUDITOR).user)

    api = auditor.get("/api/v1/audit_events?request_id=req-find-me").json()["results"]
    assert [(r["request_id"], r["on_behalf_of_user_id"], r["user_agent"]) for r in api] == [
        ("req-find-me", person.pk, "Greenhouse/1")
    ]
    behalf = auditor.get(f"/api/v1/audit_events?on_behalf_of_user_id={person.pk}").json()
    assert "results" in behalf, behalf
    assert len(behalf["results"]) == 1

    page = auditor.get("/audit/?request_id=req-find-me").content.decode()
    assert f"on behalf of {person.username}" in page and "Greenhouse/1" in page
    by_person = auditor.get(f"/audit/?on_behalf_of={person.username}").context["rows"]
    assert [row["event"].request_id for row in by_person] == ["req-find-me"]
    by_actor = auditor.get(f"/api/v1/audit_events?actor_user_id={person.pk}").json()
    assert by_actor["results"] == []  # the person did nothing themselves; a number is accepted

    exported = b"".join(auditor.get("/audit/export.csv?request_id=req-find-me").streaming_content)
    (header, line) = list(csv.reader(io.StringIO(exported.decode())))
    record = dict(zip(header, line, strict=True))
    assert record["request_id"] == "req-find-me"
    assert record["on_behalf_of_user_id"] == str(person.pk)
    assert "on behalf of" in record["who"]


@pytest.mark.parametrize("value", ["7.0", " 7", "0x7", "true", "0", "9" * 20])
def test_a_user_id_filter_that_is_not_a_whole_number_is_a_400_naming_it(value, tenant_a):
    auditor = Client()
    auditor.force_login(factories.make_membership(tenant=tenant_a, role=Role.AUDITOR).user)
    for name in ("actor_user_id", "on_behalf_of_user_id"):
        response = auditor.get("/api/v1/audit_events", {name: value})
        assert_error(response, 400, field=name)


def test_a_forwarded_address_that_is_not_one_falls_back_to_the_peer(settings, client_with_writes):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client_with_writes.post(
        "/api/v1/candidates",
        CANDIDATE,
        format="json",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert response.status_code == 201
    (row,) = _rows(action="object.created", object_type="recruiting.Candidate")
    assert row.ip_address == "10.0.0.1"


def test_a_user_agent_with_a_nul_is_kept_without_it(client_with_writes):
    response = client_with_writes.post(
        "/api/v1/candidates", CANDIDATE, format="json", HTTP_USER_AGENT="evil\x00agent"
    )
    assert response.status_code == 201
    (row,) = _rows(action="object.created", object_type="recruiting.Candidate")
    assert row.user_agent == "evilagent"
