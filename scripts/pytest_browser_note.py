"""pytest plugin loaded by `make test`: one plain line saying how many browser tests skipped."""

from __future__ import annotations

_skipped_browser: list[str] = []


def pytest_runtest_logreport(report) -> None:
    if report.skipped and "browser" in report.keywords:
        _skipped_browser.append(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _skipped_browser:
        terminalreporter.write_line(
            f"NOTE: {len(_skipped_browser)} browser test(s) SKIPPED (Chromium/Playwright missing); "
            "the browser pages were not tested in this run.",
            yellow=True,
            bold=True,
        )
