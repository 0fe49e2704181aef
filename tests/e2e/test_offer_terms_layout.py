"""The offer page's terms at 1280 px: a definition list whose labels share one column and
whose values share another, each value on its label's row, whether a value is missing
("—") or long enough to wrap."""

from __future__ import annotations

import os

import pytest

from tests.approvals.factories import make_approval_world
from tests.e2e.support import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_EQUITY = (
    "4,000 restricted stock units vesting over four years with a one-year cliff, then "
    "monthly, and a refresh grant reviewed at each anniversary"
)


def test_the_terms_align_with_a_missing_and_a_long_value(tenant_a, page):
    world = make_approval_world(tenant=tenant_a, equity=LONG_EQUITY)  # no bonus, no start date
    world.recruiter.username = "rosa"
    world.recruiter.save()
    sign_in(page, "rosa")

    page.goto(f"/applications/{world.application.pk}/offer/")
    terms = page.get_by_test_id("offer-terms")
    if os.environ.get("SCREENSHOT_DIR"):  # for a person to look at
        terms.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "offer-terms.png"))
    labels = [box(t) for t in terms.locator("dt").all()]
    values = [box(d) for d in terms.locator("dd").all()]

    assert len(labels) == len(values) == 7
    assert len({round(b["x"]) for b in labels}) == 1, labels  # one column of labels
    assert len({round(b["x"]) for b in values}) == 1, values  # one column of values
    assert values[0]["x"] > labels[0]["x"] + labels[0]["width"] - 1  # values right of labels
    for label, value in zip(labels, values, strict=True):  # each value on its label's row
        assert abs(label["y"] - value["y"]) < 1, (label, value)
        assert abs(label["height"] - value["height"]) < 1, (label, value)
    equity = values[3]
    assert equity["height"] > values[2]["height"] * 1.5  # the long value wraps in its column
    assert equity["x"] + equity["width"] <= box(terms)["x"] + box(terms)["width"] + 1
    texts = [d.inner_text() for d in terms.locator("dd").all()]
    assert texts[2] == "—" and texts[4] == "—"  # bonus and start date missing


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found
