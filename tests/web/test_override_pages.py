"""An admin's overrides from the offer page: replace an approver of an unresolved step, or
decide on an approver's behalf, each with a mandatory reason shown beside its field; for an
executive hire the override waits for a second admin, shown on the offer page and on the
overrides list with Confirm / Reject, and the admin who asked may not confirm it (styled
403). Each action's audit row comes from the service."""

from __future__ import annotations

import pytest

from approvals.models import (
    ApprovalAssignment,
    ApprovalOverride,
    ApprovalStep,
    Decision,
    OverrideStatus,
    StepStatus,
)
from tenants.context import tenant_context
from tenants.models import Role
from tests.approvals.factories import make_approval_world, make_override, make_person
from tests.support import audit_events, refreshed, signed_in

pytestmark = pytest.mark.django_db


def _url(application, tail="") -> str:
    return f"/applications/{application.pk}/offer/{tail}"


@pytest.fixture
def world(tenant_a):
    return make_approval_world(tenant=tenant_a)


@pytest.fixture
def admin(tenant_a):
    return make_person(tenant=tenant_a, role_name=Role.ADMIN, username="ada")


def _step(round_, name):
    with tenant_context(round_.tenant):
        return ApprovalStep.objects.get(round=round_, name=name)


def _place(step, user) -> str:
    return f"{step.pk}:{user.pk}"


def test_the_admin_sees_the_override_forms_and_others_do_not(world, admin):
    world.request()

    admin_page = signed_in(admin).get(_url(world.application)).content.decode()
    recruiter_page = signed_in(world.recruiter).get(_url(world.application)).content.decode()

    assert 'data-testid="replace-form"' in admin_page and 'data-testid="behalf-form"' in admin_page
    # the waiting HRBP step can be replaced, only the due one decided for
    replace = admin_page.split('data-testid="replace-form"')[1].split("</form>")[0]
    behalf = admin_page.split('data-testid="behalf-form"')[1].split("</form>")[0]
    assert "HRBP" in replace and "Hiring manager" in replace
    assert "Hiring manager" in behalf and "HRBP" not in behalf
    assert 'data-testid="offer-overrides"' not in recruiter_page


def test_the_admin_replaces_an_approver(world, admin, tenant_a):
    round_ = world.request()
    step = _step(round_, "Hiring manager")
    other = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)

    response = signed_in(admin).post(
        _url(world.application, "replace-approver/"),
        {"approver": _place(step, world.hiring_manager), "replacement": other.pk, "reason": "Left"},
        follow=True,
    )

    assert response.redirect_chain[-1][1] == 303
    assert "done" in response.content.decode()
    with tenant_context(tenant_a):
        assert list(
            ApprovalAssignment.objects.filter(step=step).values_list("approver_id", flat=True)
        ) == [other.pk]
    [event] = audit_events(action="approval.overridden", object_id=str(round_.pk))
    assert event.data["reason"] == "Left" and event.actor_user_id == admin.pk


@pytest.mark.parametrize(
    ("form", "field", "status"),
    [
        ({"replacement": "hrbp", "reason": ""}, "reason", 400),
        ({"replacement": "", "reason": "Left"}, "replacement", 400),
        ({"replacement": "recruiter", "reason": "Left"}, "replacement", 400),
        ({"replacement": "hrbp", "reason": "Left", "approver": "nonsense"}, "approver", 400),
    ],
)
def test_a_bad_replacement_is_named_beside_its_field(world, admin, tenant_a, form, field, status):
    round_ = world.request()
    step = _step(round_, "Hiring manager")
    people = {"hrbp": world.hrbp, "recruiter": world.recruiter}
    form = {"approver": _place(step, world.hiring_manager), **form}
    form["replacement"] = str(people[form["replacement"]].pk) if form["replacement"] else ""

    response = signed_in(admin).post(_url(world.application, "replace-approver/"), form)

    assert response.status_code == status
    replace = response.content.decode().split('data-testid="replace-form"')[1].split("</form>")[0]
    field_html = replace.split(f'name="{field}"')[1].split("</div>")[0]
    assert f'data-testid="error-{field}"' in field_html
    if form["reason"]:
        assert form["reason"] in replace  # what was typed is kept
    with tenant_context(tenant_a):
        assert not ApprovalOverride.objects.exists()
        assert ApprovalAssignment.objects.get(step=step).approver_id == world.hiring_manager.pk


