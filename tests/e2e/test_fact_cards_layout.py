"""The fact cards of the requisition and application pages at 1280 px: cells of one width
in columns that line up, on both pages (a second `.facts` rule once made them alternate
narrow and wide)."""

from __future__ import annotations

import pytest

from tenants.models import Role
from tests import factories
from tests.e2e.support import sign_in
from tests.milestones.factories import make_tracked_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cards(page, path: str) -> list[dict]:
    page.goto(path)
    cells = page.locator("dl.fact-cards > div").all()
    assert len(cells) >= 4, path
    return [cell.bounding_box() for cell in cells]


def test_the_fact_cards_of_the_requisition_and_application_pages_line_up(tenant_a, page):
    recruiter = factories.make_user(username="rosa", first_name="Rosa", last_name="Diaz")
    factories.make_membership(tenant=tenant_a, user=recruiter, role=Role.RECRUITER)
    application = make_tracked_application(tenant=tenant_a)
    sign_in(page, "rosa")

    requisition = _cards(page, f"/requisitions/{application.requisition_id}/")
    candidacy = _cards(page, f"/applications/{application.pk}/")

    for cards in (requisition, candidacy):
        widths = {round(box["width"]) for box in cards}
        assert len(widths) == 1, cards  # every card as wide as the others
        first_row = [box for box in cards if abs(box["y"] - cards[0]["y"]) < 1]
        assert len(first_row) >= 2, cards  # more than one card a row at 1280 px
    # The same columns on both pages (one may fill fewer of them).
    fewer, more = sorted(
        ({round(b["x"]) for b in requisition}, {round(b["x"]) for b in candidacy}), key=len
    )
    assert fewer <= more, (requisition, candidacy)
    assert round(requisition[0]["width"]) == round(candidacy[0]["width"])
