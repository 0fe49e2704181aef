"""pytest plugin loaded by `make test`: a last plain line saying how many browser tests skipped."""

from __future__ import annotations

_skipped_browser: list[str] = []


def pytest_runtest_logreport(report) -> None:
    if report.skipped and "browser" in report.keywords:
        _skipped_browser.append(report.nodeid)


def pytest_unconfigure(config) -> None:
    # After the "N passed" line, so it is the last thing a reader of the log sees.
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if _skipped_browser and reporter is not None:
        reporter.write_line(
            f"NOTE: {len(_skipped_browser)} browser test(s) SKIPPED (Chromium or Playwright "
            "missing): the browser pages were NOT tested in this run.",
            yellow=True,
            bold=True,
        )
