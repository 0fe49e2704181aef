"""The approvals API: offers, policies, requests, decisions, pending; errors by field."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from approvals.models import ApprovalAssignment, ApprovalRound, RoundStatus, StepStatus
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals.factories import make_approval_world, make_person
from tests.support import assert_error, audit_events, refreshed

pytestmark = pytest.mark.django_db


def _as(person) -> APIClient:
    client = APIClient()
    client.force_login(person)
    return client


def _round_of(world) -> ApprovalRound:
    with tenant_context(world.tenant):
        return ApprovalRound.objects.filter(offer=world.offer).order_by("-number").first()


def _request(world):
    response = _as(world.recruiter).post(
        "/api/v1/approval_requests", {"offer": str(world.offer.pk)}, format="json"
    )
    assert response.status_code == 201, response.content
    return response


def _decide(client, round_id, version, **body):
    return client.post(
        f"/api/v1/approval_requests/{round_id}/decisions",
        body,
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )


def test_a_recruiter_requests_approval_and_reads_the_steps(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    assert body["status"] == "requested"
    assert body["status_text"] == "Awaiting approval: step 1 of 2 (Hiring manager)"
    assert [(s["name"], s["status"]) for s in body["steps"]] == [
        ("Hiring manager", "due"),
        ("HRBP", "waiting"),
        ("Department head", "skipped"),
    ]
    assert body["steps"][0]["decisions"][0]["approver"] == world.hiring_manager.pk
    again = _as(world.recruiter).get(f"/api/v1/approval_requests/{body['id']}")
    assert again.status_code == 200
    assert again["ETag"] == f'"{body["version"]}"'


def test_a_second_request_while_one_is_open_is_a_conflict(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    _request(world)
    response = _as(world.recruiter).post(
        "/api/v1/approval_requests", {"offer": str(world.offer.pk)}, format="json"
    )
    assert_error(response, 409, "ROUND_ALREADY_OPEN")


def test_a_request_names_exactly_one_subject(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    response = _as(world.recruiter).post("/api/v1/approval_requests", {}, format="json")
    assert_error(response, 400, "VALIDATION_ERROR", "offer")


def test_approvers_decide_through_the_api_with_if_match(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    response = _decide(
        _as(world.hiring_manager), body["id"], body["version"], decision="approve", comment="ok"
    )
    assert response.status_code == 201, response.content
    decided = response.json()
    assert decided["status_text"] == "Awaiting approval: step 2 of 2 (HRBP)"
    assert response["ETag"] == f'"{decided["version"]}"'
    declined = _decide(
        _as(world.hrbp), body["id"], decided["version"], decision="decline", reason="Over band"
    )
    assert declined.status_code == 201
    assert declined.json()["status"] == "declined"


def test_a_decision_without_if_match_is_refused_naming_the_header(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    response = _as(world.hiring_manager).post(
        f"/api/v1/approval_requests/{body['id']}/decisions", {"decision": "approve"}, format="json"
    )
    assert_error(response, 428, "PRECONDITION_REQUIRED", "If-Match")


def test_a_stale_if_match_is_a_conflict(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    response = _decide(
        _as(world.hiring_manager), body["id"], body["version"] + 5, decision="approve"
    )
    assert_error(response, 409, "STALE_VERSION")


def test_a_decline_without_a_reason_names_the_field(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    response = _decide(_as(world.hiring_manager), body["id"], body["version"], decision="decline")
    assert_error(response, 400, "REASON_REQUIRED", "reason")


def test_someone_who_is_not_an_approver_is_refused(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    other = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    response = _decide(_as(other), body["id"], body["version"], decision="approve")
    assert_error(response, 403, "NOT_AN_APPROVER")


@pytest.mark.django_db(transaction=True)
def test_a_refusal_under_an_idempotency_key_stays_on_the_audit_trail(tenant_a):
    """The request's transaction rolls back with its 403, key and all; the refusal's audit
    row is written after it (it was rolled back with the rest)."""
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    other = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    response = _as(other).post(
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
    body = _request(world).json()
    withdrawn = _as(world.recruiter).post(
        f"/api/v1/approval_requests/{body['id']}/withdraw", {"reason": "Wrong"}, format="json"
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    response = _decide(
        _as(world.hiring_manager), body["id"], withdrawn.json()["version"], decision="approve"
    )
    assert_error(response, 409, "ROUND_NOT_OPEN")


def test_a_decision_replays_for_the_same_idempotency_key(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    client = _as(world.hiring_manager)
    kwargs = {"format": "json", "HTTP_IF_MATCH": f'"{body["version"]}"'}
    url = f"/api/v1/approval_requests/{body['id']}/decisions"
    first = client.post(url, {"decision": "approve"}, HTTP_IDEMPOTENCY_KEY="k-1", **kwargs)
    second = client.post(url, {"decision": "approve"}, HTTP_IDEMPOTENCY_KEY="k-1", **kwargs)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert len(audit_events(action="approval.approved_step")) == 1


def test_an_api_client_decides_for_the_person_it_names(tenant_a, api_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    nobody = _decide(api_a, body["id"], body["version"], decision="approve")
    assert_error(nobody, 400, "INVALID_INPUT", "acting_user")
    response = _decide(
        api_a, body["id"], body["version"], decision="approve", acting_user=world.hiring_manager.pk
    )
    assert response.status_code == 201, response.content
    with tenant_context(tenant_a):
        decided = ApprovalAssignment.objects.get(approver=world.hiring_manager)
    assert decided.decided_by_id == world.hiring_manager.pk


def test_an_api_client_names_its_person_by_on_behalf_of(tenant_a, api_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
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
    body = _request(world).json()
    response = _decide(
        _as(world.hrbp),
        body["id"],
        body["version"],
        decision="approve",
        acting_user=world.hiring_manager.pk,
    )
    assert_error(response, 400, "INVALID_INPUT", "acting_user")


def test_a_material_offer_change_answers_which_round_it_voided(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    requested = _request(world).json()
    client = _as(world.recruiter)
    offer = client.get(f"/api/v1/offers/{world.offer.pk}")
    assert offer.status_code == 200
    response = client.patch(
        f"/api/v1/offers/{world.offer.pk}",
        {"salary_amount": "140000.00"},
        format="json",
        HTTP_IF_MATCH=offer["ETag"],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["material"] is True
    assert body["voided_round"] == {"id": requested["id"], "number": 1, "status": "voided"}
    assert body["restarted_round"]["number"] == 2
    stale = client.patch(
        f"/api/v1/offers/{world.offer.pk}",
        {"equity": "x"},
        format="json",
        HTTP_IF_MATCH=offer["ETag"],
    )
    assert_error(stale, 409, "STALE_VERSION")


def test_a_non_material_change_voids_nothing(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    _request(world)
    response = _as(world.recruiter).patch(
        f"/api/v1/offers/{world.offer.pk}", {"custom_fields": {"ref": "A-1"}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["voided_round"] is None
    assert _round_of(world).status == RoundStatus.REQUESTED


def test_an_offer_is_created_for_an_application_once(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    application = factories.make_application(tenant=tenant_a, requisition=world.requisition)
    client = _as(world.recruiter)
    body = {
        "application": str(application.pk),
        "title": "Engineer",
        "salary_amount": "100000",
        "salary_currency": "USD",
    }
    created = client.post("/api/v1/offers", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["version_number"] == 1
    assert_error(client.post("/api/v1/offers", body, format="json"), 409, "OFFER_EXISTS")
    bad = client.post("/api/v1/offers", {**body, "salary_currency": "usd"}, format="json")
    assert_error(bad, 400, "VALIDATION_ERROR", "salary_currency")


def test_pending_lists_a_persons_own_due_items(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    mine = _as(world.hiring_manager).get("/api/v1/approvals/pending").json()
    assert [i["approval_request"] for i in mine["due"]] == [body["id"]]
    assert mine["due"][0]["approval_request_version"] == body["version"]
    waiting = _as(world.hrbp).get("/api/v1/approvals/pending").json()
    assert waiting["due"] == [] and len(waiting["waiting"]) == 1
    nosy = _as(world.hrbp).get(f"/api/v1/approvals/pending?user={world.hiring_manager.pk}")
    assert_error(nosy, 403, "PERMISSION_DENIED")


def test_an_api_client_names_whose_pending_items(tenant_a, api_a):
    world = make_approval_world(tenant=tenant_a)
    _request(world)
    assert_error(api_a.get("/api/v1/approvals/pending"), 400, "VALIDATION_ERROR", "user")
    assert_error(api_a.get("/api/v1/approvals/pending?user=x"), 400, "VALIDATION_ERROR", "user")
    body = api_a.get(f"/api/v1/approvals/pending?user={world.hiring_manager.pk}").json()
    assert len(body["due"]) == 1


def test_requests_list_filters_by_status_and_approver(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    client = _as(world.recruiter)
    listed = client.get(f"/api/v1/approval_requests?status=requested&approver={world.hrbp.pk}")
    assert [r["id"] for r in listed.json()["results"]] == [body["id"]]
    assert client.get("/api/v1/approval_requests?status=approved").json()["results"] == []
    assert_error(client.get("/api/v1/approval_requests?status=nope"), 400, None, "status")


def test_policies_are_created_versioned_ordered_and_previewed(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    client = _as(admin)
    created = client.post(
        "/api/v1/approval_policies",
        {
            "name": "Big offers",
            "subject_kind": "offer",
            "position": 5,
            "steps": [{"name": "HRBP", "approvers": [{"role": "hrbp"}]}],
            "conditions": {"fact": "offer.salary_vs_band", "op": "eq", "value": "above"},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    policy = created.json()
    assert policy["current_version"]["number"] == 1
    edited = client.patch(
        f"/api/v1/approval_policies/{policy['id']}",
        {"steps": [{"name": "HRBP", "approvers": [{"role": "hrbp"}], "quorum": "any"}]},
        format="json",
    )
    assert edited.json()["current_version"]["number"] == 2
    versions = client.get(f"/api/v1/approval_policies/{policy['id']}/versions").json()
    assert [v["number"] for v in versions] == [1, 2]
    ordered = client.post(
        "/api/v1/approval_policies/order",
        {"policies": [str(world.policy.pk), policy["id"]]},
        format="json",
    )
    assert [p["id"] for p in ordered.json()] == [str(world.policy.pk), policy["id"]]
    preview = client.post(
        "/api/v1/approval_policies/preview",
        {
            "policy": policy["id"],
            "requisition": str(world.requisition.pk),
            "salary_amount": "200000",
            "salary_currency": "USD",
        },
        format="json",
    )
    assert preview.status_code == 200, preview.content
    assert preview.json()["policy_name"] == "Big offers"
    assert preview.json()["steps"][0]["applies"] is True
    bad = client.post(
        "/api/v1/approval_policies",
        {"name": "Bad", "subject_kind": "offer", "steps": [{"name": ""}]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]


def test_a_preview_without_a_requisition_describes_a_sample(tenant_a):
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    response = _as(admin).post("/api/v1/approval_policies/preview", {}, format="json")
    assert_error(response, 400, None, "department")


def test_another_tenants_request_is_not_found(tenant_a, tenant_b):
    world = make_approval_world(tenant=tenant_b)
    round_ = world.request()
    me = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    response = _decide(_as(me), round_.pk, 1, decision="approve")
    assert_error(response, 404, "NOT_FOUND")
    assert refreshed(round_).status == RoundStatus.REQUESTED
    with tenant_context(tenant_b):
        assert ApprovalAssignment.objects.filter(round=round_).first().step.status == (
            StepStatus.DUE
        )


def test_an_unknown_step_id_in_a_decision_names_the_step(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    body = _request(world).json()
    response = _decide(
        _as(world.hiring_manager),
        body["id"],
        body["version"],
        decision="approve",
        step=str(uuid.uuid4()),
    )
    assert_error(response, 400, "VALIDATION_ERROR", "step")


def test_a_policy_created_inactive_is_never_chosen_until_activated(tenant_a):
    """`is_active` is a documented field of the create body (it was a 500: the service
    did not take it)."""
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    client = _as(admin)
    created = client.post(
        "/api/v1/approval_policies",
        {
            "name": "Later",
            "subject_kind": "offer",
            "is_active": False,
            "steps": [{"name": "HRBP", "approvers": [{"role": "hrbp"}]}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["is_active"] is False
    shown = client.get(f"/api/v1/approval_policies/{created.json()['id']}").json()
    assert shown["is_active"] is False
    empty = client.post(
        "/api/v1/approval_policies",
        {"name": "Empty", "subject_kind": "offer", "is_active": True, "steps": []},
        format="json",
    )
    assert_error(empty, 400, None, "steps")
