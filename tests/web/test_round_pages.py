"""The page of a round of any subject (`/approvals/rounds/<id>/`): a requisition's opening
shows its title, department, openings and band, a milestone's clearance its candidate,
requisition and milestone; the steps with who approves and who decided (on whose behalf)
and each comment; the decision form for a person with a due place; the subject's other
rounds. It opens to the requisition's team and to the people named in the subject's rounds
(outside the team too), and is an audited 404 to anyone else; My approvals, the requisition
page and the application page link to it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import ApprovalAssignment, Decision, RoundStatus
from approvals.services import approval_withdraw
from audit.models import AuditAction
from tenants.context import tenant_context
from tenants.models import Role
from tests.approvals.factories import make_person, step, user
from tests.support import audit_events, refreshed, signed_in
from tests.web.round_support import (
    CLEARANCE,
    clearance_world,
    opening_world,
    request_clearance,
    request_opening,
    round_url,
    section,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(tenant_a):
    """A hiring manager of another team."""
    return make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER, username="olga")


# --- A requisition's opening ------------------------------------------------------------


def test_the_head_opens_the_opening_round_and_decides_there(tenant_a):
    world = opening_world(tenant_a)
    round_ = request_opening(world)
    client = signed_in(world.head)

    page = client.get(round_url(round_))

    assert page.status_code == 200
    body = page.content.decode()
    subject = section(body, "round-subject")
    title = world.requisition.title
    assert f"Opening of {title}" in body
    assert title in subject and world.requisition.department.name in subject
    assert "<dt>Openings</dt><dd>1</dd>" in subject
    assert "$100,000 – $150,000" in subject
    steps = section(body, "round-steps")
    assert "Department head" in steps and "HRBP" in steps
    assert 'data-testid="round-decide"' in body

    response = client.post(
        round_url(round_, "decide/"),
        {"decision": "approve", "comment": "Budget agreed", "next": "round"},
        follow=True,
    )

    assert response.redirect_chain[-1] == (round_url(round_), 303)
    after = response.content.decode()
    assert f"You approved the opening of {title}." in after
    assert "“Budget agreed”" in section(after, "round-steps")
    assert 'data-testid="round-decide"' not in after


def test_a_decline_without_a_reason_comes_back_beside_the_reason_with_the_comment_kept(tenant_a):
    world = opening_world(tenant_a)
    round_ = request_opening(world)

    response = signed_in(world.head).post(
        round_url(round_, "decide/"),
        {"decision": "decline", "comment": "Not this quarter", "next": "round"},
    )

    assert response.status_code == 400
    decide = section(response.content.decode(), "round-decide")
    assert 'data-testid="reason-error"' in decide and "Not this quarter" in decide
    with tenant_context(tenant_a):
        assert not ApprovalAssignment.objects.filter(round=round_).exclude(
            decision=Decision.PENDING
        )


def test_an_approver_outside_the_team_opens_the_opening_round_only_while_named(tenant_a, outsider):
    world = opening_world(tenant_a, steps=[step("Finance", user(outsider))], confidential=True)
    client = signed_in(outsider)
    assert client.get(f"/requisitions/{world.requisition.pk}/opening-approval/").status_code == 404

    round_ = request_opening(world)
    page = client.get(round_url(round_))

    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="round-decide"' in body
    # The breadcrumbs lead back to My approvals, not to the requisition they may not open.
    assert f'href="/requisitions/{world.requisition.pk}/"' not in body
    assert client.get(f"/requisitions/{world.requisition.pk}/").status_code == 404
    decided = client.post(round_url(round_, "decide/"), {"decision": "approve", "next": "round"})
    assert decided.status_code == 303
    assert refreshed(round_).status == RoundStatus.APPROVED
    assert client.get(round_url(round_)).status_code == 200  # what they approved


def test_the_grant_ends_when_the_round_is_withdrawn(tenant_a, outsider):
    world = opening_world(tenant_a, steps=[step("Finance", user(outsider))], confidential=True)
    round_ = request_opening(world)
    with tenant_context(tenant_a):
        approval_withdraw(round=round_, actor=world.recruiter_actor, reason="Frozen")

    assert signed_in(outsider).get(round_url(round_)).status_code == 404


def test_someone_neither_on_the_team_nor_named_gets_an_audited_404(tenant_a, outsider):
    world = opening_world(tenant_a, confidential=True)
    round_ = request_opening(world)

    response = signed_in(outsider).get(round_url(round_))

    assert response.status_code == 404
    [denied] = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(round_.pk))
    assert denied.actor_user_id == outsider.pk


def test_a_role_that_does_not_approve_sees_the_round_but_may_not_decide(tenant_a):
    world = opening_world(tenant_a)
    round_ = request_opening(world)
    coordinator = make_person(tenant=tenant_a, role_name=Role.COORDINATOR)
    client = signed_in(coordinator)

    page = client.get(round_url(round_)).content.decode()
    refused = client.post(round_url(round_, "decide/"), {"decision": "approve", "next": "round"})

    assert 'data-testid="round-decide"' not in page and 'data-testid="round-overrides"' not in page
    assert refused.status_code == 403
    assert 'data-testid="forbidden"' in refused.content.decode()


def test_the_requisition_page_links_to_the_opening_round(tenant_a):
    world = opening_world(tenant_a)
    client = signed_in(world.recruiter)
    link = f"/requisitions/{world.requisition.pk}/opening-approval/"
    assert link in client.get(f"/requisitions/{world.requisition.pk}/").content.decode()

    none_yet = client.get(link, follow=True)
    assert none_yet.redirect_chain[-1][0] == f"/requisitions/{world.requisition.pk}/"
    assert "has not been requested" in none_yet.content.decode()

    round_ = request_opening(world)
    assert client.get(link)["Location"] == round_url(round_)


def test_my_approvals_links_the_opening_to_its_round_page(tenant_a):
    world = opening_world(tenant_a)
    round_ = request_opening(world)

    page = signed_in(world.head).get("/approvals/").content.decode()

    item = page.split('data-testid="due-item"')[1].split("</li>")[0]
    assert f'href="{round_url(round_)}"' in item
    assert "Opening of the requisition" in item and world.requisition.title in item


def test_the_other_rounds_of_the_subject_are_its_history(tenant_a):
    world = opening_world(tenant_a)
    first = request_opening(world)
    with tenant_context(tenant_a):
        approval_withdraw(round=first, actor=world.recruiter_actor, reason="Band was wrong")
    second = request_opening(world)

    body = signed_in(world.recruiter).get(round_url(second)).content.decode()

    history = body.split('data-testid="round-history"')[1]
    assert 'data-testid="round-1"' in history and "Band was wrong" in history
    assert f'href="{round_url(first)}"' in history
    assert 'data-testid="round-2"' not in history  # the round itself is shown above


# --- A milestone's clearance ------------------------------------------------------------


def test_the_hrbp_opens_the_clearance_round_with_the_candidate_and_milestone(tenant_a):
    world = clearance_world(tenant_a)
    round_ = request_clearance(world)

    body = signed_in(world.hrbp).get(round_url(round_)).content.decode()

    subject = section(body, "round-subject")
    candidate = world.application.candidate.full_name
    assert f"Executive clearance for {candidate}" in body
    assert candidate in subject and world.requisition.title in subject
    assert "Executive clearance" in subject and CLEARANCE not in subject
    assert 'data-testid="round-decide"' in body


def test_an_approver_outside_the_team_opens_the_clearance_round(tenant_a, outsider):
    world = clearance_world(tenant_a, steps=[step("Finance", user(outsider))], confidential=True)
    round_ = request_clearance(world)
    client = signed_in(outsider)

    page = client.get(round_url(round_))

    assert page.status_code == 200
    assert f'href="/applications/{world.application.pk}/"' not in page.content.decode()
    assert client.get(f"/applications/{world.application.pk}/").status_code == 404


def test_a_sensitive_milestones_clearance_is_a_404_to_a_viewer_without_view_sensitive(
    tenant_a, outsider
):
    world = clearance_world(tenant_a, sensitive=True)
    round_ = request_clearance(world)

    # The hiring manager is on the team but may not see sensitive milestones.
    assert signed_in(world.hiring_manager).get(round_url(round_)).status_code == 404
    assert signed_in(world.hrbp).get(round_url(round_)).status_code == 200


def test_a_named_approver_opens_a_sensitive_clearance_they_decide(tenant_a, outsider):
    world = clearance_world(tenant_a, steps=[step("Finance", user(outsider))], sensitive=True)
    round_ = request_clearance(world)

    assert signed_in(outsider).get(round_url(round_)).status_code == 200


def test_the_application_page_and_my_approvals_link_to_the_clearance_round(tenant_a):
    world = clearance_world(tenant_a)
    client = signed_in(world.recruiter)
    link = f"/applications/{world.application.pk}/milestone-approval/?code={CLEARANCE}"
    page = client.get(f"/applications/{world.application.pk}/").content.decode()
    assert f'data-testid="clearance-link-{CLEARANCE}"' in page and link in page
    assert client.get(link, follow=True).redirect_chain[-1][0] == (
        f"/applications/{world.application.pk}/"
    )

    round_ = request_clearance(world)

    assert client.get(link)["Location"] == round_url(round_)
    mine = signed_in(world.hrbp).get("/approvals/").content.decode()
    item = mine.split('data-testid="due-item"')[1].split("</li>")[0]
    assert f'href="{round_url(round_)}"' in item and "Clearance of Executive clearance" in item


def test_an_offer_round_is_shown_on_the_offer_page(tenant_a):
    world = opening_world(tenant_a)
    round_ = world.request()

    response = signed_in(world.hiring_manager).get(round_url(round_))

    assert response.status_code == 302
    assert response["Location"] == f"/applications/{world.application.pk}/offer/"


def test_the_round_page_costs_as_many_queries_with_four_rounds_before_it_as_with_none(tenant_a):
    world = opening_world(tenant_a)
    client = signed_in(world.recruiter)

    def queries(round_) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(round_url(round_)).status_code == 200
        return len(captured.captured_queries)

    latest = request_opening(world)
    client.get(round_url(latest))  # the session's first page
    alone = queries(latest)
    for n in range(4):
        with tenant_context(tenant_a):
            approval_withdraw(round=latest, actor=world.recruiter_actor, reason=f"Try {n}")
        latest = request_opening(world)

    body = client.get(round_url(latest)).content.decode()
    assert body.split('data-testid="round-history"')[1].count("Try ") == 4
    assert queries(latest) == alone
