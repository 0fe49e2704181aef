"""My approvals: the hiring manager's and HRBP's home; approve or decline (a decline needs a
reason, said inline) from the list; the same number of queries for 1 and 1,000 items."""

from __future__ import annotations

import re

import pytest

from approvals.models import ApprovalAssignment, ApprovalRound, ApprovalStep, Decision, RoundStatus
from approvals.selectors import PENDING_SHOWN, PENDING_SHOWN_MAX
from recruiting.models import Requisition
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.approvals.factories import make_approval_world
from tests.support import refreshed, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tenant_a):
    return make_approval_world(tenant=tenant_a)


def test_the_hiring_manager_sees_what_is_due_with_names_money_and_the_step(world):
    world.request()
    body = signed_in(world.hiring_manager).get("/approvals/").content.decode()

    assert 'data-testid="due-item"' in body
    assert world.application.candidate.full_name in body
    assert "$120,000" in body
    assert "Step 1 of 2: Hiring manager" in body
    assert re.search(r'badge--warning">Due now</span>', body), body


def _item_line(body: str) -> str:
    [line] = re.findall(r'data-testid="item-what">(.*?)</p>', body)
    return re.sub(r"<[^>]+>", "", line)


def test_an_offer_titled_as_its_requisition_names_the_title_once(world):
    with all_tenants_context():
        Requisition.all_tenants.filter(pk=world.requisition.pk).update(title="Senior Engineer")
    world.request()

    body = signed_in(world.hiring_manager).get("/approvals/").content.decode()

    assert _item_line(body) == "Senior engineer · $120,000"  # the same words, case aside


def test_an_offer_titled_otherwise_names_its_requisition_too(world):
    world.request()

    body = signed_in(world.hiring_manager).get("/approvals/").content.decode()

    assert _item_line(body) == f"Senior engineer · $120,000 · {world.requisition.title}"


def test_a_later_step_is_waiting_for_the_hrbp(world):
    world.request()
    body = signed_in(world.hrbp).get("/approvals/").content.decode()

    assert 'data-testid="waiting-item"' in body
    assert 'data-testid="due-item"' not in body
    assert "Step 2 of 2: HRBP" in body


def test_approving_from_the_list_makes_the_next_step_due(world):
    round_ = world.request()
    response = signed_in(world.hiring_manager).post(
        f"/approvals/rounds/{round_.pk}/decide/", {"decision": "approve", "comment": "Good hire"}
    )

    assert response.status_code == 303
    assert response["Location"] == "/approvals/"
    with tenant_context(world.tenant):
        mine = ApprovalAssignment.objects.get(round=round_, approver=world.hiring_manager)
    assert (mine.decision, mine.comment) == (Decision.APPROVED, "Good hire")
    assert 'data-testid="due-item"' in signed_in(world.hrbp).get("/approvals/").content.decode()


def test_declining_without_a_reason_says_so_inline_and_changes_nothing(world):
    round_ = world.request()
    response = signed_in(world.hiring_manager).post(
        f"/approvals/rounds/{round_.pk}/decide/", {"decision": "decline", "comment": "Hmm"}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="reason-error"' in body
    assert 'aria-invalid="true"' in body
    assert ">Hmm</textarea>" in body  # what was typed is kept
    assert refreshed(round_).status == RoundStatus.REQUESTED


def test_declining_with_a_reason_declines_the_round(world):
    round_ = world.request()
    response = signed_in(world.hiring_manager).post(
        f"/approvals/rounds/{round_.pk}/decide/", {"decision": "decline", "reason": "Over band"}
    )

    assert response.status_code == 303
    assert refreshed(round_).status == RoundStatus.DECLINED
    body = signed_in(world.hiring_manager).get("/approvals/").content.decode()
    assert 'data-testid="decided-item"' in body and "Over band" in body


def test_deciding_on_a_finished_round_answers_409_on_the_page(world):
    round_ = world.request()
    client = signed_in(world.hiring_manager)
    client.post(f"/approvals/rounds/{round_.pk}/decide/", {"decision": "decline", "reason": "No"})

    response = client.post(f"/approvals/rounds/{round_.pk}/decide/", {"decision": "approve"})

    assert response.status_code == 409
    assert 'data-testid="decide-error"' not in response.content.decode()  # the item is gone
    assert "declined" in response.content.decode()


def test_someone_who_is_not_an_approver_gets_the_styled_403(world, tenant_a):
    round_ = world.request()
    other = factories.make_membership(tenant=tenant_a, role="hiring_manager").user

    url = f"/approvals/rounds/{round_.pk}/decide/"
    response = signed_in(other).post(url, {"decision": "approve"})

    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
    assert refreshed(round_).status == RoundStatus.REQUESTED


def test_approvers_home_leads_to_my_approvals_and_the_nav_shows_it(world):
    hm = signed_in(world.hiring_manager)
    home = hm.get("/").content.decode()
    assert 'data-testid="home-approvals-due"' in home
    assert 'href="/approvals/"' in home
    assert 'data-testid="nav-my-approvals"' in hm.get("/approvals/").content.decode()

    recruiter = signed_in(world.recruiter)
    assert 'data-testid="nav-my-approvals"' not in recruiter.get("/requisitions/").content.decode()


def _fields(obj, *skip: str) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at", *skip)
    }


def _more_pending(world, round_, count: int) -> None:
    """`count` more open rounds due for the hiring manager, written in bulk (the page's cost
    is what is measured, not how the rows came to be)."""
    step = ApprovalStep.objects.get(round=round_, position=1)
    rounds = [
        ApprovalRound(**{**_fields(round_), "subject_key": f"{round_.subject_key}:{i}"})
        for i in range(count)
    ]
    ApprovalRound.objects.bulk_create(rounds)
    steps = [ApprovalStep(**{**_fields(step, "round_id"), "round": r}) for r in rounds]
    ApprovalStep.objects.bulk_create(steps)
    ApprovalAssignment.objects.bulk_create(
        [
            ApprovalAssignment(
                tenant_id=world.tenant.pk,
                step=s,
                round=s.round,
                approver=world.hiring_manager,
                source="role:hiring_manager",
            )
            for s in steps
        ]
    )


#: What every signed-in page costs (session, user, membership and tenant settings, the
#: header's tenants and unread badge, the session's save) and My approvals' three.
QUERIES = 18


@pytest.mark.parametrize("size", [1, 1000])
def test_my_approvals_runs_the_same_queries_for_1_and_1000_items(
    world, size, django_assert_num_queries
):
    round_ = world.request()
    if size > 1:
        with tenant_context(world.tenant):
            _more_pending(world, round_, size - 1)
    client = signed_in(world.hiring_manager)

    with django_assert_num_queries(QUERIES):
        response = client.get("/approvals/")
    page = response.content.decode()
    assert page.count('data-testid="due-item"') == min(size, PENDING_SHOWN)
    assert f"{size} due now" in page
    if size > PENDING_SHOWN:  # the longest due first, and how to see more
        assert f"Showing the {PENDING_SHOWN} due longest of {size}" in page
        more = client.get("/approvals/", {"show": PENDING_SHOWN_MAX}).content.decode()
        assert more.count('data-testid="due-item"') == min(size, PENDING_SHOWN_MAX)
