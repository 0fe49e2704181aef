"""A tenant admin designs a workflow in a real browser: framework, milestones, order, publish."""

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
def tenant_admin(tenant_a):
    user = factories.make_user(username="ada", first_name="Ada", last_name="Admin")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    factories.make_requisition_type(tenant=tenant_a, name="Engineering")
    return user


def _add_milestone(page: Page, *, code: str, name: str) -> None:
    form = page.get_by_test_id("milestone-add-form")
    form.get_by_label("Code").fill(code)
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_role("button", name="Add milestone").click()


def _codes(page: Page) -> list[str]:
    return page.get_by_test_id("milestone-row").evaluate_all(
        "rows => rows.map(row => row.dataset.code)"
    )


def _screenshot(page: Page, name: str) -> None:
    """For a human to look at the pages: set E2E_SCREENSHOT_DIR (never committed)."""
    if os.environ.get("E2E_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["E2E_SCREENSHOT_DIR"], name), full_page=True)


def test_admin_builds_publishes_and_then_reads_a_workflow(page: Page, tenant_admin):
    sign_in(page, "ada")
    nav_link(page, "Workflows").click()
    expect(page.get_by_role("heading", name="Workflows")).to_be_visible()

    create = page.get_by_test_id("framework-create-form")
    create.get_by_label("Name").fill("Engineering hiring")
    create.get_by_label("Engineering").check()
    create.get_by_role("button", name="Create framework").click()

    expect(page).to_have_url(re.compile(r"/workflows/versions/[0-9a-f-]+/$"))
    expect(page.get_by_test_id("version-status")).to_have_text("Draft")

    _add_milestone(page, code="phone screen", name="Phone screen")
    expect(page.get_by_test_id("error-code")).to_contain_text("must match")
    expect(page.get_by_test_id("milestone-row")).to_have_count(0)

    _add_milestone(page, code="PHONE_SCREEN", name="Phone screen")
    _add_milestone(page, code="ONSITE", name="Onsite interview")
    expect(page.get_by_test_id("milestone-row")).to_have_count(2)
    assert _codes(page) == ["PHONE_SCREEN", "ONSITE"]

    page.get_by_role("button", name="Move ONSITE up").click()
    expect(page.get_by_test_id("milestone-row").first).to_have_attribute("data-code", "ONSITE")
    assert _codes(page) == ["ONSITE", "PHONE_SCREEN"]

    _screenshot(page, "workflow-draft.png")
    page.get_by_role("button", name="Publish").click()
    # The confirmation: a new framework has no active version, so nothing is in flight.
    expect(page.get_by_test_id("preview-note")).to_contain_text("no active version")
    page.get_by_role("button", name="Publish version 1").click()

    expect(page.get_by_test_id("version-status")).to_have_text("Active")
    expect(page.get_by_test_id("read-only-notice")).to_be_visible()
    expect(page.get_by_role("button", name="Copy to draft")).to_be_visible()
    expect(page.get_by_test_id("milestone-add-form")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Move "))).to_have_count(0)
    assert _codes(page) == ["ONSITE", "PHONE_SCREEN"]
    _screenshot(page, "workflow-published.png")

    nav_link(page, "Workflows").click()
    table = page.get_by_test_id("framework-table")
    expect(table).to_contain_text("Engineering hiring")
    expect(table).to_contain_text("Active")
    expect(table).to_contain_text("Engineering")
