"""A recruiter opens a digest from the inbox, sees its candidates and opens one of them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in
from tests.reporting.factories import make_digest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def digest(tenant_a):
    """Three of Rosa's candidates escalated to her in one sweep batch: one digest."""
    rosa = factories.make_user(username="rosa", email="rosa@example.com")
    factories.make_membership(tenant=tenant_a, user=rosa, role=Role.RECRUITER)
    requisition = factories.make_requisition(tenant=tenant_a, title="Staff Engineer")
    applications = [
        factories.make_application(
            tenant=tenant_a,
            requisition=requisition,
            candidate=factories.make_candidate(tenant=tenant_a, first_name=first, last_name=last),
        )
        for first, last in (("Grace", "Hopper"), ("Alan", "Turing"), ("Edsger", "Dijkstra"))
    ]
    return make_digest(tenant=tenant_a, recipient=rosa, applications=applications), applications


def test_recruiter_follows_a_digest_to_one_of_its_candidates(page: Page, digest):
    notification, applications = digest
    sign_in(page, "rosa")
    expect(page).to_have_url(re.compile(r"/$"))  # the role's home

    page.get_by_test_id("notifications-link").click()
    row = page.get_by_test_id("notification-row")
    expect(row).to_contain_text("3 candidates are overdue in Screen")
    row.get_by_role("link", name="3 candidates").click()

    expect(page).to_have_url(re.compile(rf"/notifications/{notification.pk}/$"))
    expect(page.get_by_test_id("notification-application")).to_have_count(3)
    table = page.get_by_test_id("notification-applications")
    for name in ("Grace Hopper", "Alan Turing", "Edsger Dijkstra"):
        expect(table.get_by_role("link", name=name)).to_be_visible()
    # Looking at it marks nothing read: the badge still counts it.
    expect(page.get_by_test_id("unread-badge")).to_have_text("1")

    table.get_by_role("link", name="Alan Turing").click()

    turing = applications[1]
    expect(page).to_have_url(re.compile(rf"/applications/{turing.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alan Turing")
