"""A round of a requisition's opening in a real browser: the admin opens it from the
requisition page, replaces the department head (a blank reason is stopped first), and the
new approver finds it in My approvals, opens its page and approves it with a comment from the
keyboard; the round moves on to the next step and the page shows who decided and what they
said."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tenants.models import Role
from tests.approvals.factories import make_person
from tests.web.round_support import opening_world, request_opening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _named(user, first: str, last: str, username: str):
    user.first_name, user.last_name, user.username = first, last, username
    user.save()
    return user


def test_an_admin_replaces_the_approver_of_an_opening_and_the_new_one_decides(tenant_a, as_person):
    world = opening_world(tenant_a)
    _named(world.head, "Dana", "Head", "dana")
    _named(make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER), "Sam", "Standin", "sam")
    _named(make_person(tenant=tenant_a, role_name=Role.ADMIN), "Ada", "Admin", "ada")
    round_ = request_opening(world)
    title = world.requisition.title

    ada = as_person("ada")
    ada.goto(f"/requisitions/{world.requisition.pk}/")
    ada.get_by_test_id("opening-approval-link").click()
    expect(ada).to_have_url(re.compile(rf"/approvals/rounds/{round_.pk}/$"))
    expect(ada.get_by_test_id("round-title")).to_have_text(f"Opening of {title}")
    expect(ada.get_by_test_id("round-subject")).to_contain_text("$100,000 – $150,000")
    replace = ada.get_by_test_id("replace-form")
    replace.get_by_label("Approver to replace").select_option(label="Department head: Dana Head")
    replace.get_by_label("Who approves instead").select_option(label="Sam Standin")
    replace.get_by_role("button", name="Replace the approver").click()
    # The browser's own check stops a blank reason: nothing was sent.
    expect(ada).to_have_url(re.compile(rf"/approvals/rounds/{round_.pk}/$"))
    expect(ada.locator(".message")).to_have_count(0)
    replace.get_by_label("Reason").fill("Dana is on leave")
    replace.get_by_role("button", name="Replace the approver").click()
    expect(ada.locator(".message")).to_contain_text(
        "Replacing Dana Head on “Department head”: done."
    )
    expect(ada.get_by_test_id("round-steps")).to_contain_text("Sam Standin")
    expect(ada.get_by_test_id("round-steps")).not_to_contain_text("Dana Head")

    sam = as_person("sam")
    sam.goto("/approvals/")
    item = sam.get_by_test_id("due-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Opening of the requisition")
    item.get_by_test_id("item-link").click()
    expect(sam).to_have_url(re.compile(rf"/approvals/rounds/{round_.pk}/$"))
    decide = sam.get_by_test_id("round-decide")
    decide.get_by_label("Comment").fill("Headcount is in the plan")
    decide.get_by_role("button", name="Approve").focus()
    sam.keyboard.press("Enter")
    expect(sam.locator(".message")).to_contain_text(f"You approved the opening of {title}.")
    expect(sam.get_by_test_id("round-status")).to_have_text("Awaiting approval: step 2 of 2")
    steps = sam.get_by_test_id("round-steps")
    expect(steps).to_contain_text("Sam Standin: Approved")
    expect(steps).to_contain_text("“Headcount is in the plan”")
    expect(sam.get_by_test_id("round-decide")).to_have_count(0)
