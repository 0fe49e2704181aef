"""Delegation (a date range, not re-delegable, "on behalf of") and admin overrides (replace
an approver, decide on someone's behalf; a second admin for executive hires)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.events import ApprovalDelegated, ApprovalOverridden
from approvals.models import (
    ApprovalAssignment,
    ApprovalStep,
    Decision,
    OverrideStatus,
    RoundStatus,
    StepStatus,
)
from approvals.services import (
    approval_decide,
    approval_delegation_cancel,
    approval_delegation_create,
    approval_override_decide,
    approval_override_replace,
)
from ats_milestones.events import Moment, subscribed
from tenants.context import tenant_context
from tenants.models import Role
from tenants.permissions import PermissionRefused
from tests.approvals.factories import (
    actor_of,
    make_approval_world,
    make_delegation,
    make_override,
    make_person,
)
from tests.support import assert_error, audit_events, refreshed

pytestmark = pytest.mark.django_db
E = ApprovalErrorCode
TODAY = timezone.localdate


def _client(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client


def _due_step(round_):
    with tenant_context(round_.tenant):
        return ApprovalStep.objects.get(round=round_, status=StepStatus.DUE)


def test_a_delegate_decides_on_behalf_of_the_delegator(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    deputy = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    seen = []
    with subscribed(ApprovalDelegated, seen.append, moment=Moment.IN_TRANSACTION):
        make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=deputy)
    assert [e.outbound_type for e in seen] == ["approval.delegated"]
    assert audit_events(action="approval.delegated")[0].data["delegate_id"] == deputy.pk
    round_ = world.request()
    pending = _client(deputy).get("/api/v1/approvals/pending").json()
    assert pending["due"][0]["on_behalf_of"].startswith("on behalf of ")
    response = _client(deputy).post(
        f"/api/v1/approval_requests/{round_.pk}/decisions",
        {"decision": "approve"},
        format="json",
        HTTP_IF_MATCH=f'"{round_.version}"',
    )
    assert response.status_code == 201, response.content
    decision = response.json()["steps"][0]["decisions"][0]
    assert decision["approver"] == world.hiring_manager.pk
    assert decision["decided_by"] == deputy.pk
    assert decision["on_behalf_of"] == f"on behalf of {world.hiring_manager.username}"
    assert audit_events(action="approval.approved_step")[0].data["on_behalf_of"] == (
        world.hiring_manager.pk
    )


def test_what_was_delegated_to_someone_is_not_theirs_to_pass_on(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    deputy = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    third = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=deputy)
    make_delegation(tenant=tenant_a, delegator=deputy, delegate=third)
    round_ = world.request()
    with tenant_context(tenant_a), pytest.raises(ApprovalError) as refused:
        approval_decide(
            round=round_, actor=actor_of(third, Role.HIRING_MANAGER), decision="approve"
        )
    assert refused.value.code == E.NOT_AN_APPROVER


def test_a_delegation_outside_its_dates_or_cancelled_gives_nothing(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    deputy = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    actor = actor_of(world.hiring_manager, Role.HIRING_MANAGER)
    with tenant_context(tenant_a):
        later = approval_delegation_create(
            actor=actor,
            delegator_id=world.hiring_manager.pk,
            delegate_id=deputy.pk,
            starts_on=TODAY() + timedelta(days=3),
            ends_on=TODAY() + timedelta(days=5),
        )
    round_ = world.request()
    deputy_actor = actor_of(deputy, Role.HIRING_MANAGER)
    with tenant_context(tenant_a), pytest.raises(ApprovalError):
        approval_decide(round=round_, actor=deputy_actor, decision="approve")
    with tenant_context(tenant_a):
        approval_delegation_cancel(delegation=later, actor=actor)
    assert refreshed(later).cancelled_at is not None


def test_delegations_are_checked_field_by_field(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    client = _client(world.hiring_manager)
    base = {"delegate": world.hrbp.pk, "starts_on": str(TODAY()), "ends_on": str(TODAY())}
    created = client.post("/api/v1/approval_delegations", base, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["delegator"] == world.hiring_manager.pk
    assert_error(
        client.post("/api/v1/approval_delegations", base, format="json"),
        409,
        "DELEGATION_OVERLAPS",
    )
    backwards = {**base, "starts_on": str(TODAY() + timedelta(days=40))}
    assert_error(
        client.post("/api/v1/approval_delegations", backwards, format="json"),
        400,
        "INVALID_DELEGATION",
        "ends_on",
    )
    to_self = {**base, "delegate": world.hiring_manager.pk}
    assert_error(
        client.post("/api/v1/approval_delegations", to_self, format="json"),
        400,
        "INVALID_DELEGATION",
        "delegate",
    )
    to_recruiter = {**base, "delegate": world.recruiter.pk}
    assert_error(
        client.post("/api/v1/approval_delegations", to_recruiter, format="json"),
        400,
        "INVALID_DELEGATION",
        "delegate",
    )
    for_someone_else = {**base, "delegator": world.hrbp.pk, "delegate": world.head.pk}
    assert_error(
        client.post("/api/v1/approval_delegations", for_someone_else, format="json"),
        403,
        "PERMISSION_DENIED",
    )


def test_an_admin_replaces_an_approver_of_an_unresolved_step(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    stand_in = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    round_ = world.request()
    step = _due_step(round_)
    client = _client(admin)
    url = f"/api/v1/approval_requests/{round_.pk}/replace_approver"
    body = {"step": str(step.pk), "approver": world.hiring_manager.pk, "replacement": stand_in.pk}
    assert_error(client.post(url, body, format="json"), 400, "VALIDATION_ERROR", "reason")
    seen = []
    with subscribed(ApprovalOverridden, seen.append, moment=Moment.IN_TRANSACTION):
        response = client.post(url, {**body, "reason": "On leave"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == OverrideStatus.APPLIED
    assert [e.override_kind for e in seen] == ["replace_approver"]
    with tenant_context(tenant_a):
        assert list(
            ApprovalAssignment.objects.filter(step=step).values_list("approver_id", flat=True)
        ) == [stand_in.pk]
        approval_decide(
            round=round_, actor=actor_of(stand_in, Role.HIRING_MANAGER), decision="approve"
        )
    assert audit_events(action="approval.overridden")[0].data["reason"] == "On leave"


def test_an_approver_may_not_override(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with tenant_context(tenant_a), pytest.raises(PermissionRefused):
        approval_override_decide(
            round=round_,
            actor=world.hrbp_actor,
            step=_due_step(round_),
            approver_id=world.hiring_manager.pk,
            decision="approve",
            reason="x",
        )


def test_an_admin_decides_on_behalf_with_a_reason_and_the_round_moves_on(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    round_ = world.request()
    with tenant_context(tenant_a):
        override = approval_override_decide(
            round=round_,
            actor=actor_of(admin, Role.ADMIN),
            step=_due_step(round_),
            approver_id=world.hiring_manager.pk,
            decision="approve",
            reason="Approved by phone",
        )
    assert override.status == OverrideStatus.APPLIED
    assert _due_step(round_).name == "HRBP"
    with tenant_context(tenant_a):
        decided = ApprovalAssignment.objects.get(approver=world.hiring_manager)
    assert decided.decided_by_id == admin.pk


def test_an_executive_hire_waits_for_a_second_admin(tenant_a):
    world = make_approval_world(tenant=tenant_a, hire_type="executive")
    first = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    second = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    round_ = world.request()
    step = _due_step(round_)
    with tenant_context(tenant_a):
        override = approval_override_replace(
            round=round_,
            actor=actor_of(first, Role.ADMIN),
            step=step,
            approver_id=world.hiring_manager.pk,
            replacement_id=world.head.pk,
            reason="Conflict of interest",
        )
    assert override.status == OverrideStatus.AWAITING_CONFIRMATION
    with tenant_context(tenant_a):
        assert ApprovalAssignment.objects.filter(step=step, approver=world.hiring_manager).exists()
    # A second override of the same approver while the first waits: refused, not queued.
    twice = _client(second).post(
        f"/api/v1/approval_requests/{round_.pk}/decide_on_behalf",
        {
            "step": str(step.pk),
            "approver": world.hiring_manager.pk,
            "decision": "approve",
            "reason": "Approved by phone",
        },
        format="json",
    )
    assert_error(twice, 409, "OVERRIDE_AWAITING")
    same = _client(first).post(
        f"/api/v1/approval_overrides/{override.pk}/confirm", {}, format="json"
    )
    assert_error(same, 422, "SECOND_ADMIN_REQUIRED")
    confirmed = _client(second).post(
        f"/api/v1/approval_overrides/{override.pk}/confirm", {}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == OverrideStatus.APPLIED
    assert confirmed.json()["confirmed_by"] == second.pk
    with tenant_context(tenant_a):
        assert ApprovalAssignment.objects.filter(step=step, approver=world.head).exists()
    again = _client(second).post(
        f"/api/v1/approval_overrides/{override.pk}/confirm", {}, format="json"
    )
    assert_error(again, 409, "OVERRIDE_NOT_PENDING")
    actions = [e.action for e in audit_events(object_id=str(round_.pk))]
    assert "approval.override_requested" in actions and "approval.overridden" in actions


def test_an_override_of_a_finished_round_is_a_conflict(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    round_ = world.request()
    step = _due_step(round_)
    with tenant_context(tenant_a):
        approval_decide(
            round=round_, actor=world.hiring_manager_actor, decision="decline", reason="No"
        )
    assert refreshed(round_).status == RoundStatus.DECLINED
    response = _client(admin).post(
        f"/api/v1/approval_requests/{round_.pk}/decide_on_behalf",
        {
            "step": str(step.pk),
            "approver": world.hiring_manager.pk,
            "decision": "approve",
            "reason": "x",
        },
        format="json",
    )
    assert_error(response, 409, "ROUND_NOT_OPEN")


def test_an_override_awaiting_confirmation_is_rejected_and_never_applies(tenant_a):
    override = make_override(tenant=tenant_a)
    second = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    url = f"/api/v1/approval_overrides/{override.pk}/reject"

    response = _client(second).post(url, {"reason": "Ask Helen first"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["confirmed_by"]) == (
        OverrideStatus.REJECTED,
        second.pk,
    )
    assert refreshed(override.step).status == StepStatus.DUE
    with tenant_context(tenant_a):
        assert ApprovalAssignment.objects.get(step=override.step).decision == Decision.PENDING
    [event] = audit_events(action="approval.override_rejected", object_id=str(override.round_id))
    assert event.data["reason"] == "Ask Helen first" and event.actor_user_id == second.pk
    assert_error(_client(second).post(url, {}, format="json"), 409, "OVERRIDE_NOT_PENDING")
    confirm = f"/api/v1/approval_overrides/{override.pk}/confirm"
    assert_error(_client(second).post(confirm, {}, format="json"), 409, "OVERRIDE_NOT_PENDING")
