"""What the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

PASSWORD = "pw-for-tests-123"  # tests.factories.make_user's default


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def nav_link(page: Page, name: str) -> Locator:
    """A page's link in the top bar, its menu (Hiring, Reports, Settings) opened first
    when it sits in one, as a person would."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.locator("details", has=page.locator(f'a:text-is("{name}")')).locator("summary").click()
    return link
