"""The approvals API's offers and policies: a material change voids the round it names, one
offer per application, policies created versioned, ordered, previewed and activated."""

from __future__ import annotations

import pytest

from approvals.models import ApprovalRound, RoundStatus
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals.factories import make_approval_world, make_person
from tests.support import assert_error

from .api_support import api_as, request_approval

pytestmark = pytest.mark.django_db


def _round_of(world) -> ApprovalRound:
    with tenant_context(world.tenant):
        return ApprovalRound.objects.filter(offer=world.offer).order_by("-number").first()


def test_a_material_offer_change_answers_which_round_it_voided(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    requested = request_approval(world).json()
    client = api_as(world.recruiter)
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
    request_approval(world)
    response = api_as(world.recruiter).patch(
        f"/api/v1/offers/{world.offer.pk}", {"custom_fields": {"ref": "A-1"}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["voided_round"] is None
    assert _round_of(world).status == RoundStatus.REQUESTED


def test_an_offer_is_created_for_an_application_once(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    application = factories.make_application(tenant=tenant_a, requisition=world.requisition)
    client = api_as(world.recruiter)
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


def test_policies_are_created_versioned_ordered_and_previewed(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    client = api_as(admin)
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
    response = api_as(admin).post("/api/v1/approval_policies/preview", {}, format="json")
    assert_error(response, 400, None, "department")


def test_a_policy_created_inactive_is_never_chosen_until_activated(tenant_a):
    """`is_active` is a documented field of the create body (it was a 500: the service
    did not take it)."""
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)
    client = api_as(admin)
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
