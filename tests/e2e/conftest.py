"""A real Chromium (Debian's, never a downloaded one) driven by Playwright against live_server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the main thread, where the tests also
# write their setup rows; Django would refuse those ORM calls as "async" without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
AUDIT_TABLE = "compliance_auditevent"
AUDIT_NO_TRUNCATE_TRIGGER = f"{AUDIT_TABLE}_no_truncate"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"chromium not found at {CHROMIUM}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="package", autouse=True)
def _audit_log_truncatable_between_browser_tests(django_db_setup, django_db_blocker):
    """Let the live-server tests' flush empty the audit log; restore its guard afterwards.

    The audit table refuses TRUNCATE (append-only), and a live-server test must commit its
    rows, so its teardown flushes every table. Only the test database is touched, and only
    while this package's tests run; UPDATE and DELETE stay refused throughout.
    """
    from django.db import connection

    def set_trigger(state: str) -> None:
        with django_db_blocker.unblock():
            with connection.cursor() as cursor:
                cursor.execute(
                    f'ALTER TABLE "{AUDIT_TABLE}" {state} TRIGGER "{AUDIT_NO_TRUNCATE_TRIGGER}"'
                )
            # Playwright's greenlets give this teardown its own connection: close it, or
            # dropping the test database at the end of the run finds it still in use.
            connection.close()

    set_trigger("DISABLE")
    yield
    set_trigger("ENABLE")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
