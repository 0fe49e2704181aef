"""An auditor in a real browser: sees the pipeline but no control to move anyone, finds a
recruiter's move in the audit trail, and gets a page saying why where the role stops."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.actors import Actor
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in
from tests.milestones.factories import make_tracked_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def moved(tenant_a):
    rosa = factories.make_user(username="rosa")
    factories.make_membership(tenant=tenant_a, user=rosa, role=Role.RECRUITER)
    factories.make_membership(
        tenant=tenant_a, user=factories.make_user(username="audrey"), role=Role.AUDITOR
    )
    candidate = factories.make_candidate(tenant=tenant_a, first_name="Grace", last_name="Hopper")
    application = make_tracked_application(tenant=tenant_a, candidate=candidate)
    with tenant_context(tenant_a):
        application_transition(
            application_id=application.pk,
            action=MoveAction.ADVANCE,
            actor=Actor(user_id=rosa.pk, role=Role.RECRUITER, ip_address="10.0.0.9"),
            expected_version=None,
        )
    return application


def test_the_auditor_reads_the_board_and_the_trail_but_moves_no_one(page: Page, moved):
    sign_in(page, "audrey")
    expect(page).to_have_url(re.compile(r"/$"))  # the role's home

    page.goto(f"/requisitions/{moved.requisition_id}/board/")
    card = page.get_by_test_id(f"card-{moved.pk}")
    expect(card).to_contain_text("Grace Hopper")
    expect(card.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Advance|Complete|Move|Skip"))).to_have_count(
        0
    )

    nav_link(page, "Audit trail").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    page.get_by_label("Who (username)").fill("rosa")
    page.get_by_label("Action").fill("milestone.")
    page.get_by_role("button", name="Apply").click()
    rows = page.get_by_test_id("audit-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("rosa")
    expect(rows.first).to_contain_text("Moved a candidate")
    expect(rows.first).to_contain_text("10.0.0.9")
    expect(page.get_by_test_id("audit-export")).to_be_visible()

    page.goto("/workflows/")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.get_by_test_id("forbidden-reason")).to_have_text(
        "An auditor may not design workflows and their rules."
    )
