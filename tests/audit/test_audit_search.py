"""Auditors search the audit trail in the browser and the API, and export it as CSV; the
roles that may not read it get 403."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from itertools import islice

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.services import audit_record
from tenants.actors import Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.models import ApiScope, Role
from tests import factories
from tests.support import assert_error

pytestmark = pytest.mark.django_db


def _member(tenant, role, username=None):
    user = factories.make_user(username=username) if username else None
    return factories.make_membership(tenant=tenant, role=role, user=user).user


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def trail(tenant_a, tenant_b):
    rita = _member(tenant_a, Role.RECRUITER, "rita")
    other = _member(tenant_b, Role.RECRUITER)
    with tenant_context(tenant_a):
        for n in range(3):
            audit_record(
                action="offer.approved",
                tenant_id=tenant_a.pk,
                actor=Actor(user_id=rita.pk, role=Role.RECRUITER, ip_address="10.0.0.7"),
                object_type="recruiting.Application",
                object_id=f"app-{n}",
                data={"n": n},
            )
        audit_record(action="milestone.transitioned", tenant_id=tenant_a.pk, data={})
    with tenant_context(tenant_b):
        audit_record(
            action="offer.approved",
            tenant_id=tenant_b.pk,
            actor=Actor(user_id=other.pk),
            data={"secret": "of b"},
        )
    return rita


def test_the_auditor_filters_by_actor_and_action_on_the_page(tenant_a, trail):
    auditor = _member(tenant_a, Role.AUDITOR)
    response = _browser(auditor).get("/audit/", {"actor": "rita", "action": "offer."})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="audit-row"') == 3
    assert "rita" in body and "Offer approved" in body and "10.0.0.7" in body
    assert "of b" not in body  # another tenant's trail


def test_the_page_walks_older_events_in_pages(tenant_a, trail, monkeypatch):
    monkeypatch.setattr("audit.views.PAGE_SIZE", 2)
    client = _browser(_member(tenant_a, Role.AUDITOR))
    first = client.get("/audit/")
    assert first.content.decode().count('data-testid="audit-row"') == 2
    older = first.context["older_query"]
    second = client.get(f"/audit/?{older}")
    seqs = [row["event"].seq for row in first.context["rows"] + second.context["rows"]]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs) >= 4


def test_a_bad_date_range_is_named_on_the_page(tenant_a, trail):
    client = _browser(_member(tenant_a, Role.AUDITOR))
    response = client.get("/audit/", {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 200
    assert "The end is before the start." in response.content.decode()


def test_the_csv_holds_every_matching_row(tenant_a, trail):
    client = _browser(_member(tenant_a, Role.AUDITOR))
    response = client.get("/audit/export.csv", {"action": "offer.approved"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [line["object_id"] for line in lines] == ["app-2", "app-1", "app-0"]
    assert {line["who"] for line in lines} == {"rita"}
    assert all(len(line["hash"]) == 64 for line in lines)


def test_a_row_not_yet_linked_is_exported_once_and_the_walk_ends(tenant_a, trail, monkeypatch):
    """A row of a transaction still open has no seq until its commit links it. The export
    walked the chain by the last row's seq, so one such row made it read the same batch
    forever; now it lists the row first and walks the linked ones after it."""
    monkeypatch.setattr("audit.views.EXPORT_BATCH", 1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as production: linked at commit
    with tenant_context(tenant_a):
        audit_record(action="offer.approved", tenant_id=tenant_a.pk, object_id="app-open", data={})
    client = _browser(_member(tenant_a, Role.AUDITOR))
    response = client.get("/audit/export.csv", {"action": "offer.approved"})
    chunks = list(islice(response.streaming_content, 50))
    assert len(chunks) < 50, "the export did not end"
    lines = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert [line["object_id"] for line in lines] == ["app-open", "app-2", "app-1", "app-0"]
    assert lines[0]["seq"] == "" and all(line["seq"] for line in lines[1:])
    page = client.get("/audit/", {"action": "offer.approved"})
    assert page.status_code == 200


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER, Role.COORDINATOR])
def test_roles_that_may_not_read_the_trail_get_403(role, tenant_a, trail):
    user = _member(tenant_a, role)
    assert _browser(user).get("/audit/").status_code == 403
    assert _browser(user).get("/audit/export.csv").status_code == 403
    assert_error(_api(user).get("/api/v1/audit_events"), 403, "PERMISSION_DENIED")


def test_an_hrbp_who_reads_no_audit_cannot_export_it_either(tenant_a, trail):
    assert _browser(_member(tenant_a, Role.HRBP)).get("/audit/export.csv").status_code == 403


def test_the_api_searches_by_object_and_time_in_cursor_pages(tenant_a, trail):
    client = _api(_member(tenant_a, Role.AUDITOR))
    now = timezone.now()
    response = client.get(
        "/api/v1/audit_events",
        {
            "object_type": "recruiting.Application",
            "since": (now - timedelta(hours=1)).isoformat(),
            "until": (now + timedelta(hours=1)).isoformat(),
            "page_size": 2,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert [r["object_id"] for r in body["results"]] == ["app-2", "app-1"]
    assert body["results"][0]["actor_user_id"] == trail.pk
    rest = client.get(body["next"]).json()
    assert [r["object_id"] for r in rest["results"]] == ["app-0"]


def test_the_api_names_a_bad_parameter(tenant_a, trail):
    client = _api(_member(tenant_a, Role.AUDITOR))
    assert_error(client.get("/api/v1/audit_events", {"since": "yesterday"}), 400, field="since")
    assert_error(
        client.get(
            "/api/v1/audit_events",
            {"since": "2026-05-02T00:00:00Z", "until": "2026-05-01T00:00:00Z"},
        ),
        400,
        field="until",
    )
    assert_error(
        client.get("/api/v1/audit_events", {"actor_user_id": "x"}), 400, field="actor_user_id"
    )
    assert_error(client.get("/api/v1/audit_events", {"actr": "rita"}), 400, field="actr")


def test_an_api_client_needs_the_audit_scope(tenant_a, trail):
    _, token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.APPLICATIONS_READ])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(client.get("/api/v1/audit_events"), 403, "PERMISSION_DENIED")
    _, token = factories.make_api_client(tenant=tenant_a, scopes=[ApiScope.AUDIT_READ])
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/v1/audit_events")
    assert response.status_code == 200
    with all_tenants_context():
        mine = AuditEvent.all_tenants.filter(tenant=tenant_a).count()
    assert len(response.json()["results"]) == mine


def test_a_sign_in_is_on_the_trail_with_address_and_user_agent(tenant_a, recruiter_a):
    client = Client(HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3")
    response = client.post("/login/", {"username": "rita", "password": "pw-for-tests-123"})
    assert response.status_code == 302
    with all_tenants_context():
        event = AuditEvent.all_tenants.get(tenant=tenant_a, action="auth.login")
    assert event.actor_user_id == recruiter_a.pk
    assert event.ip_address == "10.1.2.3"
    assert event.data["user_agent"] == "Firefox/140"


def test_a_refusal_by_role_is_on_the_trail_from_the_page_and_the_api(tenant_a):
    auditor = _member(tenant_a, Role.AUDITOR)
    _browser(auditor).get("/workflows/")
    _api(auditor).post("/api/v1/departments", {"code": "X", "name": "X"}, format="json")
    with all_tenants_context():
        refused = list(
            AuditEvent.all_tenants.filter(tenant=tenant_a, action="access.forbidden").order_by(
                "seq"
            )
        )
    assert [(e.data["method"], e.data["path"]) for e in refused] == [
        ("GET", "/workflows/"),
        ("POST", "/api/v1/departments"),
    ]
    assert refused[0].data["capability"] == "configure_workflows"
    assert refused[0].data["role"] == Role.AUDITOR
    assert {e.actor_user_id for e in refused} == {auditor.pk}
