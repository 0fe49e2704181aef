"""An admin runs the version page's sandbox in a real browser, and opens a past run again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from milestones.models import VersionStatus
from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in
from tests.milestones.factories import make_automation_rule, make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_runs_the_prefilled_scenario_and_sees_the_advance(page: Page, tenant_a):
    user = factories.make_user(username="ada")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    make_automation_rule(
        tenant=tenant_a,
        version=version,
        milestone_code="APPLIED",
        name="Screened well",
        event_type="screening.done",
        conditions={"fact": "payload.score", "op": "gte", "value": 70},
    )

    sign_in(page, "ada")
    page.goto(f"/workflows/versions/{version.pk}/")

    sandbox = page.get_by_test_id("sandbox")
    expect(sandbox.get_by_label("Scenario (JSON)")).to_contain_text("screening.done")
    sandbox.get_by_role("button", name="Run").click()

    expect(page).to_have_url(re.compile(r"/sandbox/[0-9a-f-]{36}/#sandbox$"))  # reloadable
    step = page.get_by_test_id("sandbox-step").first
    expect(step).to_have_attribute("data-kind", "auto_advance")
    expect(step).to_contain_text("Screened well")

    # The run is the first of the recent runs, marked as the one shown.
    recent = sandbox.get_by_test_id("sandbox-run")
    expect(recent).to_have_count(1)
    expect(recent.first).to_have_attribute("aria-current", "true")
    expect(recent.first).to_contain_text("ada")

    # Back on the version page, later: the run is still listed, and opens again.
    page.goto(f"/workflows/versions/{version.pk}/")
    sandbox.get_by_test_id("sandbox-run").first.get_by_role("link", name="Open the run").click()

    expect(page).to_have_url(re.compile(r"/sandbox/[0-9a-f-]{36}/#sandbox$"))
    expect(sandbox.get_by_label("Scenario (JSON)")).to_contain_text("screening.done")
    reopened = page.get_by_test_id("sandbox-step").first
    expect(reopened).to_have_attribute("data-kind", "auto_advance")
    expect(reopened).to_contain_text("Screened well")
