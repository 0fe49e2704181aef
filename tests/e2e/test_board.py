"""A recruiter works a requisition's pipeline board in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from milestones.models import MilestoneKind
from milestones.services.transitions.initialize import application_milestones_initialize
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in
from tests.milestones.factories import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODES = ("APPLICATION_REVIEW", "PHONE_SCREEN", "ASSESSMENT", "OFFER", "HIRED")


@pytest.fixture
def pipeline(tenant_a):
    user = factories.make_user(username="rosa", first_name="Rosa", last_name="Parks")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.RECRUITER)
    version = make_version(
        tenant=tenant_a,
        codes=CODES,
        milestones={
            "PHONE_SCREEN": {"mandatory": False},
            "ASSESSMENT": {"kind": MilestoneKind.TIME_BASED, "sla": timedelta(hours=72)},
            "HIRED": {"terminal_kind": "hired"},
        },
    )
    requisition = factories.make_requisition(
        tenant=tenant_a, title="Backend engineer", framework_version=version
    )
    applications = {}
    for first, last in [("Grace", "Hopper"), ("Alan", "Turing")]:
        application = factories.make_application(
            tenant=tenant_a,
            requisition=requisition,
            candidate=factories.make_candidate(tenant=tenant_a, first_name=first, last_name=last),
        )
        with tenant_context(tenant_a):
            application_milestones_initialize(application_id=application.pk)
        applications[first] = application
    return requisition, applications


def _sign_in(page: Page, username: str = "rosa") -> None:
    sign_in(page, username)
    expect(page).to_have_url(re.compile(r"/$"))  # the role's home
    nav_link(page, "Requisitions").click()


def test_recruiter_advances_a_candidate_and_reads_the_timeline(page: Page, pipeline):
    requisition, applications = pipeline
    grace = applications["Grace"]
    _sign_in(page)
    page.get_by_role("link", name="Backend engineer").click()
    page.get_by_test_id("board-link").click()
    expect(page).to_have_url(re.compile(rf"/requisitions/{requisition.pk}/board/$"))

    review = page.get_by_test_id("column-APPLICATION_REVIEW")
    card = review.get_by_test_id(f"card-{grace.pk}")
    expect(card).to_contain_text("Grace Hopper")
    card.get_by_role("button", name="Advance").click()

    screen = page.get_by_test_id("column-PHONE_SCREEN")
    expect(screen.get_by_test_id(f"card-{grace.pk}")).to_contain_text("Grace Hopper")
    expect(review.get_by_test_id(f"card-{grace.pk}")).to_have_count(0)
    expect(page.get_by_text("Grace Hopper moved to Phone Screen.")).to_be_visible()

    screen.get_by_role("link", name="Grace Hopper").click()
    expect(page).to_have_url(re.compile(rf"/applications/{grace.pk}/$"))
    newest = page.get_by_test_id("timeline-entry").first
    expect(newest).to_contain_text("Advanced")
    expect(newest).to_contain_text("Application Review → Phone Screen")
    expect(newest).to_contain_text("Rosa Parks (recruiter)")


def test_jumping_over_a_mandatory_milestone_says_why_in_names(page: Page, pipeline):
    requisition, applications = pipeline
    alan = applications["Alan"]
    _sign_in(page)
    page.goto(f"/requisitions/{requisition.pk}/board/")

    page.get_by_test_id(f"card-{alan.pk}").get_by_role("link", name="Alan Turing").click()
    page.get_by_label("Move ahead to").select_option("OFFER")
    page.get_by_role("button", name="Move", exact=True).click()

    feedback = page.get_by_test_id("move-feedback")
    expect(feedback).to_contain_text("Mandatory milestones must come first: Assessment.")
    expect(feedback).not_to_contain_text("MANDATORY_MILESTONE_PENDING")
    page.goto(f"/requisitions/{requisition.pk}/board/")
    review = page.get_by_test_id("column-APPLICATION_REVIEW")
    expect(review.get_by_test_id(f"card-{alan.pk}")).to_be_visible()


def test_every_column_is_on_screen_at_1280_px(page: Page, pipeline):
    requisition, _ = pipeline
    _sign_in(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/requisitions/{requisition.pk}/board/")

    for code in CODES:
        box = page.get_by_test_id(f"column-{code}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, code
    board = page.get_by_test_id("board")
    assert board.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.locator("form").count() == 3  # the filters, the board's one form, log out


def test_recruiter_filters_the_board_and_rejects_with_a_reason(page: Page, pipeline):
    requisition, applications = pipeline
    grace = applications["Grace"]
    _sign_in(page)
    page.goto(f"/requisitions/{requisition.pk}/board/")

    page.get_by_label("Candidate").fill("grace")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id(f"card-{applications['Alan'].pk}")).to_have_count(0)
    card = page.get_by_test_id(f"card-{grace.pk}")
    card.get_by_role("link", name="Reject…").click()
    dialog = page.get_by_test_id("close-dialog")
    expect(dialog).to_contain_text("End the candidacy of Grace Hopper")
    dialog.get_by_label("Reason").fill("Salary expectations too far apart")
    dialog.get_by_role("button", name="Reject").click()

    expect(page.get_by_text("Grace Hopper was rejected.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?q=grace"))
    expect(page.get_by_test_id(f"card-{grace.pk}")).to_have_count(0)
    page.goto(f"/applications/{grace.pk}/")
    expect(page.get_by_test_id("close-reason")).to_contain_text(
        "Rejected: “Salary expectations too far apart”"
    )
    expect(page.get_by_test_id("timeline-entry").first).to_contain_text("Rejected")


def test_board_scrolls_sideways_on_a_narrow_screen(page: Page, pipeline):
    requisition, _ = pipeline
    _sign_in(page)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/requisitions/{requisition.pk}/board/")

    board = page.get_by_test_id("board")
    widths = board.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1]
    tops = [page.get_by_test_id(f"column-{code}").bounding_box()["y"] for code in CODES]
    assert len(set(tops)) == 1  # side by side, never stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
