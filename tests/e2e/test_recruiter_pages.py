"""A recruiter signs in, reads one tenant's requisitions, switches tenant, and signs out."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_tenant_recruiter(tenant_a, tenant_b):
    user = factories.make_user(username="sam", first_name="Sam", last_name="Rivera")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.RECRUITER)
    factories.make_membership(tenant=tenant_b, user=user, role=Role.RECRUITER)
    engineering = factories.make_department(tenant=tenant_a, name="Engineering")
    factories.make_requisition(
        tenant=tenant_a, title="Senior welder", department=engineering, recruiter=user
    )
    factories.make_requisition(tenant=tenant_a, title="Backend engineer", department=engineering)
    lab = factories.make_department(tenant=tenant_b, name="Research")
    chemist = factories.make_requisition(
        tenant=tenant_b, title="Lab chemist", department=lab, recruiter=user
    )
    for first, last, source in [("Grace", "Hopper", "referral"), ("Alan", "Turing", "agency")]:
        factories.make_application(
            tenant=tenant_b,
            requisition=chemist,
            candidate=factories.make_candidate(tenant=tenant_b, first_name=first, last_name=last),
            source=source,
        )
    return user


def test_recruiter_of_two_tenants_switches_tenant_and_opens_a_requisition(
    page: Page, two_tenant_recruiter, tenant_b
):
    sign_in(page, "sam")

    expect(page).to_have_url(re.compile(r"/$"))  # the recruiter's home
    nav_link(page, "Requisitions").click()
    table = page.get_by_test_id("requisition-table")
    expect(table).to_contain_text("Senior welder")
    expect(table).to_contain_text("Backend engineer")
    expect(page.get_by_text("Lab chemist")).to_have_count(0)

    page.get_by_test_id("tenant-switcher").locator("summary").click()
    page.get_by_role("button", name="Globex Inc").click()
    expect(page.get_by_role("heading", name="Your day")).to_be_visible()  # B's home
    nav_link(page, "Requisitions").click()

    expect(page.get_by_test_id("requisition-table")).to_contain_text("Lab chemist")
    expect(page.get_by_text("Senior welder")).to_have_count(0)
    expect(page.get_by_test_id("tenant-switcher").locator("summary")).to_have_text(
        "Tenant: Globex Inc"
    )

    page.get_by_role("link", name="Lab chemist").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lab chemist")
    applications = page.get_by_test_id("application-table")
    expect(applications).to_contain_text("Grace Hopper")
    expect(applications).to_contain_text("Referral")
    expect(applications).to_contain_text("Alan Turing")
    screenshot_dir = os.environ.get("E2E_SCREENSHOT_DIR")
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/requisition-detail.png", full_page=True)
        nav_link(page, "Requisitions").click()
        page.screenshot(path=f"{screenshot_dir}/requisition-list.png", full_page=True)


def test_wrong_password_shows_an_error(page: Page, recruiter_a):
    sign_in(page, "rita", "not-the-password")

    expect(page.get_by_test_id("login-error")).to_contain_text("correct username and password")
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_logout_ends_the_session(page: Page, recruiter_a):
    sign_in(page, "rita")
    expect(page.get_by_role("heading", name="Your day", exact=True)).to_be_visible()

    page.get_by_test_id("account-menu").locator("summary").click()
    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto("/requisitions/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/requisitions/$"))
