"""An admin's overrides on a round's page, for a requisition's opening and a milestone's
clearance: replace an approver of a step still open, decide on someone's behalf with a
mandatory reason, and for an executive hire the second admin's confirmation. The forms are
Django forms: a bad input answers 400 beside the field it names, with what was typed kept
and nothing written; the audit rows come from the services."""

from __future__ import annotations

import pytest

from approvals.models import (
    ApprovalAssignment,
    ApprovalOverride,
    Decision,
    OverrideStatus,
    StepStatus,
)
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals.factories import make_person
from tests.support import audit_events, refreshed, signed_in
from tests.web.round_support import (
    clearance_world,
    opening_world,
    place,
    request_clearance,
    request_opening,
    round_url,
    section,
    step_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tenant_a):
    return make_person(tenant=tenant_a, role_name=Role.ADMIN, username="ada")


def _approvers(step_) -> list[int]:
    with tenant_context(step_.tenant):
        return list(
            ApprovalAssignment.objects.filter(step=step_).values_list("approver", flat=True)
        )


def test_the_admin_sees_both_forms_and_the_approvers_do_not(tenant_a, admin):
    world = opening_world(tenant_a)
    round_ = request_opening(world)

    admin_page = signed_in(admin).get(round_url(round_)).content.decode()
    head_page = signed_in(world.head).get(round_url(round_)).content.decode()

    overrides = section(admin_page, "round-overrides")
    replace = overrides.split('data-testid="replace-form"')[1].split("</form>")[0]
    behalf = overrides.split('data-testid="behalf-form"')[1].split("</form>")[0]
    assert f'action="{round_url(round_, "replace-approver/")}"' in overrides
    assert "Department head" in replace and "HRBP" in replace  # waiting steps too
    assert "Department head" in behalf and "HRBP" not in behalf  # only the due one
    assert 'data-testid="round-overrides"' not in head_page


def test_the_admin_replaces_an_approver_of_an_opening_and_the_new_one_decides(tenant_a, admin):
    world = opening_world(tenant_a)
    round_ = request_opening(world)
    head_step = step_of(round_, "Department head")
    stand_in = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)

    response = signed_in(admin).post(
        round_url(round_, "replace-approver/"),
        {"approver": place(head_step, world.head), "replacement": stand_in.pk, "reason": "Left"},
        follow=True,
    )

    assert response.redirect_chain[-1] == (round_url(round_), 303)
    assert "done" in response.content.decode()
    assert _approvers(head_step) == [stand_in.pk]
    [event] = audit_events(action="approval.overridden", object_id=str(round_.pk))
    assert event.data["reason"] == "Left" and event.actor_user_id == admin.pk

    decided = signed_in(stand_in).post(
        round_url(round_, "decide/"), {"decision": "approve", "next": "round"}
    )
    assert decided.status_code == 303
    assert refreshed(head_step).status == StepStatus.APPROVED


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"replacement": "stand_in", "reason": ""}, "reason"),
        ({"replacement": "stand_in", "reason": "   "}, "reason"),
        ({"replacement": "", "reason": "Left"}, "replacement"),
        ({"replacement": "nonsense", "reason": "Left"}, "replacement"),
        ({"replacement": "elsewhere", "reason": "Left"}, "replacement"),  # another tenant's
        ({"replacement": "recruiter", "reason": "Left"}, "replacement"),  # may not approve
        ({"replacement": "head", "reason": "Left"}, "replacement"),  # already on the step
        ({"replacement": "stand_in", "reason": "Left", "approver": "nonsense"}, "approver"),
        ({"replacement": "stand_in", "reason": "Left", "approver": ""}, "approver"),
    ],
)
def test_a_bad_replacement_is_400_beside_its_field_and_nothing_changes(
    tenant_a, tenant_b, admin, form, field
):
    world = opening_world(tenant_a)
    round_ = request_opening(world)
    head_step = step_of(round_, "Department head")
    people = {
        "stand_in": make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER),
        "elsewhere": make_person(tenant=tenant_b, role_name=Role.HIRING_MANAGER),
        "recruiter": world.recruiter,
        "head": world.head,
    }
    form = {"approver": place(head_step, world.head), **form}
    if form["replacement"] in people:
        form["replacement"] = str(people[form["replacement"]].pk)

    response = signed_in(admin).post(round_url(round_, "replace-approver/"), form)

    assert response.status_code == 400
    replace = response.content.decode().split('data-testid="replace-form"')[1].split("</form>")[0]
    field_html = replace.split(f'name="{field}"')[1].split("</div>")[0]
    assert f'data-testid="error-{field}"' in field_html
    if form["reason"].strip():
        assert form["reason"] in replace  # what was typed is kept
    with tenant_context(tenant_a):
        assert not ApprovalOverride.objects.exists()
    assert _approvers(head_step) == [world.head.pk]


def test_the_admin_decides_a_clearance_on_the_hrbps_behalf(tenant_a, admin):
    world = clearance_world(tenant_a)
    round_ = request_clearance(world)
    hrbp_step = step_of(round_, "HRBP")
    client = signed_in(admin)
    url = round_url(round_, "decide-on-behalf/")
    form = {"approver": place(hrbp_step, world.hrbp), "comment": "Agreed by phone"}

    for bad, field in (({"decision": "maybe", "reason": "On leave"}, "decision"), ({}, "reason")):
        refused = client.post(url, {**form, "decision": "approve", **bad})
        assert refused.status_code == 400
        behalf = refused.content.decode().split('data-testid="behalf-form"')[1]
        assert f'data-testid="error-{field}"' in behalf.split("</form>")[0]
        assert "Agreed by phone" in behalf  # the comment is kept
        assert refreshed(hrbp_step).status == StepStatus.DUE

    response = client.post(url, {**form, "decision": "approve", "reason": "On leave"}, follow=True)

    assert response.redirect_chain[-1] == (round_url(round_), 303)
    assert refreshed(hrbp_step).status == StepStatus.APPROVED
    with tenant_context(tenant_a):
        assignment = ApprovalAssignment.objects.get(step=hrbp_step)
    assert (assignment.decision, assignment.decided_by_id) == (Decision.APPROVED, admin.pk)
    steps = section(response.content.decode(), "round-steps")
    assert "on behalf of" in steps and "Agreed by phone" in steps
    [event] = audit_events(action="approval.overridden", object_id=str(round_.pk))
    assert event.data["on_behalf_of"] == world.hrbp.pk


