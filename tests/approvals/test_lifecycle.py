"""Request, decide, withdraw: a round from requested to its end, as its approvers see it."""

import pytest

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.events import ApprovalEvent
from approvals.models import ApprovalStep, RoundStatus, StepStatus
from approvals.services import approval_decide, approval_withdraw, offer_update
from ats_milestones.events import Moment, subscribed
from notifications.models import Notification
from tenants.actors import Actor
from tenants.context import tenant_context
from tenants.models import Role
from tests.approvals.factories import (
    actor_of,
    make_approval_world,
    make_person,
    role,
    slot,
    step,
)
from tests.support import audit_events, refreshed

pytestmark = pytest.mark.django_db


def _decide(world, round_, actor, decision="approve", **kw):
    with tenant_context(world.tenant):
        return approval_decide(round=round_, actor=actor, decision=decision, **kw)


def _steps(round_):
    with tenant_context(round_.tenant):
        return [(s.name, s.status) for s in ApprovalStep.objects.filter(round=round_)]


def test_a_request_makes_the_first_step_due_and_skips_what_does_not_apply(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    assert round_.status == RoundStatus.REQUESTED
    assert _steps(round_) == [
        ("Hiring manager", StepStatus.DUE),
        ("HRBP", StepStatus.WAITING),
        ("Department head", StepStatus.SKIPPED),
    ]
    assert round_.step_count == 2
    assert audit_events(action="approval.requested")[0].actor_user_id == world.recruiter.pk


def test_approvals_walk_the_steps_to_approved(tenant_a):
    world = make_approval_world(tenant=tenant_a, hire_type="executive")
    round_ = world.request()
    _decide(world, round_, world.hiring_manager_actor, comment="Good hire")
    assert _steps(round_)[1] == ("HRBP", StepStatus.DUE)
    _decide(world, round_, world.hrbp_actor)
    _decide(world, round_, world.head_actor)
    round_ = refreshed(round_)
    assert round_.status == RoundStatus.APPROVED
    assert [e.action for e in audit_events(action="approval.approved")] == ["approval.approved"]


def test_a_decline_needs_a_reason_and_ends_the_round(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with pytest.raises(ApprovalError) as refused:
        _decide(world, round_, world.hiring_manager_actor, "decline")
    assert (refused.value.status, refused.value.code) == (400, ApprovalErrorCode.REASON_REQUIRED)
    _decide(world, round_, world.hiring_manager_actor, "decline", reason="Above budget")
    round_ = refreshed(round_)
    assert (round_.status, round_.outcome_reason) == (RoundStatus.DECLINED, "Above budget")
    assert _steps(round_)[1] == ("HRBP", StepStatus.CLOSED)


def test_a_declined_offer_is_revised_and_requested_as_a_new_round(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    first = world.request()
    _decide(world, first, world.hiring_manager_actor, "decline", reason="Too low")
    with tenant_context(tenant_a):
        offer_update(
            offer=world.offer, actor=world.recruiter_actor, changes={"salary_amount": 145000}
        )
    second = world.request()
    assert (second.number, second.status) == (2, RoundStatus.REQUESTED)
    assert refreshed(first).status == RoundStatus.DECLINED


def test_deciding_a_step_that_is_not_due_answers_409(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with pytest.raises(ApprovalError) as refused:
        _decide(world, round_, world.hrbp_actor)
    assert (refused.value.status, refused.value.code) == (409, ApprovalErrorCode.STEP_NOT_DUE)


@pytest.mark.parametrize("how", ["withdraw", "void", "approve"])
def test_deciding_a_finished_round_answers_409(tenant_a, how):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with tenant_context(tenant_a):
        if how == "withdraw":
            approval_withdraw(round=round_, actor=world.recruiter_actor)
        elif how == "void":
            offer_update(offer=world.offer, actor=world.recruiter_actor, changes={"title": "CTO"})
        else:
            approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")
            approval_decide(round=round_, actor=world.hrbp_actor, decision="approve")
    with pytest.raises(ApprovalError) as refused:
        _decide(world, round_, world.hiring_manager_actor)
    assert (refused.value.status, refused.value.code) == (409, ApprovalErrorCode.ROUND_NOT_OPEN)


def test_a_person_who_is_not_an_approver_is_refused_403(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    other = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    with pytest.raises(ApprovalError) as refused:
        _decide(world, round_, actor_of(other, Role.HIRING_MANAGER))
    assert (refused.value.status, refused.value.code) == (403, ApprovalErrorCode.NOT_AN_APPROVER)


def test_a_role_without_the_approve_capability_is_refused_403(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with pytest.raises(Exception) as refused:
        _decide(world, round_, Actor(user_id=world.hiring_manager.pk, role=Role.AUDITOR))
    assert refused.value.status == 403
    assert refused.value.code == "PERMISSION_DENIED"


def test_a_second_request_while_one_is_open_answers_409(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    world.request()
    with pytest.raises(ApprovalError) as refused:
        world.request()
    assert refused.value.code == ApprovalErrorCode.ROUND_ALREADY_OPEN


def test_a_stale_round_version_answers_409(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with pytest.raises(ApprovalError) as refused:
        _decide(world, round_, world.hiring_manager_actor, expected_version=round_.version + 1)
    assert refused.value.code == ApprovalErrorCode.STALE_VERSION


def test_a_person_named_in_two_steps_counts_once_in_the_earlier(tenant_a):
    world = make_approval_world(
        tenant=tenant_a,
        steps=[
            step("Managers", role("hiring_manager"), role("hrbp")),
            step("HRBP", role("hrbp")),
            step("Finance", role("department_head")),
        ],
    )
    round_ = world.request()
    assert _steps(round_) == [
        ("Managers", StepStatus.DUE),
        ("HRBP", StepStatus.SKIPPED),
        ("Finance", StepStatus.WAITING),
    ]


def test_parallel_steps_are_due_together_and_both_must_approve(tenant_a):
    world = make_approval_world(
        tenant=tenant_a,
        steps=[
            step("Hiring manager", role("hiring_manager"), parallel_with_next=True),
            step("HRBP", role("hrbp")),
            step("Head", role("department_head")),
        ],
    )
    round_ = world.request()
    assert [s for _, s in _steps(round_)] == [StepStatus.DUE, StepStatus.DUE, StepStatus.WAITING]
    _decide(world, round_, world.hrbp_actor)
    assert _steps(round_)[2] == ("Head", StepStatus.WAITING)
    _decide(world, round_, world.hiring_manager_actor)
    assert _steps(round_)[2] == ("Head", StepStatus.DUE)


def test_majority_veto_survives_one_rejection_of_three(tenant_a):
    world = make_approval_world(
        tenant=tenant_a,
        steps=[
            step("Panel", slot("A"), slot("B"), slot("C"), quorum="n_of_m", n=2, veto="majority")
        ],
    )
    people = [make_person(tenant=tenant_a, role_name=Role.HRBP) for _ in range(3)]
    round_ = world.request(slots={"A": people[0].pk, "B": people[1].pk, "C": people[2].pk})
    _decide(world, round_, actor_of(people[0], Role.HRBP), "decline", reason="No")
    assert refreshed(round_).status == RoundStatus.REQUESTED
    _decide(world, round_, actor_of(people[1], Role.HRBP))
    _decide(world, round_, actor_of(people[2], Role.HRBP))
    assert refreshed(round_).status == RoundStatus.APPROVED


def test_an_unfilled_slot_answers_400_naming_it(tenant_a):
    world = make_approval_world(tenant=tenant_a, steps=[step("Finance", slot("Finance partner"))])
    with pytest.raises(ApprovalError) as refused:
        world.request()
    assert refused.value.status == 400
    assert "slots.Finance partner" in refused.value.fields


def test_withdrawing_ends_the_round_and_is_audited(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with tenant_context(tenant_a):
        approval_withdraw(round=round_, actor=world.recruiter_actor, reason="Candidate paused")
    assert refreshed(round_).status == RoundStatus.WITHDRAWN
    assert audit_events(action="approval.withdrawn")[0].data["reason"] == "Candidate paused"


def test_every_lifecycle_change_is_an_outbound_event_without_salary(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    heard = []
    with subscribed(ApprovalEvent, heard.append, moment=Moment.IN_TRANSACTION):
        round_ = world.request()
        _decide(world, round_, world.hiring_manager_actor)
        _decide(world, round_, world.hrbp_actor)
        with tenant_context(tenant_a):
            offer_update(
                offer=world.offer, actor=world.recruiter_actor, changes={"bonus_amount": 9}
            )
    types = [e.outbound_type for e in heard]
    assert types == [
        "approval.requested",
        "approval.step_resolved",
        "approval.step_resolved",
        "approval.approved",
        "approval.voided",
        "approval.requested",
    ]
    for event in heard:
        data = str(event.outbound_data())
        assert "120000" not in data and "salary" not in data


def test_a_due_step_notifies_its_approvers_linking_to_my_approvals(tenant_a, settings):
    world = make_approval_world(tenant=tenant_a)
    world.request()
    with tenant_context(tenant_a):
        notes = list(Notification.objects.filter(kind="approval.due"))
    assert [(n.recipient_id, n.link) for n in notes] == [(world.hiring_manager.pk, "/approvals/")]
    assert "120000" not in notes[0].title + notes[0].body
    assert "Step 1 of 2 (Hiring manager)" in notes[0].body


def test_the_outbox_receives_each_approval_event_without_offer_terms(tenant_a):
    from integrations.models import OutboxEvent

    world = make_approval_world(tenant=tenant_a, salary_amount="131313")
    round_ = world.request()
    _decide(world, round_, world.hiring_manager_actor, "decline", reason="Budget")
    with tenant_context(tenant_a):
        sent = list(OutboxEvent.objects.order_by("occurred_at", "id"))
    assert [e.event_type for e in sent] == [
        "approval.requested",
        "approval.step_resolved",
        "approval.declined",
    ]
    assert sent[0].ordering_key == world.application.pk
    assert sent[0].payload["data"]["actor"] == {
        "type": "user",
        "id": str(world.recruiter.pk),
        "role": "recruiter",
    }
    assert all("131313" not in str(e.payload) for e in sent)
