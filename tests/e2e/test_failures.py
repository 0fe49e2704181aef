"""A recruiter sees an automation failure, fixes its cause, retries it, and it is gone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from milestones.models import FailureSource
from milestones.services.automation.failures import automation_failure_record
from recruiting.models import Application, Candidate, Requisition
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in
from tests.reporting.factories import make_gated_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def failed_advance(tenant_a):
    """Rosa's candidate could not be advanced by a rule: the phone number is missing."""
    rosa = factories.make_user(username="rosa", email="rosa@example.com")
    factories.make_membership(tenant=tenant_a, user=rosa, role=Role.RECRUITER)
    application = make_gated_application(tenant=tenant_a)
    with all_tenants_context():
        Requisition.all_tenants.filter(pk=application.requisition_id).update(recruiter=rosa)
        application = Application.all_tenants.select_related("requisition", "candidate").get(
            pk=application.pk
        )
    with tenant_context(tenant_a):
        failure = automation_failure_record(
            application=application,
            source=FailureSource.RULE,
            attempted={"action": "advance", "to_code": "SCREEN"},
            error_code="GATE_NOT_SATISFIED",
            message="APPLIED cannot be left yet: candidate.phone missing",
            recipients=["recruiter"],
        )
    return application, failure


def test_recruiter_retries_a_failure_after_fixing_its_cause(page: Page, failed_advance):
    application, failure = failed_advance
    sign_in(page, "rosa")
    expect(page).to_have_url(re.compile(r"/$"))  # the role's home
    expect(page.get_by_test_id("unread-badge")).to_have_text("1")

    nav_link(page, "Automation failures").click()
    row = page.locator(f'[data-testid="failure-row"][data-failure-id="{failure.pk}"]')
    expect(row).to_contain_text("GATE_NOT_SATISFIED")
    expect(row).to_contain_text(application.candidate.full_name)

    # Still broken: the retry says why and the failure stays.
    row.get_by_test_id("failure-retry").click()
    expect(page.get_by_text(re.compile("Retry for .* refused"))).to_be_visible()
    expect(row).to_be_visible()

    with all_tenants_context():
        Candidate.all_tenants.filter(pk=application.candidate_id).update(phone="+1 555 0100")
    row.get_by_test_id("failure-retry").click()

    expect(page.get_by_text(re.compile("Retried: .* moved to Screen"))).to_be_visible()
    expect(row).to_have_count(0)
    expect(page.get_by_test_id("no-failures")).to_be_visible()

    page.get_by_test_id("notifications-link").click()
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("unread-badge")).to_have_count(0)
