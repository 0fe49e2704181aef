"""An admin connects a webhook endpoint, watches deliveries arrive, loses the endpoint,
sees retries turn into a dead letter with an alert, brings it back and replays."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from integrations.services.relay import relay_run
from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in
from tests.milestones.factories import make_tracked_application, make_version
from tests.support import FakeVendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vendor():
    server = FakeVendor()
    yield server
    server.stop()


def _advance(tenant, application) -> None:
    with tenant_context(tenant):
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )


def test_admin_connects_an_endpoint_loses_it_and_replays_the_dead_letter(
    page: Page, tenant_a, vendor, settings
):
    settings.INTEGRATIONS_RETRY_SCHEDULE_S = [0.5]  # two attempts, half a second apart
    factories.make_membership(
        tenant=tenant_a,
        user=factories.make_user(username="ada", email="ada@example.com"),
        role=Role.ADMIN,
    )
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    relay_run()  # its entry into the workflow left before any connection existed
    sign_in(page, "ada")

    nav_link(page, "Integrations").click()
    expect(page.get_by_test_id("no-connections")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Workday sink")
    # A generic webhook: an HRIS connection hears its connector's status changes only.
    page.get_by_label("Kind").select_option("webhook")
    page.get_by_label("Endpoint URL").fill(vendor.url)
    page.get_by_label("milestone.moved").check()
    page.get_by_test_id("connection-add").click()
    expect(page.get_by_test_id("validation-result")).to_contain_text("Validated")
    expect(page.get_by_test_id("signing-secret")).to_contain_text("whsec_")
    nav_link(page, "Integrations").click()
    page.get_by_role("link", name="Workday sink").click()
    detail_url = page.url
    assert vendor.bodies()[0]["type"] == "connection.test"

    _advance(tenant_a, application)
    relay_run()
    page.goto(detail_url)
    rows = page.get_by_test_id("delivery-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Delivered")
    expect(rows.first).to_contain_text("SCREEN")
    expect(page.get_by_test_id("signing-secret")).to_have_count(0)  # shown once only

    vendor.stop()
    _advance(tenant_a, application)
    relay_run()
    page.reload()
    latest = page.get_by_test_id("delivery-row").first
    expect(latest).to_contain_text("Pending")
    expect(latest).to_contain_text("Could not connect to the endpoint")
    expect(latest).to_contain_text("just now")
    time.sleep(0.6)
    relay_run()
    page.reload()
    expect(page.get_by_test_id("delivery-row").first).to_contain_text("Dead letter")
    expect(page.get_by_test_id("unread-badge")).to_have_text("1")

    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_text("1 event to Workday sink could not be delivered")).to_be_visible()
    page.goto("/integrations/dead-letters/")
    letters = page.get_by_test_id("dead-letter-row")
    expect(letters).to_have_count(1)
    expect(letters.first).to_contain_text("Workday sink")

    vendor.start()
    letters.first.get_by_test_id("replay-one").click()
    expect(page.get_by_text("1 event put back in line for delivery.")).to_be_visible()
    expect(page.get_by_test_id("no-dead-letters")).to_be_visible()
    relay_run()
    page.goto(detail_url)
    expect(page.get_by_test_id("delivery-row").first).to_contain_text("Delivered")
    moved = [b["data"]["to_milestone"] for b in vendor.bodies() if b["type"] == "milestone.moved"]
    assert moved == ["SCREEN", "INTERVIEW"]
