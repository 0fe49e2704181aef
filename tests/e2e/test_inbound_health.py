"""An admin reads the integration health page, then resolves the conflict a peer's signed
inbound update (sent over HTTP to the live server) made with a recruiter's edit."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook

from integrations.services.relay import relay_run
from recruiting.services import candidate_update
from tenants.actors import Actor
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in
from tests.integrations.factories import make_connection
from tests.milestones.factories import make_tracked_application, make_version
from tests.support import FakeVendor, refreshed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vendor():
    server = FakeVendor()
    yield server
    server.stop()


def _peer_sends(base_url: str, connection, secret: str, document: dict) -> dict:
    """The peer system's side: sign with its own Standard Webhooks library and POST."""
    body = json.dumps(document)
    msg_id, at = "msg_hris_0001", timezone.now()
    request = urllib.request.Request(
        f"{base_url}/api/v1/inbound/{connection.pk}",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200
        return json.loads(answer.read())


def test_admin_sees_health_and_resolves_a_conflict(page: Page, live_server, tenant_a, vendor):
    factories.make_membership(
        tenant=tenant_a, user=factories.make_user(username="ada"), role=Role.ADMIN
    )
    connection, secret = make_connection(tenant=tenant_a, url=vendor.url, name="Workday")
    candidate = factories.make_candidate(
        tenant=tenant_a, first_name="Grace", last_name="Hopper", email="grace@old.example"
    )
    application = make_tracked_application(
        tenant=tenant_a, version=make_version(tenant=tenant_a), candidate=candidate
    )
    relay_run()  # the entry into the workflow reaches Workday
    with tenant_context(tenant_a):  # a recruiter corrects the email
        candidate_update(
            candidate=refreshed(candidate), actor=Actor(), changes={"email": "grace@ours.example"}
        )
    answer = _peer_sends(
        live_server.url,
        connection,
        secret,
        {
            "type": "application.updated",
            "timestamp": timezone.now().isoformat(),
            "data": {
                "application_id": str(application.pk),
                "updated_at": (timezone.now() - timedelta(hours=1)).isoformat(),
                "fields": {"candidate.email": "grace@theirs.example"},
            },
        },
    )
    assert answer["result"]["fields"] == {"candidate.email": "kept_ours"}

    sign_in(page, "ada")
    nav_link(page, "Integrations").click()
    page.get_by_test_id("health-link").click()
    row = page.get_by_test_id("health-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Workday")
    expect(row.get_by_test_id("success-rate")).to_have_text("100% of 1 attempt")
    page.get_by_role("link", name="Workday").click()
    expect(page.get_by_test_id("connection-health")).to_contain_text("Not validated yet")

    page.goto("/integrations/health/")
    page.get_by_test_id("conflicts-link").click()
    conflict = page.get_by_test_id("conflict-row")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("Grace Hopper")
    expect(conflict).to_contain_text("grace@ours.example")
    expect(conflict).to_contain_text("grace@theirs.example")
    expect(conflict).to_contain_text("Latest change wins: kept ours")
    conflict.get_by_test_id("choose-theirs").click()
    expect(page.get_by_text("Resolved: Workday's conflict now reads")).to_be_visible()
    expect(page.get_by_test_id("no-conflicts")).to_be_visible()
    assert refreshed(candidate).email == "grace@theirs.example"
