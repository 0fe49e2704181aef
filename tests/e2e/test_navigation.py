"""The top bar at 1280 px: one row for every demo role (the demo's usernames, the tenant
switcher of its recruiter in two tenants), menus that open from the keyboard, and every link of it
reached by keyboard leads to a page the role may open."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each role finds in the top bar, menus included (docs/roles.md's capabilities).
EVERYONE = ["Home", "Requisitions", "Applications", "Dashboard", "Reconciliation"]
EXPECTED = {
    Role.ADMIN: EVERYONE
    + ["Background checks", "My approvals", "Automation failures", "Exports", "Audit trail"]
    + ["Workflows", "Approval policies", "Integrations", "Django admin"],
    Role.RECRUITER: EVERYONE + ["Background checks", "Automation failures", "Exports"],
    Role.HIRING_MANAGER: EVERYONE + ["My approvals"],
    Role.HRBP: EVERYONE + ["Background checks", "My approvals", "Exports"],
    Role.COORDINATOR: EVERYONE,
    Role.AUDITOR: EVERYONE + ["Background checks", "Exports", "Audit trail"],
}


def _member(tenant, role: str, *others) -> str:
    username = f"acme-{role.replace('_', '-')}"
    user = factories.make_user(username=username, is_staff=role == Role.ADMIN)
    for each in (tenant, *others):
        factories.make_membership(tenant=each, user=user, role=role)
    return username


def _rows(page: Page) -> set[int]:
    """The distinct rows the top bar's parts sit on (by their vertical centre)."""
    boxes = page.locator(".topbar__inner > *").evaluate_all(
        "parts => parts.map(p => { const r = p.getBoundingClientRect();"
        " return Math.round((r.top + r.bottom) / 2); })"
    )
    return {round(y / 10) for y in boxes}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_top_bar_is_one_row_and_each_link_works_by_keyboard(
    page: Page, tenant_a, tenant_b, live_server, role
):
    # Before, the bar wrapped onto two rows at 1280 px (three for an admin).
    # As in the demo: the recruiter works for two tenants (the switcher shows), the rest one.
    two = role == Role.RECRUITER
    username = _member(tenant_a, role, *([tenant_b] if two else []))
    sign_in(page, username)
    expect(page.get_by_test_id("tenant-switcher" if two else "current-tenant")).to_be_visible()
    assert len(_rows(page)) == 1, f"the top bar of {role} wraps"
    nav = page.get_by_role("navigation", name="Main")
    names = nav.locator("a").all_text_contents()
    assert sorted(n.strip() for n in names) == sorted(EXPECTED[role])

    for name in EXPECTED[role]:
        page.goto("/")
        link = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
        href = link.get_attribute("href")
        menu = nav.locator(
            "details", has=page.get_by_role("link", name=name, exact=True, include_hidden=True)
        )
        if menu.count():
            summary = menu.locator("summary")
            summary.focus()
            page.keyboard.press("Enter")  # a closed menu opens from the keyboard
            expect(link).to_be_visible()
            assert len(_rows(page)) == 1  # an open menu drops below, it moves nothing
            for _ in range(20):
                page.keyboard.press("Tab")
                if link.evaluate("a => a === document.activeElement"):
                    break
        else:
            link.focus()
        expect(link, name).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(href), (name, page.url)
        expect(page.locator("h1").first).to_be_visible()
        expect(page.get_by_role("heading", name="You can't do that here")).to_have_count(0)


def test_one_menu_is_open_at_a_time_and_escape_closes_it(page: Page, tenant_a):
    sign_in(page, _member(tenant_a, Role.ADMIN))
    nav = page.get_by_role("navigation", name="Main")
    hiring, reports = nav.get_by_test_id("nav-hiring"), nav.get_by_test_id("nav-reports")
    hiring.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Requisitions")).to_be_visible()
    reports.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Exports")).to_be_visible()
    expect(nav.get_by_role("link", name="Requisitions")).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Exports")).to_be_hidden()
    expect(reports.locator("summary")).to_be_focused()
    page.keyboard.press("Space")
    expect(nav.get_by_role("link", name="Exports")).to_be_visible()
    page.get_by_role("heading", level=1).first.click()
    expect(nav.get_by_role("link", name="Exports")).to_be_hidden()


def _parts_on_rows(page: Page) -> set[int]:
    """The rows every visible part of the top bar sits on, the links and menus inside the
    main nav and the session included (a part wrapping inside its group counts)."""
    boxes = page.locator(
        ".topbar__inner > *, .mainnav > *, .session > *, .session > details > summary"
    ).evaluate_all(
        "parts => parts.filter(p => p.offsetParent !== null).map(p => {"
        " const r = p.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 2); })"
    )
    return {round(y / 10) for y in boxes}


def test_an_admin_of_two_tenants_has_one_row_and_switches_tenant_by_keyboard(
    page: Page, tenant_a, tenant_b
):
    # Before, the switcher (a select and a Switch button) pushed the admin's bar onto two
    # rows at 1280 px. Now it is a menu like the others, named for the current tenant.
    user = factories.make_user(
        username="acme-admin", first_name="Avery", last_name="Administrator", is_staff=True
    )
    for tenant in (tenant_a, tenant_b):
        factories.make_membership(tenant=tenant, user=user, role=Role.ADMIN)
    sign_in(page, "acme-admin")
    assert page.viewport_size["width"] == 1280
    assert len(_parts_on_rows(page)) == 1, "the admin's top bar wraps"
    right = page.locator(".topbar__inner").evaluate("e => e.getBoundingClientRect().right")
    assert right <= 1280

    menu = page.get_by_test_id("tenant-switcher")
    summary = menu.locator("summary")
    expect(summary).to_have_accessible_name("Tenant: Acme Corp")
    summary.focus()
    page.keyboard.press("Enter")
    other = menu.get_by_role("button", name="Globex Inc")
    expect(other).to_be_visible()
    assert len(_parts_on_rows(page)) == 1  # the open menu drops below, it moves nothing
    page.keyboard.press("Tab")
    expect(other).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("tenant-switcher").locator("summary")).to_have_accessible_name(
        "Tenant: Globex Inc"
    )
    assert len(_parts_on_rows(page)) == 1
