"""What the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page

PASSWORD = "pw-for-tests-123"  # tests.factories.make_user's default


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
