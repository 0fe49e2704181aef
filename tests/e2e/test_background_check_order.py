"""A recruiter hears that the vendor refused a background-check order, reads why on the
application's page, and retries it there once the vendor takes orders again (a fake Checkr:
a real HTTP server on loopback)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from integrations.models import BackgroundCheck, ConnectionKind
from integrations.services.relay import relay_run
from milestones.core.engine import MoveAction
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.e2e.support import sign_in
from tests.integrations.factories import make_connection
from tests.milestones.factories import make_version
from tests.support import FakeVendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROUTES = {"/v1/candidates": b'{"id": "cand_1"}', "/v1/invitations": b'{"id": "inv_1"}'}


def test_a_recruiter_reads_why_the_order_failed_and_retries_it(page: Page, tenant_a):
    checkr = FakeVendor(answers=(422, 200), routes=dict(ROUTES))
    try:
        make_connection(
            tenant=tenant_a,
            url=checkr.url.removesuffix("/hooks"),
            kind=ConnectionKind.BACKGROUND_CHECK,
        )
        recruiter = factories.make_user(username="rita")
        factories.make_membership(tenant=tenant_a, user=recruiter)
        version = make_version(tenant=tenant_a, codes=("APPLIED", "BACKGROUND_CHECK", "OFFER"))
        requisition = factories.make_requisition(
            tenant=tenant_a, framework_version=version, recruiter=recruiter
        )
        application = factories.make_application(tenant=tenant_a, requisition=requisition)
        with tenant_context(tenant_a):
            application_milestones_initialize(application_id=application.pk)
            application_transition(
                application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
            )
        relay_run()  # the dispatch records the check; its order (eager) meets the 422

        sign_in(page, "rita")
        expect(page.get_by_test_id("unread-badge")).to_have_text("1")
        page.get_by_test_id("notifications-link").click()
        expect(page.get_by_text("could not be ordered")).to_be_visible()
        page.get_by_test_id("open-notification").click()
        failed = page.get_by_test_id("background-check-order-failed")
        expect(failed).to_contain_text("Order failed: /v1/candidates answered 422")
        page.get_by_test_id("background-check-order-failed-action").click()
        expect(page.get_by_text("The background check is being ordered again.")).to_be_visible()
        expect(page.get_by_test_id("background-check-order-failed")).to_have_count(0)
        page.goto("/integrations/background-checks/")
        expect(page.get_by_test_id("background-check-row")).to_contain_text("Pending")
        with all_tenants_context():
            assert BackgroundCheck.all_tenants.get().vendor_invitation_id == "inv_1"
    finally:
        checkr.stop()
