"""A tenant admin adds an escalation level and a deadline rule to a draft in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from milestones.models import VersionStatus
from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in
from tests.milestones.factories import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_adds_an_escalation_level_and_a_deadline_rule_to_a_draft(page: Page, tenant_a):
    user = factories.make_user(username="ada")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    sign_in(page, "ada")
    page.goto(f"/workflows/versions/{version.pk}/")

    form = page.get_by_test_id("escalation-add-form")
    form.get_by_label("Milestone").select_option(label="SCREEN · Screen")
    form.get_by_label("Level").fill("1")
    form.get_by_label("After (hours)").fill("48")
    form.get_by_label("Recruiter").check()
    form.get_by_role("button", name="Add escalation level").click()

    row = page.locator('[data-testid="escalation-row"][data-code="SCREEN"]')
    expect(row).to_contain_text("2 days")
    expect(row).to_contain_text("recruiter")

    form = page.get_by_test_id("deadline-rule-add-form")
    form.get_by_label("Name").fill("Offer expired")
    form.get_by_label("Action").select_option("move")
    form.get_by_label("Move to (code)").fill("NOWHERE")
    form.get_by_role("button", name="Add deadline rule").click()
    expect(page.get_by_text("move_to_code: NOWHERE is not a milestone")).to_be_visible()

    form = page.get_by_test_id("deadline-rule-add-form")
    form.get_by_label("Name").fill("Offer expired")
    form.get_by_label("Action").select_option("move")
    form.get_by_label("Move to (code)").fill("HIRED")
    form.get_by_role("button", name="Add deadline rule").click()
    expect(page.get_by_test_id("deadline-rule-row")).to_contain_text("Offer expired")
