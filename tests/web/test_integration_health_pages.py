"""Admin pages: integration health (overview, per connection, validation interval), field
precedence on a connection's page, sync conflicts resolved by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import DeliveryAttempt, FieldPrecedence, IntegrationSettings
from tenants.context import tenant_context
from tests import factories
from tests.integrations.factories import make_any_connection, make_dead_letter, make_sync_conflict
from tests.support import refreshed, rows

pytestmark = pytest.mark.django_db


def _with_attempts(tenant, *statuses):
    peer = make_any_connection(tenant=tenant)
    letter = make_dead_letter(tenant=tenant, connection=peer)
    with tenant_context(tenant):
        for n, status in enumerate(statuses, start=1):
            DeliveryAttempt.objects.create(
                tenant_id=tenant.pk,
                delivery=letter,
                connection=peer,
                number=n,
                status_code=status,
                latency_ms=40.0 * n,
                error="" if status else "No answer within 2 seconds",
                attempted_at=timezone.now() - timedelta(minutes=n),
            )
    return peer


def test_the_overview_shows_each_connection_s_health_in_constant_queries(admin_client, tenant_a):
    _with_attempts(tenant_a, 200, 200, 200, None)
    admin_client.get("/integrations/health/")  # the session's first look-ups
    with CaptureQueriesContext(db) as small:
        page = admin_client.get("/integrations/health/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "75% of 4 attempts" in text and "No answer within 2 seconds" in text
    assert "in 3 months" not in text  # never validated: "at the next sweep"
    for _ in range(5):
        _with_attempts(tenant_a, 500, 200)
    with CaptureQueriesContext(db) as large:
        page = admin_client.get("/integrations/health/")
    assert page.content.decode().count('data-testid="health-row"') == 6
    assert len(large.captured_queries) == len(small.captured_queries)


def test_one_connection_s_health_page(admin_client, tenant_a):
    peer = _with_attempts(tenant_a, 200, 503)
    page = admin_client.get(f"/integrations/connections/{peer.pk}/health/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "50% of 2 attempts" in text and "HTTP 503" in text and "Not validated yet" in text


def test_the_admin_sets_the_validation_interval(admin_client, tenant_a):
    response = admin_client.post("/integrations/health/", {"validation_interval_days": "30"})
    assert response.status_code == 303
    assert rows(IntegrationSettings)[0].validation_interval_days == 30
    admin_client.post("/integrations/health/", {"validation_interval_days": "9999"})
    page = admin_client.get("/integrations/health/")
    assert "Between 1 and 366 days." in page.content.decode()
    assert rows(IntegrationSettings)[0].validation_interval_days == 30


def test_precedence_is_set_per_field_on_the_connection_page(admin_client, tenant_a):
    peer = make_any_connection(tenant=tenant_a)
    page = admin_client.get(f"/integrations/connections/{peer.pk}/")
    assert "Candidate&#x27;s email" in page.content.decode()
    response = admin_client.post(
        f"/integrations/connections/{peer.pk}/precedence/",
        {"rule:candidate.email": "ats_owns", "rule:application.source": "external_owns"},
    )
    assert response.status_code == 303
    assert {(p.field, p.rule) for p in rows(FieldPrecedence)} == {
        ("candidate.email", "ats_owns"),
        ("application.source", "external_owns"),
    }
    admin_client.post(
        f"/integrations/connections/{peer.pk}/precedence/", {"rule:candidate.email": "coin_toss"}
    )
    assert {p.rule for p in rows(FieldPrecedence, field="candidate.email")} == {"ats_owns"}


def test_an_admin_resolves_a_conflict_on_the_page(admin_client, tenant_a):
    candidate = factories.make_candidate(tenant=tenant_a, email="ours@example.com")
    application = factories.make_application(tenant=tenant_a, candidate=candidate)
    conflict = make_sync_conflict(tenant=tenant_a, application=application)
    page = admin_client.get("/integrations/conflicts/")
    text = page.content.decode()
    assert "theirs@example.com" in text and "Candidate&#x27;s email" in text
    response = admin_client.post(
        f"/integrations/conflicts/{conflict.pk}/resolve/", {"choose": "theirs"}, follow=True
    )
    assert "Resolved" in response.content.decode()
    assert refreshed(candidate).email == "theirs@example.com"
    assert refreshed(conflict).status == "resolved"
    assert "No open conflicts." in admin_client.get("/integrations/conflicts/").content.decode()
    resolved = admin_client.get("/integrations/conflicts/?status=resolved").content.decode()
    assert "Took theirs" in resolved
