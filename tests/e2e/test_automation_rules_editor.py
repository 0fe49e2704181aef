"""An admin adds automation rules to a draft in a real browser: a bad condition is shown
next to the conditions, a good one is listed; a published version's rules are read-only."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from milestones.models import VersionStatus
from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in
from tests.milestones.factories import make_automation_rule, make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tenant_admin(tenant_a):
    user = factories.make_user(username="ada")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    return user


def _fill_rule(page: Page, *, conditions: dict) -> None:
    form = page.get_by_test_id("rule-add-form")
    form.get_by_label("Kind").select_option("auto_advance")
    form.get_by_label("Name").fill("Assessment passed")
    form.get_by_label("Milestone").select_option("SCREEN")
    form.get_by_label("Event type").fill("assessment.completed")
    form.get_by_label("Conditions").fill(json.dumps(conditions))
    form.get_by_role("button", name="Add rule").click()


def test_admin_adds_a_rule_after_fixing_a_bad_condition(page: Page, tenant_a, tenant_admin):
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    sign_in(page, "ada")
    page.goto(f"/workflows/versions/{version.pk}/")
    expect(page.get_by_role("heading", name="Automation rules")).to_be_visible()

    _fill_rule(page, conditions={"all": [{"fact": "payload.score", "op": "atleast", "value": 70}]})
    expect(page.get_by_test_id("error-conditions")).to_contain_text("conditions.all[0].op")
    expect(page.get_by_test_id("rule-row")).to_have_count(0)

    _fill_rule(page, conditions={"all": [{"fact": "payload.score", "op": "gte", "value": 70}]})
    expect(page.get_by_test_id("rule-row")).to_have_count(1)
    expect(page.get_by_test_id("rule-row")).to_contain_text("assessment.completed")


def test_a_published_versions_rules_are_read_only(page: Page, tenant_a, tenant_admin):
    version = make_version(tenant=tenant_a, status=VersionStatus.ACTIVE)
    make_automation_rule(tenant=tenant_a, version=version, name="Fast track")
    sign_in(page, "ada")
    page.goto(f"/workflows/versions/{version.pk}/")
    expect(page.get_by_test_id("rule-row")).to_contain_text("Fast track")
    expect(page.get_by_role("button", name="Delete rule Fast track")).to_have_count(0)
    expect(page.get_by_test_id("rule-add-form")).to_have_count(0)
