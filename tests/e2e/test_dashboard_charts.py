"""The dashboard over the demo's half year, as a newcomer opens it at 1280 and 1920 px:
every chart has numbers, keeps its text inside its drawing with no label over another, and
says what the table beside it says, in the same order."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.data import DEMO_PASSWORD
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each rendered text of a chart: its words and its box in the chart's own units.
_TEXTS = """svg => Array.from(svg.querySelectorAll('text')).map(t => {
  const b = t.getBBox();
  return {cls: t.getAttribute('class'), text: t.textContent,
          x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height};
})"""


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["right"]
        and b["x"] < a["right"]
        and a["y"] < b["bottom"]
        and b["y"] < a["bottom"]
    )


def _check_chart(page: Page, name: str) -> list[dict]:
    svg = page.locator(f'svg[data-testid="chart-{name}"]')
    expect(svg).to_be_visible()
    width, height = svg.evaluate("s => [s.viewBox.baseVal.width, s.viewBox.baseVal.height]")
    texts = svg.evaluate(_TEXTS)
    assert texts, name
    for text in texts:
        inside = text["x"] >= 0 and text["right"] <= width
        assert inside and text["y"] >= 0 and text["bottom"] <= height, (name, text)
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not _overlap(a, b), (name, a["text"], b["text"])
    return texts


def _row_headers(page: Page, report: str) -> list[str]:
    return page.get_by_test_id(report).locator("tbody th").all_text_contents()


@pytest.mark.parametrize("width", [1280, 1920])
def test_every_chart_keeps_its_text_inside_and_matches_its_table(browser, live_server, demo, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        sign_in(page, "acme-recruiter", DEMO_PASSWORD)
        page.goto("/reports/?period=365")

        bars = _check_chart(page, "time-in-milestone")
        milestones = _row_headers(page, "report-time-in-milestone")
        assert len(milestones) == 7  # every milestone, Hired included, has finished stays
        assert [t["text"] for t in bars if t["cls"] == "chart__label"] == milestones

        funnel = _check_chart(page, "funnel")
        assert [t["text"] for t in funnel if t["cls"] == "chart__label"] == _row_headers(
            page, "report-funnel"
        )
        rows = page.get_by_test_id("report-funnel").locator("tbody tr")
        first = rows.first.locator("td").all_text_contents()
        assert int(first[0]) > 100 and int(first[2]) > 10  # entered, dropped: real numbers
        passed_texts = [t["text"] for t in funnel if t["cls"] == "chart__value"]
        for row, said in zip(rows.all(), passed_texts, strict=True):
            entered, passed = row.locator("td").all_text_contents()[:2]
            assert said == f"{passed} of {entered}"

        fill = _check_chart(page, "time-to-fill")
        months = _row_headers(page, "report-time-to-fill")
        assert len(months) >= 5  # the demo's requisitions opened over half a year
        dates = [datetime.strptime(m, "%B %Y") for m in months]
        assert dates == sorted(dates)  # oldest first, every month between
        assert all((b - a).days <= 31 for a, b in zip(dates, dates[1:], strict=False))
        ticks = [t["text"] for t in fill if t["cls"] == "chart__tick"]
        short = [m[:3] + m[-5:] for m in months]  # "August 2026" -> "Aug 2026"
        assert ticks[0] == short[0] and ticks[-1] == short[-1]
        assert ticks == [m for m in short if m in ticks]  # in the table's order, oldest first
        medians = page.get_by_test_id("report-time-to-fill").locator(
            "tbody tr td:nth-child(5)"
        )  # the Median column
        filled = [m for m in medians.all_text_contents() if m != "—"]
        assert len(filled) >= 3
        assert page.locator('svg[data-testid="chart-time-to-fill"] circle').count() == len(filled)
        assert all(" day" in t["text"] for t in fill if t["cls"] == "chart__axis")
    finally:
        context.close()

    # The hiring manager's home: each requisition's funnel fits inside its card.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    try:
        sign_in(page, "acme-hiring-manager", DEMO_PASSWORD)
        cards = page.get_by_test_id("requisition-card")
        expect(cards.first).to_be_visible()
        spills = cards.evaluate_all(
            "cards => cards.map(c => { const t = c.querySelector('table');"
            " return t ? t.getBoundingClientRect().right - c.getBoundingClientRect().right : 0; })"
        )
        assert len(spills) >= 5 and max(spills) <= 0, spills
    finally:
        context.close()