def test_the_admin_decides_on_someones_behalf_with_a_reason(world, admin, tenant_a):
    round_ = world.request()
    step = _step(round_, "Hiring manager")
    client = signed_in(admin)
    url = _url(world.application, "decide-on-behalf/")
    form = {"approver": _place(step, world.hiring_manager), "decision": "approve"}

    missing = client.post(url, {**form, "reason": "  "})
    assert missing.status_code == 400
    behalf = missing.content.decode().split('data-testid="behalf-form"')[1].split("</form>")[0]
    assert 'data-testid="error-reason"' in behalf.split('name="reason"')[1]
    assert refreshed(step).status == StepStatus.DUE

    response = client.post(url, {**form, "reason": "On leave", "comment": "Agreed by phone"})

    assert response.status_code == 303
    assert refreshed(step).status == StepStatus.APPROVED
    with tenant_context(tenant_a):
        assignment = ApprovalAssignment.objects.get(step=step)
    assert (assignment.decision, assignment.decided_by_id) == (Decision.APPROVED, admin.pk)
    [event] = audit_events(action="approval.overridden", object_id=str(round_.pk))
    assert event.data["on_behalf_of"] == world.hiring_manager.pk


def test_a_recruiter_forging_an_override_gets_the_styled_403(world):
    round_ = world.request()
    step = _step(round_, "Hiring manager")

    response = signed_in(world.recruiter).post(
        _url(world.application, "decide-on-behalf/"),
        {"approver": _place(step, world.hiring_manager), "decision": "approve", "reason": "x"},
    )

    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
    assert refreshed(step).status == StepStatus.DUE


def _awaiting(tenant):
    override = make_override(tenant=tenant)
    with tenant_context(tenant):
        return ApprovalOverride.objects.select_related(
            "round__application", "requested_by", "step"
        ).get(pk=override.pk)


def test_an_executive_hires_override_waits_for_a_second_admin(admin, tenant_a):
    override = _awaiting(tenant_a)
    application = override.round.application
    asker = override.requested_by

    offer_page = signed_in(admin).get(_url(application)).content.decode()
    own_page = signed_in(asker).get(_url(application)).content.decode()
    listed = signed_in(admin).get("/approvals/overrides/").content.decode()

    awaiting = offer_page.split('data-testid="awaiting-overrides"')[1]
    assert 'data-testid="confirm-override"' in awaiting and "On leave" in awaiting
    assert 'data-testid="own-override"' in own_page
    assert 'data-testid="confirm-override"' not in own_page
    assert 'data-testid="awaiting-override"' in listed and f"{override.pk}/confirm/" in listed


def test_the_admin_who_asked_may_not_confirm_their_own(tenant_a):
    override = _awaiting(tenant_a)

    response = signed_in(override.requested_by).post(f"/approvals/overrides/{override.pk}/confirm/")

    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="forbidden"' in body and "Another admin" in body
    assert refreshed(override).status == OverrideStatus.AWAITING_CONFIRMATION
    assert refreshed(override.step).status == StepStatus.DUE


def test_a_second_admin_confirms_and_it_takes_effect(admin, tenant_a):
    override = _awaiting(tenant_a)

    response = signed_in(admin).post(
        f"/approvals/overrides/{override.pk}/confirm/", {"next": "offer"}, follow=True
    )

    assert response.redirect_chain[-1] == (_url(override.round.application), 303)
    assert "Override confirmed" in response.content.decode()
    confirmed = refreshed(override)
    assert (confirmed.status, confirmed.confirmed_by_id) == (OverrideStatus.APPLIED, admin.pk)
    assert refreshed(override.step).status == StepStatus.APPROVED
    [event] = audit_events(action="approval.overridden", object_id=str(override.round_id))
    assert event.data["confirmed_by"] == admin.pk

    again = signed_in(admin).post(f"/approvals/overrides/{override.pk}/confirm/")
    assert again.status_code == 409
    assert 'role="alert"' in again.content.decode()


def test_a_second_admin_rejects_and_nothing_changes(admin, tenant_a):
    override = _awaiting(tenant_a)

    response = signed_in(admin).post(f"/approvals/overrides/{override.pk}/reject/", follow=True)

    assert response.redirect_chain[-1] == ("/approvals/overrides/", 303)
    assert refreshed(override).status == OverrideStatus.REJECTED
    assert refreshed(override.step).status == StepStatus.DUE
    [event] = audit_events(action="approval.override_rejected", object_id=str(override.round_id))
    assert event.actor_user_id == admin.pk
    settled = response.content.decode().split('data-testid="settled-overrides"')[1]
    assert "Rejected by a second admin" in settled


def test_the_overrides_list_is_for_admins_only(world):
    response = signed_in(world.hrbp).get("/approvals/overrides/")
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
