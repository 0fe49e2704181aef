"""Delegation in the browser: a person delegates their approvals for a date range from My
approvals, sees and revokes it; errors come back beside their field; the delegate sees the
delegator's due items "on behalf of" them in My approvals and decides them; admins see and
arrange everyone's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import ApprovalAssignment, ApprovalDelegation, Decision
from tenants.context import tenant_context
from tenants.models import Role
from tests.approvals.factories import make_approval_world, make_delegation, make_person
from tests.support import audit_events, refreshed, signed_in

pytestmark = pytest.mark.django_db
URL = "/approvals/delegations/"


def _days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def world(tenant_a):
    return make_approval_world(tenant=tenant_a)


@pytest.fixture
def stand_in(tenant_a):
    return make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER, username="stella")


def _delegations(tenant):
    with tenant_context(tenant):
        return list(ApprovalDelegation.objects.order_by("created_at"))


def test_my_approvals_links_to_the_delegation_page(world):
    body = signed_in(world.hiring_manager).get("/approvals/").content.decode()
    assert 'data-testid="delegations-link"' in body and URL in body


def test_a_person_delegates_their_approvals_for_a_date_range(world, stand_in, tenant_a):
    client = signed_in(world.hiring_manager)
    form = {"delegate": stand_in.pk, "starts_on": _days(0), "ends_on": _days(6), "note": "Away"}

    response = client.post(URL, form, follow=True)

    assert response.redirect_chain[-1] == (URL, 303)
    [delegation] = _delegations(tenant_a)
    assert delegation.delegator_id == world.hiring_manager.pk
    assert delegation.delegate_id == stand_in.pk
    body = response.content.decode()
    assert "stella decides these approvals" in body
    current = body.split('data-testid="current-delegations"')[1].split("</table>")[0]
    assert "stella" in current and "Active, 6 days left" in current and "Away" in current
    [event] = audit_events(action="approval.delegated", object_id=str(delegation.pk))
    assert event.actor_user_id == world.hiring_manager.pk


@pytest.mark.parametrize(
    ("form", "status", "field"),
    [
        ({"starts_on": _days(0), "ends_on": _days(3)}, 400, "delegate"),
        ({"delegate": "self", "starts_on": _days(0), "ends_on": _days(3)}, 400, "delegate"),
        ({"delegate": "recruiter", "starts_on": _days(0), "ends_on": _days(3)}, 400, "delegate"),
        ({"delegate": "stand_in", "starts_on": "soon", "ends_on": _days(3)}, 400, "starts_on"),
        ({"delegate": "stand_in", "starts_on": _days(3), "ends_on": _days(1)}, 400, "ends_on"),
        ({"delegate": "stand_in", "starts_on": _days(0), "ends_on": _days(400)}, 400, "ends_on"),
    ],
)
def test_a_bad_delegation_is_named_beside_its_field_and_nothing_is_saved(
    world, stand_in, tenant_a, form, status, field
):
    people = {"self": world.hiring_manager, "recruiter": world.recruiter, "stand_in": stand_in}
    if form.get("delegate") in people:
        form = {**form, "delegate": people[form["delegate"]].pk}

    response = signed_in(world.hiring_manager).post(URL, form)

    assert response.status_code == status
    body = response.content.decode()
    field_html = body.split(f'name="{field}"')[1].split("</div>")[0]
    assert f'data-testid="error-{field}"' in field_html
    assert 'aria-invalid="true"' in body
    assert _delegations(tenant_a) == []


def test_an_overlapping_delegation_is_409_beside_the_first_day(world, stand_in, tenant_a):
    make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=stand_in)

    response = signed_in(world.hiring_manager).post(
        URL, {"delegate": stand_in.pk, "starts_on": _days(2), "ends_on": _days(9)}
    )

    assert response.status_code == 409
    assert 'data-testid="error-starts_on"' in response.content.decode()
    assert len(_delegations(tenant_a)) == 1


def test_the_delegator_revokes_and_the_delegate_may_not(world, stand_in, tenant_a):
    delegation = make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=stand_in)
    url = f"{URL}{delegation.pk}/cancel/"

    refused = signed_in(stand_in).post(url)
    assert refused.status_code == 403
    assert 'data-testid="forbidden"' in refused.content.decode()
    assert refreshed(delegation).cancelled_at is None

    response = signed_in(world.hiring_manager).post(url, follow=True)
    assert response.redirect_chain[-1] == (URL, 303)
    assert refreshed(delegation).cancelled_at is not None
    past = response.content.decode().split('data-testid="past-delegations"')[1]
    assert "Revoked" in past.split("</table>")[0]
    assert audit_events(action="approval.delegation_cancelled", object_id=str(delegation.pk))


def test_someone_elses_delegation_is_an_audited_404(world, stand_in, tenant_a):
    theirs = make_delegation(tenant=tenant_a)

    response = signed_in(world.hiring_manager).post(f"{URL}{theirs.pk}/cancel/")

    assert response.status_code == 404
    assert refreshed(theirs).cancelled_at is None
    assert audit_events(action="access.denied", object_id=str(theirs.pk))


def test_a_person_sees_only_their_delegations_and_an_admin_sees_all(world, stand_in, tenant_a):
    others = make_delegation(tenant=tenant_a)
    mine = make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=stand_in)
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)

    own_page = signed_in(world.hiring_manager).get(URL).content.decode()
    admin_page = signed_in(admin).get(URL).content.decode()

    assert f"{mine.pk}/cancel/" in own_page and f"{others.pk}/cancel/" not in own_page
    assert f"{mine.pk}/cancel/" in admin_page and f"{others.pk}/cancel/" in admin_page
    assert 'name="delegator"' in admin_page and 'name="delegator"' not in own_page


def test_an_admin_arranges_someone_elses_delegation(world, stand_in, tenant_a):
    admin = make_person(tenant=tenant_a, role_name=Role.ADMIN)

    response = signed_in(admin).post(
        URL,
        {
            "delegator": world.hrbp.pk,
            "delegate": stand_in.pk,
            "starts_on": _days(1),
            "ends_on": _days(2),
        },
    )

    assert response.status_code == 303
    [delegation] = _delegations(tenant_a)
    assert (delegation.delegator_id, delegation.created_by_id) == (world.hrbp.pk, admin.pk)


def test_a_delegator_field_posted_by_a_non_admin_is_ignored(world, stand_in, tenant_a):
    signed_in(world.hiring_manager).post(
        URL,
        {
            "delegator": world.hrbp.pk,
            "delegate": stand_in.pk,
            "starts_on": _days(0),
            "ends_on": _days(1),
        },
    )
    [delegation] = _delegations(tenant_a)
    assert delegation.delegator_id == world.hiring_manager.pk


def test_the_delegate_sees_the_item_on_behalf_of_the_delegator_and_decides_it(
    world, stand_in, tenant_a
):
    world.hiring_manager.first_name, world.hiring_manager.last_name = "Hank", "Manager"
    world.hiring_manager.save()
    round_ = world.request()
    make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=stand_in)
    client = signed_in(stand_in)

    page = client.get("/approvals/").content.decode()
    item = page.split('data-testid="due-item"')[1]
    assert 'data-testid="on-behalf-of">on behalf of Hank Manager' in item

    response = client.post(f"/approvals/rounds/{round_.pk}/decide/", {"decision": "approve"})

    assert response.status_code == 303
    with tenant_context(tenant_a):
        assignment = ApprovalAssignment.objects.get(round=round_, approver=world.hiring_manager)
    assert (assignment.decision, assignment.decided_by_id) == (Decision.APPROVED, stand_in.pk)
    decided = client.get("/approvals/").content.decode().split('data-testid="decided-table"')[1]
    assert "on behalf of Hank Manager" in decided


def test_a_revoked_delegation_takes_the_items_away(world, stand_in, tenant_a):
    world.request()
    delegation = make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=stand_in)
    signed_in(world.hiring_manager).post(f"{URL}{delegation.pk}/cancel/")

    page = signed_in(stand_in).get("/approvals/").content.decode()

    assert 'data-testid="due-item"' not in page


def test_a_role_that_does_not_approve_gets_the_styled_403(world):
    response = signed_in(world.recruiter).get(URL)
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in response.content.decode()
