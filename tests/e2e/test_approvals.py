"""The approvals story in a real browser: the recruiter requests approval of an offer and
sees which steps apply; the hiring manager approves from My approvals; the HRBP declines
with a reason; the recruiter revises the salary (a material field): the open round is voided
and restarts; once approved, the offer milestone completes; the auditor finds each of these
in the audit search and cannot move the candidate (no buttons, and a forged POST is 403)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from milestones.core.moves import MoveAction
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals.factories import make_approval_world
from tests.milestones.factories import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _named(user, first: str, last: str, username: str):
    user.first_name, user.last_name, user.username = first, last, username
    user.save()
    return user


@pytest.fixture
def story(tenant_a):
    """An application standing on the Offer milestone, whose gate wants the offer approved;
    the offer ($120,000) is drafted; the three-step policy (the department head only for
    executive hires)."""
    world = make_approval_world(tenant=tenant_a)
    _named(world.recruiter, "Rosa", "Recruiter", "rosa")
    _named(world.hiring_manager, "Hank", "Manager", "hank")
    _named(world.hrbp, "Helen", "Partner", "helen")
    factories.make_membership(
        tenant=tenant_a, user=factories.make_user(username="audrey"), role=Role.AUDITOR
    )
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "OFFER", "HIRED"),
        milestones={"OFFER": {"gate_conditions": [{"type": "approval_granted"}]}},
    )
    with all_tenants_context():
        world.requisition.framework_version = version
        world.requisition.save()
    with tenant_context(tenant_a):
        application_milestones_initialize(application_id=world.application.pk)
        application_transition(
            application_id=world.application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
    return world


def _offer_page(tab: Page, world) -> None:
    tab.goto(f"/applications/{world.application.pk}/")
    expect(tab.get_by_test_id("approval-status")).to_be_visible()
    tab.get_by_test_id("approval-status").get_by_role("link").click()
    expect(tab).to_have_url(re.compile(rf"/applications/{world.application.pk}/offer/$"))


def _decide_from_my_approvals(tab: Page, *, decision: str, comment="", reason="") -> None:
    tab.goto("/approvals/")
    item = tab.get_by_test_id("due-item").first
    if comment:
        item.get_by_label("Comment").fill(comment)
    if reason:
        item.get_by_label("Reason").fill(reason)
    item.get_by_role("button", name=decision).click()


def test_the_offer_approval_story(story, as_person):
    world = story
    rosa = as_person("rosa")

    # The recruiter opens the offer from the application page and sees the plan.
    _offer_page(rosa, world)
    preview = rosa.get_by_test_id("approval-preview")
    expect(preview.get_by_test_id("preview-applies")).to_contain_text("Hiring manager")
    expect(preview.get_by_test_id("preview-applies")).to_contain_text("Hank Manager")
    expect(preview.get_by_test_id("preview-applies")).to_contain_text("HRBP")
    expect(preview.get_by_test_id("preview-skipped")).to_contain_text("Department head")
    rosa.get_by_role("button", name="Request approval").click()
    expect(rosa.get_by_test_id("round-status")).to_have_text("Awaiting approval: step 1 of 2")

    # The hiring manager's home says a decision waits and leads to My approvals.
    hank = as_person("hank")
    expect(hank.get_by_test_id("home-approvals-due")).to_contain_text("1 waiting")
    hank.get_by_test_id("home-approvals-due").get_by_role("link", name="My approvals").click()
    expect(hank).to_have_url(re.compile(r"/approvals/$"))
    item = hank.get_by_test_id("due-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(world.application.candidate.full_name)
    expect(item).to_contain_text("$120,000")
    expect(item).to_contain_text("Step 1 of 2: Hiring manager")
    _decide_from_my_approvals(hank, decision="Approve", comment="Strong loop")
    expect(hank.get_by_test_id("nothing-due")).to_be_visible()
    expect(hank.get_by_test_id("decided-item")).to_contain_text("Strong loop")

    # The HRBP declines: first without a reason (said inline), then with one.
    helen = as_person("helen")
    _decide_from_my_approvals(helen, decision="Decline")
    expect(helen.get_by_test_id("reason-error")).to_be_visible()
    _decide_from_my_approvals(helen, decision="Decline", reason="Above the band for this level")
    expect(helen.get_by_test_id("decided-item")).to_contain_text("Above the band")

    # The recruiter revises the salary and asks again; while that round is open the salary
    # changes once more: the open round is voided and a new one starts.
    _offer_page(rosa, world)
    expect(rosa.get_by_test_id("round-1-status")).to_have_text("Declined")
    rosa.get_by_label("Salary").fill("110000")
    rosa.get_by_role("button", name="Save the offer").click()
    expect(rosa.get_by_test_id("offer-version")).to_have_text("2")
    rosa.get_by_role("button", name="Request approval").click()
    expect(rosa.get_by_test_id("round-2-status")).to_have_text("Awaiting approval")
    expect(rosa.get_by_test_id("material-warning")).to_contain_text("voids the open approval round")
    rosa.get_by_label("Salary").fill("112000")
    rosa.get_by_role("button", name="Save the offer").click()
    expect(rosa.locator(".message")).to_contain_text(
        "Approval round 2 was voided and round 3 started"
    )
    expect(rosa.get_by_test_id("round-2-status")).to_have_text("Voided")
    expect(rosa.get_by_test_id("round-3-status")).to_have_text("Awaiting approval")

    # Both approve round 3, the offer page shows it approved.
    _decide_from_my_approvals(hank, decision="Approve")
    expect(hank.get_by_test_id("nothing-due")).to_be_visible()
    hank.goto(f"/applications/{world.application.pk}/offer/")
    expect(hank.get_by_test_id("offer-salary")).to_have_text("$112,000")
    _decide_from_my_approvals(helen, decision="Approve", comment="Within the band now")
    _offer_page(rosa, world)
    expect(rosa.get_by_test_id("round-status")).to_have_text("Approved")

    # The offer milestone can complete now.
    rosa.goto(f"/applications/{world.application.pk}/")
    expect(rosa.get_by_test_id("approval-status")).to_contain_text("Approved")
    rosa.get_by_test_id("advance-form").get_by_role("button").click()
    expect(rosa.get_by_test_id("timeline")).to_contain_text("Hired")

    # The auditor finds every step in the audit trail...
    audrey = as_person("audrey")
    audrey.goto("/audit/")
    audrey.get_by_label("Action").fill("approval.")
    audrey.get_by_role("button", name="Apply").click()
    actions = set(
        audrey.get_by_test_id("audit-row").evaluate_all("rows => rows.map(r => r.dataset.action)")
    )
    assert {
        "approval.requested",
        "approval.approved_step",
        "approval.declined_step",
        "approval.declined",
        "approval.voided",
        "approval.approved",
    } <= actions
    audrey.get_by_label("Action").fill("offer.updated")
    audrey.get_by_role("button", name="Apply").click()
    expect(audrey.get_by_test_id("audit-row")).to_have_count(2)
    audrey.get_by_label("Action").fill("milestone.")
    audrey.get_by_role("button", name="Apply").click()
    expect(audrey.get_by_test_id("audit-row").first).to_contain_text(
        "Rosa Recruiter"
    )  # the name, not the username

    # ... and moves no one: no buttons on the application page, and a forged POST is 403.
    audrey.goto(f"/applications/{world.application.pk}/")
    expect(audrey.get_by_test_id("move-actions")).to_have_count(0)
    expect(
        audrey.get_by_role("button", name=re.compile("Advance|Complete|Move|Skip"))
    ).to_have_count(0)
    token = next(c["value"] for c in audrey.context.cookies() if c["name"] == "csrftoken")
    forged = audrey.request.post(
        f"/applications/{world.application.pk}/",
        form={"application_id": str(world.application.pk), "action": "advance"},
        headers={"X-CSRFToken": token, "Referer": audrey.url},
    )
    assert forged.status == 403
    assert "An auditor may not move candidates" in forged.text()
