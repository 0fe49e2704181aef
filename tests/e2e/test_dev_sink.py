"""The development webhook sink in a browser: an admin sees what the relay delivered to
the app itself, each signature verified, tells the sink to fail and sees the retries."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from integrations.models import Connection
from integrations.services.relay import relay_run
from integrations.web.devsink import MESSAGES_KEY
from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in
from tests.integrations.factories import make_connection
from tests.milestones.factories import make_tracked_application, make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dev_urls(settings):
    settings.ROOT_URLCONF = "tests.integrations.devsink_urls"
    cache.delete(MESSAGES_KEY)
    yield
    cache.delete(MESSAGES_KEY)


def test_admin_watches_the_dev_sink_verify_deliveries_and_fail_on_request(
    page: Page, tenant_a, live_server, dev_urls
):
    factories.make_membership(
        tenant=tenant_a, user=factories.make_user(username="ada"), role=Role.ADMIN
    )
    connection, _ = make_connection(
        tenant=tenant_a, name="Development sink", url=f"{live_server.url}/dev/webhook-sink/"
    )
    with tenant_context(tenant_a):
        Connection.objects.filter(pk=connection.pk).update(
            endpoint_url=f"{live_server.url}/dev/webhook-sink/{connection.pk}/"
        )
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    relay_run()
    sign_in(page, "ada")
    page.goto("/dev/webhook-sink/")
    rows = page.get_by_test_id("sink-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("milestone.moved")
    expect(rows.first.get_by_test_id("sink-signature")).to_have_text("Verified")
    expect(rows.first).to_contain_text("Accepted")

    form = page.get_by_test_id("sink-fail-form")
    form.get_by_role("spinbutton").fill("1")
    form.get_by_role("button", name="Fail").click()
    with tenant_context(tenant_a):
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
    relay_run()
    page.reload()
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Failed on purpose (HTTP 503)")
    expect(rows.first.get_by_test_id("sink-signature")).to_have_text("Verified")
