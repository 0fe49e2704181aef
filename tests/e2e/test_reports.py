"""A recruiter starts the day on their home, drills from a stuck milestone to the
candidates and rejects one from the board; a hiring manager sees their requisition's
funnel; the dashboard draws its charts beside their tables."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from milestones.models import ApplicationMilestone, MilestoneState
from milestones.services.transitions.initialize import application_milestones_initialize
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.e2e.support import nav_link, sign_in
from tests.milestones.factories import make_version
from tests.reporting.factories import move

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hiring(tenant_a):
    """Rosa recruits and Hana manages "Backend engineer": Grace and Alan are stuck in
    Assessment, Ray was rejected there."""
    rosa = factories.make_user(username="rosa", first_name="Rosa", last_name="Parks")
    hana = factories.make_user(username="hana", first_name="Hana", last_name="Ito")
    factories.make_membership(tenant=tenant_a, user=rosa, role=Role.RECRUITER)
    factories.make_membership(tenant=tenant_a, user=hana, role=Role.HIRING_MANAGER)
    version = make_version(tenant=tenant_a, codes=("APPLIED", "ASSESSMENT", "OFFER", "HIRED"))
    requisition = factories.make_requisition(
        tenant=tenant_a,
        title="Backend engineer",
        framework_version=version,
        recruiter=rosa,
        hiring_manager=hana,
        opened_at=timezone.now() - timedelta(days=30),
    )
    week_ago = timezone.now() - timedelta(days=7)
    applications = {}
    for first, last in [("Grace", "Hopper"), ("Alan", "Turing"), ("Ray", "Charles")]:
        application = factories.make_application(
            tenant=tenant_a,
            requisition=requisition,
            candidate=factories.make_candidate(tenant=tenant_a, first_name=first, last_name=last),
        )
        with tenant_context(tenant_a):
            application_milestones_initialize(application_id=application.pk, now=week_ago)
        move(tenant_a, application, "advance", at=week_ago + timedelta(days=1))
        applications[first] = application
    move(tenant_a, applications["Ray"], "reject", at=week_ago + timedelta(days=2), reason="No")
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            requisition=requisition, state=MilestoneState.ACTIVE
        ).update(escalation_level=1, due_at=timezone.now() - timedelta(hours=3))
    return requisition, applications


def test_recruiter_drills_from_stuck_in_assessment_to_the_board_and_rejects_one(page: Page, hiring):
    requisition, applications = hiring
    sign_in(page, "rosa")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Your day")).to_be_visible()

    page.get_by_test_id("stuck-group").filter(has_text="stuck in Assessment").click()
    expect(page.get_by_role("heading", name="Stuck candidates")).to_be_visible()
    stuck = page.get_by_test_id("stuck-table")
    expect(stuck).to_contain_text("Grace Hopper")
    expect(stuck).to_contain_text("Alan Turing")
    expect(stuck).not_to_contain_text("Ray Charles")

    stuck.get_by_role("row").filter(has_text="Grace Hopper").get_by_role(
        "link", name="Backend engineer"
    ).click()
    expect(page).to_have_url(re.compile(rf"/requisitions/{requisition.pk}/board/$"))
    page.get_by_label("Candidate").fill("grace")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id(f"card-{applications['Alan'].pk}")).to_have_count(0)
    card = page.get_by_test_id(f"card-{applications['Grace'].pk}")
    card.get_by_role("link", name="Reject…").click()
    dialog = page.get_by_test_id("close-dialog")
    dialog.get_by_label("Reason").fill("Chose another offer")
    dialog.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Grace Hopper was rejected.")).to_be_visible()

    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_test_id("stuck-group")).to_contain_text("1 stuck in Assessment")


def test_hiring_manager_sees_the_funnel_of_their_requisition(page: Page, hiring):
    sign_in(page, "hana")
    expect(page.get_by_role("heading", name="Your requisitions")).to_be_visible()
    card = page.get_by_test_id("requisition-card")
    expect(card).to_contain_text("Backend engineer")
    expect(card).to_contain_text("2 in Assessment")
    funnel = card.get_by_test_id("requisition-funnel")
    expect(funnel.get_by_role("row").filter(has_text="Assessment")).to_contain_text("1")
    expect(page.get_by_test_id("home-approvals")).to_be_visible()


def test_the_dashboard_draws_charts_beside_tables_and_drills_down(page: Page, hiring):
    sign_in(page, "rosa")
    nav_link(page, "Dashboard").click()
    for chart in ("time-in-milestone", "funnel", "time-to-fill"):
        expect(page.locator(f'svg[data-testid="chart-{chart}"]')).to_be_visible()
    section = page.get_by_test_id("report-time-in-milestone")
    expect(section.locator("table caption")).to_contain_text("business time")
    expect(section.get_by_role("rowheader", name="Applied")).to_be_visible()

    page.get_by_label("Time counted").select_option("calendar")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"basis=calendar"))
    expect(section.locator("table caption")).to_contain_text("calendar time")

    funnel = page.get_by_test_id("report-funnel")
    funnel.get_by_role("row").filter(has_text="Assessment").get_by_role("link").first.click()
    expect(page.get_by_test_id("report-applications")).to_contain_text("Ray Charles")
    expect(page.get_by_test_id("report-applications")).not_to_contain_text("Grace Hopper")
