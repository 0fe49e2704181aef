"""An admin publishes a draft in a real browser: the confirmation shows how an application
in flight on the active version would behave differently, then the draft becomes active."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from milestones.models import FrameworkVersion, VersionStatus
from tenants.context import all_tenants_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in
from tests.milestones.factories import make_in_flight_application, make_preview_versions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot(page: Page, name: str) -> None:
    """For a human to look at the page: set E2E_SCREENSHOT_DIR (never committed)."""
    if os.environ.get("E2E_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["E2E_SCREENSHOT_DIR"], name), full_page=True)


def test_an_admin_sees_the_in_flight_difference_and_publishes(page: Page, tenant_a):
    user = factories.make_user(username="ada")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    old, new = make_preview_versions(tenant_a)
    make_in_flight_application(tenant_a, old, first_name="Grace", last="Hopper")

    sign_in(page, "ada")
    page.goto(f"/workflows/versions/{new.pk}/")
    expect(page.get_by_test_id("version-status")).to_have_text("Draft")
    page.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(re.compile(r"/publish/\??$"))
    expect(page.get_by_test_id("summary-in-flight")).to_have_text("1")
    expect(page.get_by_test_id("summary-changed")).to_have_text("1")
    application = page.get_by_test_id("preview-application")
    expect(application).to_contain_text("Grace Hopper")
    expect(application.get_by_test_id("preview-difference")).to_have_attribute(
        "data-kind", "escalation"
    )

    form = page.get_by_test_id("preview-form")
    form.get_by_label("Days ahead").fill("1")
    form.get_by_label("Event (optional)").fill("assessment.completed")
    form.get_by_label("Event payload (JSON)").fill('{"score": 72}')
    form.get_by_label("Hours after now").fill("1")
    form.get_by_role("button", name="Preview again").click()
    first = page.get_by_test_id("preview-difference").first
    expect(first).to_have_attribute("data-change", "only_in_new")
    expect(first).to_contain_text("auto advance APPLIED → INTERVIEW")

    _screenshot(page, "publish-preview.png")
    page.get_by_role("button", name=f"Publish version {new.number}").click()
    expect(page.get_by_test_id("version-status")).to_have_text("Active")
    with all_tenants_context():
        assert FrameworkVersion.all_tenants.get(pk=old.pk).status == VersionStatus.RETIRED