def test_a_waiting_step_may_not_be_decided_on_behalf(tenant_a, admin):
    world = opening_world(tenant_a)
    round_ = request_opening(world)
    hrbp_step = step_of(round_, "HRBP")

    response = signed_in(admin).post(
        round_url(round_, "decide-on-behalf/"),
        {"approver": place(hrbp_step, world.hrbp), "decision": "approve", "reason": "Away"},
    )

    assert response.status_code == 400
    assert 'data-testid="error-approver"' in response.content.decode()
    assert refreshed(hrbp_step).status == StepStatus.WAITING


def test_an_override_of_a_round_no_longer_open_is_409(tenant_a, admin):
    world = opening_world(tenant_a)
    round_ = request_opening(world)
    head_step = step_of(round_, "Department head")
    signed_in(world.head).post(
        round_url(round_, "decide/"), {"decision": "decline", "reason": "No"}
    )

    response = signed_in(admin).post(
        round_url(round_, "replace-approver/"),
        {"approver": place(head_step, world.head), "replacement": world.hrbp.pk, "reason": "x"},
    )

    assert response.status_code == 409
    assert 'data-testid="override-error"' in response.content.decode()


def test_a_recruiter_forging_an_override_gets_the_styled_403(tenant_a):
    world = opening_world(tenant_a)
    round_ = request_opening(world)
    head_step = step_of(round_, "Department head")

    response = signed_in(world.recruiter).post(
        round_url(round_, "decide-on-behalf/"),
        {"approver": place(head_step, world.head), "decision": "approve", "reason": "x"},
    )

    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
    assert refreshed(head_step).status == StepStatus.DUE


def test_an_executive_openings_override_waits_for_a_second_admin_who_confirms(tenant_a, admin):
    world = opening_world(tenant_a, executive=True)
    round_ = request_opening(world)
    head_step = step_of(round_, "Department head")
    stand_in = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    second = make_person(tenant=tenant_a, role_name=Role.ADMIN, username="bea")

    asked = signed_in(admin).post(
        round_url(round_, "replace-approver/"),
        {"approver": place(head_step, world.head), "replacement": stand_in.pk, "reason": "Left"},
        follow=True,
    )
    assert "waits for a second admin" in asked.content.decode()
    assert 'data-testid="own-override"' in section(asked.content.decode(), "awaiting-overrides")
    assert _approvers(head_step) == [world.head.pk]
    with tenant_context(tenant_a):
        override = ApprovalOverride.objects.get()
    assert override.status == OverrideStatus.AWAITING_CONFIRMATION

    page = signed_in(second).get(round_url(round_)).content.decode()
    awaiting = section(page, "awaiting-overrides")
    assert 'data-testid="confirm-override"' in awaiting and 'value="round"' in awaiting
    listed = signed_in(second).get("/approvals/overrides/").content.decode()
    assert f'href="{round_url(round_)}"' in listed

    confirmed = signed_in(second).post(
        f"/approvals/overrides/{override.pk}/confirm/", {"next": "round"}, follow=True
    )

    assert confirmed.redirect_chain[-1] == (round_url(round_), 303)
    assert "Override confirmed" in confirmed.content.decode()
    assert _approvers(head_step) == [stand_in.pk]
    [event] = audit_events(action="approval.overridden", object_id=str(round_.pk))
    assert event.data["confirmed_by"] == second.pk

    again = signed_in(second).post(
        f"/approvals/overrides/{override.pk}/confirm/", {"next": "round"}
    )
    assert again.status_code == 409
    assert 'data-testid="confirm-error"' in again.content.decode()


def test_the_admin_who_asked_may_not_confirm_their_own_from_the_round_page(tenant_a, admin):
    world = opening_world(tenant_a, executive=True)
    round_ = request_opening(world)
    head_step = step_of(round_, "Department head")
    signed_in(admin).post(
        round_url(round_, "replace-approver/"),
        {"approver": place(head_step, world.head), "replacement": world.hrbp.pk, "reason": "x"},
    )
    with tenant_context(tenant_a):
        override = ApprovalOverride.objects.get()

    response = signed_in(admin).post(
        f"/approvals/overrides/{override.pk}/confirm/", {"next": "round"}
    )

    assert response.status_code == 403
    assert refreshed(override).status == OverrideStatus.AWAITING_CONFIRMATION


def test_a_delegate_of_another_tenant_is_refused_beside_the_field(tenant_a, tenant_b):
    """The delegation form's people are the tenant's (a Django form, ModelChoiceField)."""
    world = opening_world(tenant_a)
    elsewhere = factories.make_membership(tenant=tenant_b, role=Role.HIRING_MANAGER).user

    response = signed_in(world.hiring_manager).post(
        "/approvals/delegations/",
        {"delegate": elsewhere.pk, "starts_on": "2030-01-01", "ends_on": "2030-01-02"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-delegate"' in body.split('name="delegate"')[1].split("</div>")[0]
    assert 'value="2030-01-01"' in body  # what was typed is kept
