"""Delegation and admin overrides in a real browser, with the keyboard where a person would
use it.

Delegation: the hiring manager, going on leave, delegates from My approvals to a colleague
for a week (a range that ends before it starts is said beside the field first); the
colleague sees the due offer "on behalf of" the hiring manager, opens its offer page although
the requisition is confidential and not theirs, and approves it; the hiring manager revokes
the delegation and it leaves the current list.

Override: on an executive hire's offer, an admin decides on the HRBP's behalf (without a
reason first: said beside the field); it waits for a second admin; the asker is offered no
Confirm, and a forged confirmation is the styled 403; a second admin confirms it from the
overrides list and the round is approved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tenants.context import all_tenants_context
from tenants.models import Role
from tests.approvals.factories import make_approval_world, make_person, role, step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _named(user, first: str, last: str, username: str):
    user.first_name, user.last_name, user.username = first, last, username
    user.save()
    return user


def _day(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def test_a_delegate_decides_on_behalf_of_the_hiring_manager(tenant_a, as_person):
    world = make_approval_world(tenant=tenant_a)
    _named(world.hiring_manager, "Hank", "Manager", "hank")
    stella = _named(
        make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER), "Stella", "Standin", "stella"
    )
    with all_tenants_context():
        world.requisition.is_confidential = True  # not Stella's team
        world.requisition.save()
    world.request()

    hank = as_person("hank")
    hank.goto("/approvals/")
    hank.get_by_role("link", name="Delegate my approvals").click()
    expect(hank).to_have_url(re.compile(r"/approvals/delegations/$"))
    hank.get_by_label("Delegate to").select_option(label="Stella Standin")
    hank.get_by_label("From").fill(_day(3))
    hank.get_by_label("To (inclusive)").fill(_day(1))
    hank.get_by_label("To (inclusive)").press("Enter")  # submit from the keyboard
    expect(hank.get_by_test_id("error-ends_on")).to_have_text("The range ends before it starts.")
    expect(hank.get_by_label("Delegate to")).to_have_value(str(stella.pk))  # kept
    hank.get_by_label("From").fill(_day(0))
    hank.get_by_label("To (inclusive)").fill(_day(6))
    hank.get_by_label("Note (optional)").fill("Parental leave")
    hank.get_by_role("button", name="Delegate").click()
    expect(hank.locator(".message")).to_contain_text("Stella Standin decides these approvals")
    current = hank.get_by_test_id("current-delegations")
    expect(current).to_contain_text("Stella Standin")
    expect(current).to_contain_text("Active, 6 days left")

    stella_tab = as_person("stella")
    stella_tab.goto("/approvals/")
    item = stella_tab.get_by_test_id("due-item")
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("on-behalf-of")).to_have_text("on behalf of Hank Manager")
    item.get_by_role("link", name=world.application.candidate.full_name).click()
    expect(stella_tab).to_have_url(re.compile(rf"/applications/{world.application.pk}/offer/$"))
    decide = stella_tab.get_by_test_id("offer-decide")
    decide.get_by_label("Comment").fill("For Hank, as agreed")
    decide.get_by_role("button", name="Approve").click()
    expect(stella_tab.locator(".message")).to_contain_text("You approved the offer")
    expect(stella_tab.get_by_test_id("round-1")).to_contain_text("For Hank, as agreed")

    hank.goto("/approvals/delegations/")
    hank.get_by_role("button", name=re.compile("^Revoke the delegation to Stella")).click()
    expect(hank.locator(".message")).to_contain_text("Delegation revoked")
    expect(hank.get_by_test_id("current-delegations")).to_have_count(0)
    expect(hank.get_by_test_id("past-delegations")).to_contain_text("Revoked")


def test_an_override_of_an_executive_hire_waits_for_a_second_admin(tenant_a, as_person):
    world = make_approval_world(
        tenant=tenant_a, hire_type="executive", steps=[step("HRBP", role("hrbp"))]
    )
    _named(world.hrbp, "Helen", "Partner", "helen")
    _named(make_person(tenant=tenant_a, role_name=Role.ADMIN), "Ada", "Admin", "ada")
    _named(make_person(tenant=tenant_a, role_name=Role.ADMIN), "Bo", "Boss", "bo")
    world.request()
    offer_url = f"/applications/{world.application.pk}/offer/"

    ada = as_person("ada")
    ada.goto(offer_url)
    behalf = ada.get_by_test_id("behalf-form")
    behalf.get_by_label("On behalf of").select_option(label="HRBP: Helen Partner")
    behalf.get_by_role("button", name="Approve on their behalf").click()
    # The browser's own check stops an empty reason; a forged empty one is said beside it.
    expect(ada.get_by_test_id("awaiting-overrides")).to_have_count(0)
    ada.get_by_label("Reason for deciding on their behalf").fill("Helen is unreachable")
    ada.get_by_test_id("behalf-form").get_by_role("button", name="Approve on their behalf").click()
    expect(ada.locator(".message")).to_contain_text("waits for a second admin to confirm")
    awaiting = ada.get_by_test_id("awaiting-override")
    expect(awaiting).to_contain_text("Approve on behalf of Helen Partner")
    expect(awaiting).to_contain_text("Helen is unreachable")
    expect(awaiting.get_by_test_id("own-override")).to_be_visible()
    expect(awaiting.get_by_role("button", name="Confirm")).to_have_count(0)
    override_id = awaiting.get_attribute("data-override")
    token = next(c["value"] for c in ada.context.cookies() if c["name"] == "csrftoken")
    forged = ada.request.post(
        f"/approvals/overrides/{override_id}/confirm/",
        form={},
        headers={"X-CSRFToken": token, "Referer": ada.url},
    )
    assert forged.status == 403
    assert "Another admin than the one who asked" in forged.text()
    expect(ada.get_by_test_id("round-status")).to_contain_text("Awaiting approval")

    bo = as_person("bo")
    bo.goto("/approvals/")
    bo.get_by_role("link", name="Overrides waiting for a second admin").click()
    expect(bo.get_by_test_id("awaiting-count")).to_have_text("1 waiting for a second admin")
    item = bo.get_by_test_id("awaiting-override")
    expect(item).to_contain_text("Asked by Ada Admin")
    item.get_by_role("button", name="Confirm").focus()
    bo.keyboard.press("Enter")
    expect(bo.locator(".message")).to_contain_text("Override confirmed")
    expect(bo.get_by_test_id("nothing-awaiting")).to_be_visible()
    expect(bo.get_by_test_id("settled-overrides")).to_contain_text("Applied")

    ada.goto(offer_url)
    expect(ada.get_by_test_id("round-status")).to_have_text("Approved")
    expect(ada.get_by_test_id("round-1")).to_contain_text("Helen Partner: Approved")
