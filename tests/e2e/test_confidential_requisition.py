"""A recruiter off a confidential requisition's team sees it neither on the list nor by its
URL; an admin grants them access on the requisition's page, and then they see it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def confidential(tenant_a):
    admin = factories.make_user(username="ada", first_name="Ada", last_name="Admin")
    factories.make_membership(tenant=tenant_a, user=admin, role=Role.ADMIN)
    outsider = factories.make_user(username="otto", first_name="Otto", last_name="Outsider")
    factories.make_membership(tenant=tenant_a, user=outsider, role=Role.RECRUITER)
    engineering = factories.make_department(tenant=tenant_a, name="Engineering")
    factories.make_requisition(tenant=tenant_a, title="Backend engineer", department=engineering)
    secret = factories.make_requisition(
        tenant=tenant_a, title="Chief of staff", department=engineering, is_confidential=True
    )
    return secret


def test_a_recruiter_sees_a_confidential_requisition_only_once_granted(
    page: Page, browser, live_server, confidential
):
    sign_in(page, "otto")
    nav_link(page, "Requisitions").click()  # from the home
    table = page.get_by_test_id("requisition-table")
    expect(table).to_contain_text("Backend engineer")
    expect(page.get_by_text("Chief of staff")).to_have_count(0)
    response = page.goto(f"/requisitions/{confidential.pk}/")
    assert response is not None and response.status == 404

    admin_context = browser.new_context(base_url=live_server.url)
    admin = admin_context.new_page()
    sign_in(admin, "ada")
    admin.goto(f"/requisitions/{confidential.pk}/")
    expect(admin.get_by_test_id("confidential-badge")).to_be_visible()
    grant = admin.get_by_test_id("grant-form")
    grant.get_by_label("Grant access to").select_option(label="Otto Outsider")
    grant.get_by_role("button", name="Grant access").click()
    expect(admin.get_by_text("Otto Outsider may now see this requisition.")).to_be_visible()
    expect(admin.get_by_test_id("access-granted")).to_contain_text("Otto Outsider")
    admin_context.close()

    page.goto("/requisitions/")
    expect(page.get_by_test_id("requisition-table")).to_contain_text("Chief of staff")
    page.get_by_role("link", name="Chief of staff").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chief of staff")
    expect(page.get_by_test_id("access-panel")).to_have_count(0)  # not theirs to change
