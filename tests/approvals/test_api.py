"""The approvals API's requests and decisions: If-Match, idempotency, acting for a person,
what is pending; errors by field."""

from __future__ import annotations

import uuid

import pytest

from approvals.models import ApprovalAssignment, RoundStatus, StepStatus
from tenants.context import tenant_context
from tenants.models import Role
from tests.approvals.factories import make_approval_world, make_person
from tests.support import assert_error, audit_events, refreshed

from .api_support import api_as, decide, request_approval

pytestmark = pytest.mark.django_db


def test_a_recruiter_requests_approval_and_reads_the_steps(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    assert body["status"] == "requested"
    assert body["status_text"] == "Awaiting approval: step 1 of 2 (Hiring manager)"
    assert [(s["name"], s["status"]) for s in body["steps"]] == [
        ("Hiring manager", "due"),
        ("HRBP", "waiting"),
        ("Department head", "skipped"),
    ]
    assert body["steps"][0]["decisions"][0]["approver"] == world.hiring_manager.pk
    again = api_as(world.recruiter).get(f"/api/v1/approval_requests/{body['id']}")
    assert again.status_code == 200
    assert again["ETag"] == f'"{body["version"]}"'


def test_a_second_request_while_one_is_open_is_a_conflict(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    request_approval(world)
    response = api_as(world.recruiter).post(
        "/api/v1/approval_requests", {"offer": str(world.offer.pk)}, format="json"
    )
    assert_error(response, 409, "ROUND_ALREADY_OPEN")


def test_a_request_names_exactly_one_subject(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    response = api_as(world.recruiter).post("/api/v1/approval_requests", {}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", "offer")


def test_approvers_decide_through_the_api_with_if_match(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = decide(
        api_as(world.hiring_manager), body["id"], body["version"], decision="approve", comment="ok"
    )
    assert response.status_code == 201, response.content
    decided = response.json()
    assert decided["status_text"] == "Awaiting approval: step 2 of 2 (HRBP)"
    assert response["ETag"] == f'"{decided["version"]}"'
    declined = decide(
        api_as(world.hrbp), body["id"], decided["version"], decision="decline", reason="Over band"
    )
    assert declined.status_code == 201
    assert declined.json()["status"] == "declined"


def test_a_decision_without_if_match_is_refused_naming_the_header(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = api_as(world.hiring_manager).post(
        f"/api/v1/approval_requests/{body['id']}/decisions", {"decision": "approve"}, format="json"
    )
    assert_error(response, 428, "PRECONDITION_REQUIRED", "If-Match")


def test_a_stale_if_match_is_a_conflict(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = decide(
        api_as(world.hiring_manager), body["id"], body["version"] + 5, decision="approve"
    )
    assert_error(response, 409, "STALE_VERSION")


def test_a_decline_without_a_reason_names_the_field(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = decide(api_as(world.hiring_manager), body["id"], body["version"], decision="decline")
    assert_error(response, 400, "REASON_REQUIRED", "reason")


def test_someone_who_is_not_an_approver_is_refused(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    other = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    response = decide(api_as(other), body["id"], body["version"], decision="approve")
    assert_error(response, 403, "NOT_AN_APPROVER")


@pytest.mark.django_db(transaction=True)
def test_a_refusal_under_an_idempotency_key_stays_on_the_audit_trail(tenant_a):
    """The request's transaction rolls back with its 403, key and all; the refusal's audit
    row is written after it (it was rolled back with the rest)."""
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    other = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    response = api_as(other).post(
        f"/api/v1/approval_requests/{body['id']}/decisions",
        {"decision": "approve"},
        format="json",
        HTTP_IF_MATCH=f'"{body["version"]}"',
        HTTP_IDEMPOTENCY_KEY="refused-1",
    )
    assert_error(response, 403, "NOT_AN_APPROVER")
    [event] = audit_events(action="access.forbidden", actor_user_id=other.pk)
    assert event.data["reason"] == response.json()["error"]["message"]


def test_a_decision_on_a_finished_round_is_a_conflict(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    withdrawn = api_as(world.recruiter).post(
        f"/api/v1/approval_requests/{body['id']}/withdraw", {"reason": "Wrong"}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    response = decide(
        api_as(world.hiring_manager), body["id"], withdrawn.json()["version"], decision="approve"
    )
    assert_error(response, 409, "ROUND_NOT_OPEN")


def test_a_decision_replays_for_the_same_idempotency_key(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    client = api_as(world.hiring_manager)
    kwargs = {"format": "json", "HTTP_IF_MATCH": f'"{body["version"]}"'}
    url = f"/api/v1/approval_requests/{body['id']}/decisions"
    first = client.post(url, {"decision": "approve"}, HTTP_IDEMPOTENCY_KEY="k-1", **kwargs)
    second = client.post(url, {"decision": "approve"}, HTTP_IDEMPOTENCY_KEY="k-1", **kwargs)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert len(audit_events(action="approval.approved_step")) == 1


def test_an_api_client_decides_for_the_person_it_names(tenant_a, api_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    nobody = decide(api_a, body["id"], body["version"], decision="approve")
    assert_error(nobody, 400, "INVALID_INPUT", "acting_user")
    response = decide(
        api_a, body["id"], body["version"], decision="approve", acting_user=world.hiring_manager.pk
    )
    assert response.status_code == 201, response.content
    with tenant_context(tenant_a):
        decided = ApprovalAssignment.objects.get(approver=world.hiring_manager)
    assert decided.decided_by_id == world.hiring_manager.pk


def test_an_api_client_naming_someone_outside_the_tenant_is_told_which_field(
    tenant_a, tenant_b, api_a
):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    stranger = make_person(tenant=tenant_b, role_name=Role.HIRING_MANAGER)
    for named in (stranger.pk, 2**62):
        response = decide(api_a, body["id"], body["version"], decision="approve", acting_user=named)
        assert_error(response, 400, "VALIDATION_ERROR", "acting_user")
    assert not audit_events(action="approval.approved_step")


def test_an_api_client_acting_for_a_person_whose_role_may_not_approve_is_refused(tenant_a, api_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    auditor = make_person(tenant=tenant_a, role_name=Role.AUDITOR)
    response = decide(
        api_a, body["id"], body["version"], decision="approve", acting_user=auditor.pk
    )
    assert_error(response, 403, "PERMISSION_DENIED")
    assert not audit_events(action="approval.approved_step")


def test_an_api_client_deciding_another_tenants_round_with_a_valid_body_gets_404(
    tenant_a, tenant_b, api_b
):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = decide(
        api_b, body["id"], body["version"], decision="approve", acting_user=world.hiring_manager.pk
    )
    assert_error(response, 404, "NOT_FOUND")
    (denied,) = audit_events(action="access.denied", object_id=body["id"])
    assert denied.tenant_id == tenant_b.pk
    assert not audit_events(action="approval.approved_step")


def test_an_api_client_names_its_person_by_on_behalf_of(tenant_a, api_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = api_a.post(
        f"/api/v1/approval_requests/{body['id']}/decisions",
        {"decision": "approve"},
        format="json",
        HTTP_IF_MATCH=f'"{body["version"]}"',
        HTTP_ON_BEHALF_OF=world.hiring_manager.email,
    )
    assert response.status_code == 201, response.content
    with tenant_context(tenant_a):
        decided = ApprovalAssignment.objects.get(approver=world.hiring_manager)
    assert decided.decided_by_id == world.hiring_manager.pk
    (row,) = audit_events(action="approval.approved_step")
    assert row.on_behalf_of_user_id == world.hiring_manager.pk


def test_a_person_cannot_act_for_someone_else(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = decide(
        api_as(world.hrbp),
        body["id"],
        body["version"],
        decision="approve",
        acting_user=world.hiring_manager.pk,
    )
    assert_error(response, 400, "INVALID_INPUT", "acting_user")


def test_pending_lists_a_persons_own_due_items(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    mine = api_as(world.hiring_manager).get("/api/v1/approvals/pending").json()
    assert [i["approval_request"] for i in mine["due"]] == [body["id"]]
    assert mine["due"][0]["approval_request_version"] == body["version"]
    waiting = api_as(world.hrbp).get("/api/v1/approvals/pending").json()
    assert waiting["due"] == [] and len(waiting["waiting"]) == 1
    nosy = api_as(world.hrbp).get(f"/api/v1/approvals/pending?user={world.hiring_manager.pk}")
    assert_error(nosy, 403, "PERMISSION_DENIED")


def test_an_api_client_names_whose_pending_items(tenant_a, api_a):
    world = make_approval_world(tenant=tenant_a)
    request_approval(world)
    assert_error(api_a.get("/api/v1/approvals/pending"), 400, "VALIDATION_ERROR", "user")
    assert_error(api_a.get("/api/v1/approvals/pending?user=x"), 400, "VALIDATION_ERROR", "user")
    body = api_a.get(f"/api/v1/approvals/pending?user={world.hiring_manager.pk}").json()
    assert len(body["due"]) == 1


def test_requests_list_filters_by_status_and_approver(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    client = api_as(world.recruiter)
    listed = client.get(f"/api/v1/approval_requests?status=requested&approver={world.hrbp.pk}")
    assert [r["id"] for r in listed.json()["results"]] == [body["id"]]
    assert client.get("/api/v1/approval_requests?status=approved").json()["results"] == []
    assert_error(client.get("/api/v1/approval_requests?status=nope"), 400, None, "status")


def test_another_tenants_request_is_not_found(tenant_a, tenant_b):
    world = make_approval_world(tenant=tenant_b)
    round_ = world.request()
    me = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    response = decide(api_as(me), round_.pk, 1, decision="approve")
    assert_error(response, 404, "NOT_FOUND")
    assert refreshed(round_).status == RoundStatus.REQUESTED
    with tenant_context(tenant_b):
        assert ApprovalAssignment.objects.filter(round=round_).first().step.status == (
            StepStatus.DUE
        )


def test_an_unknown_step_id_in_a_decision_names_the_step(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = request_approval(world).json()
    response = decide(
        api_as(world.hiring_manager),
        body["id"],
        body["version"],
        decision="approve",
        step=str(uuid.uuid4()),
    )
    assert_error(response, 400, "VALIDATION_ERROR", "step")
