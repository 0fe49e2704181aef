"""The `approval_granted` gate keeps the offer milestone open until approval; the status
line of the board; "My approvals" in a constant number of queries."""

import pytest

from approvals.selectors import (
    PENDING_SHOWN,
    PENDING_SHOWN_MAX,
    approval_status_for_applications,
    my_approvals,
)
from approvals.services import approval_decide, approval_withdraw
from milestones.core.gates import gate_validate
from milestones.core.moves import MoveAction
from milestones.errors import TransitionRefused
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.services.transitions.moves import application_transition
from tenants.context import all_tenants_context, tenant_context
from tests.approvals.factories import (
    make_approval_world,
    make_pending_offer_rounds,
)
from tests.milestones.factories import make_version
from tests.support import assert_error

pytestmark = pytest.mark.django_db


def test_the_gate_validates_its_shape():
    assert gate_validate({"type": "approval_granted"}) == []
    assert gate_validate({"type": "approval_granted", "subject": "milestone"}) != []


def test_the_status_line_says_which_step_waits(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with tenant_context(tenant_a):
        before = approval_status_for_applications([world.application.pk])
        approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")
        after = approval_status_for_applications([world.application.pk])
    assert str(before[world.application.pk]) == "Awaiting approval: step 1 of 2 (Hiring manager)"
    assert str(after[world.application.pk]) == "Awaiting approval: step 2 of 2 (HRBP)"


@pytest.mark.parametrize("size", [1, 1000])
def test_the_status_of_many_applications_is_one_query(tenant_a, size, django_assert_num_queries):
    world = make_approval_world(tenant=tenant_a)
    ids = [r.application_id for r in make_pending_offer_rounds(world=world, count=size)]
    with tenant_context(tenant_a):
        with django_assert_num_queries(1):
            statuses = approval_status_for_applications(ids)
    assert len(statuses) == size
    assert {str(s) for s in statuses.values()} == {
        "Awaiting approval: step 1 of 2 (Hiring manager)"
    }


@pytest.mark.parametrize("size", [1, 1000])
def test_my_approvals_costs_the_same_queries_at_1_and_1000_items(
    tenant_a, size, django_assert_num_queries
):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()  # one decided by the hiring manager, through the services
    with tenant_context(tenant_a):
        approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")
    make_pending_offer_rounds(world=world, count=size)
    with tenant_context(tenant_a):
        # The ranking of the pending, their rows, the latest decisions.
        with django_assert_num_queries(3):
            hm = my_approvals(user_id=world.hiring_manager.pk)
            shown = [
                (a.round.requisition.title, a.round.application.candidate.full_name, a.step.name)
                for a in hm.due + hm.decided
            ]
        hrbp = my_approvals(user_id=world.hrbp.pk)
    shown_pending = min(size, PENDING_SHOWN)  # the longest due first, with their count
    assert (len(hm.due), len(hm.waiting), len(hm.decided)) == (shown_pending, 0, 1)
    assert (hm.due_count, hm.waiting_count) == (size, 0)
    assert len(shown) == shown_pending + 1
    assert (len(hrbp.due), len(hrbp.waiting)) == (1, shown_pending)
    assert (hrbp.due_count, hrbp.waiting_count) == (1, size)


def test_my_approvals_lists_the_longest_due_first_and_counts_the_rest(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    make_pending_offer_rounds(world=world, count=3)
    with tenant_context(tenant_a):
        mine = my_approvals(user_id=world.hiring_manager.pk, limit=2)
        everything = my_approvals(user_id=world.hiring_manager.pk)
    assert (len(mine.due), mine.due_count) == (2, 3)
    assert [a.pk for a in mine.due] == [a.pk for a in everything.due[:2]]


@pytest.mark.parametrize("limit", ["0", "501", "x", ""])
def test_a_bad_pending_limit_is_a_400_naming_it(tenant_a, limit):
    from rest_framework.test import APIClient

    world = make_approval_world(tenant=tenant_a)
    client = APIClient()
    client.force_login(world.hiring_manager)
    assert_error(client.get("/api/v1/approvals/pending", {"limit": limit}), 400, field="limit")


def test_my_approvals_leaves_out_withdrawn_rounds(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with tenant_context(tenant_a):
        approval_withdraw(round=round_, actor=world.recruiter_actor)
        mine = my_approvals(user_id=world.hiring_manager.pk)
    assert (mine.due, mine.waiting) == ([], [])


def _offer_workflow(world):
    version = make_version(
        tenant=world.tenant,
        codes=("APPLIED", "OFFER", "HIRED"),
        milestones={"OFFER": {"gate_conditions": [{"type": "approval_granted"}]}},
    )
    with all_tenants_context():
        world.requisition.framework_version = version
        world.requisition.save()
    with tenant_context(world.tenant):
        application_milestones_initialize(application_id=world.application.pk)


def _advance(world):
    with tenant_context(world.tenant):
        return application_transition(
            application_id=world.application.pk, action=MoveAction.ADVANCE, expected_version=None
        )


def test_the_offer_milestone_cannot_complete_until_the_round_is_approved(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    _offer_workflow(world)
    _advance(world)  # APPLIED -> OFFER
    with pytest.raises(TransitionRefused) as refused:
        _advance(world)
    assert "approval of the offer has not been requested" in refused.value.message
    round_ = world.request()
    with pytest.raises(TransitionRefused) as refused:
        _advance(world)
    assert "Awaiting approval: step 1 of 2 (Hiring manager)" in refused.value.message
    with tenant_context(tenant_a):
        approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")
        approval_decide(round=round_, actor=world.hrbp_actor, decision="approve")
    assert _advance(world).to_milestone.code == "HIRED"


PENDING_API_QUERIES = 9


@pytest.mark.parametrize("size", [1, 1000])
def test_pending_over_the_api_costs_the_same_queries_at_1_and_1000_items(tenant_a, size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    world = make_approval_world(tenant=tenant_a)
    make_pending_offer_rounds(world=world, count=size)
    client = APIClient()
    client.force_login(world.hiring_manager)
    client.get("/api/v1/approvals/pending")  # the first request of a session reads more
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/approvals/pending").json()
    assert (len(body["due"]), body["due_count"]) == (min(size, PENDING_SHOWN), size)
    # The session, its user, the tenant's context and membership, the delegations of the
    # day, the three reads of my_approvals, the context reset.
    assert len(queries) == PENDING_API_QUERIES
    everything = client.get("/api/v1/approvals/pending", {"limit": PENDING_SHOWN_MAX}).json()
    assert len(everything["due"]) == min(size, PENDING_SHOWN_MAX)
