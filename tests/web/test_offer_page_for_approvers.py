"""An approver who is not on a confidential requisition's team opens the offer page of the
round they are asked to approve (the link of their email and of My approvals), and decides
there, for as long as they are an approver (or today's delegate of one) of an open or decided
round of it; they still do not see the requisition, its board, the application page or the
other candidates' offers. The grant lives in the one visibility layer
(`recruiting.selectors.visible_to`, `grant=`), registered by approvals."""

from __future__ import annotations

import pytest

from approvals.models import ApprovalAssignment, Decision
from approvals.services import approval_withdraw
from recruiting.models import Application
from recruiting.selectors import applications_visible
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals.factories import (
    make_approval_world,
    make_delegation,
    make_offer,
    make_person,
    step,
    user,
)
from tests.support import signed_in

pytestmark = pytest.mark.django_db


def _offer_url(application) -> str:
    return f"/applications/{application.pk}/offer/"


@pytest.fixture
def outsider(tenant_a):
    """A hiring manager of another team, named as the approver of the policy's one step."""
    return make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER, username="olga")


@pytest.fixture
def world(tenant_a, outsider):
    world = make_approval_world(tenant=tenant_a, steps=[step("Finance", user(outsider))])
    with all_tenants_context():
        world.requisition.is_confidential = True
        world.requisition.save()
    return world


def test_before_being_asked_the_outsider_sees_nothing(world, outsider):
    assert signed_in(outsider).get(_offer_url(world.application)).status_code == 404


def test_the_approver_opens_the_offer_page_of_their_round_and_nothing_else(
    world, outsider, tenant_a
):
    world.request()
    other = factories.make_application(tenant=tenant_a, requisition=world.requisition)
    make_offer(tenant=tenant_a, application=other)
    client = signed_in(outsider)

    page = client.get(_offer_url(world.application))

    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="offer-decide"' in body
    assert 'data-testid="offer-salary">$120,000' in body
    # The breadcrumbs do not lead to pages that would 404.
    assert f"/requisitions/{world.requisition.pk}/" not in body
    assert f'href="/applications/{world.application.pk}/"' not in body
    assert client.get(f"/applications/{world.application.pk}/").status_code == 404
    assert client.get(f"/requisitions/{world.requisition.pk}/").status_code == 404
    assert client.get(f"/requisitions/{world.requisition.pk}/board/").status_code == 404
    assert client.get(_offer_url(other)).status_code == 404
    listed = client.get("/applications/").content.decode()
    assert world.application.candidate.full_name not in listed


def test_the_approver_decides_from_the_offer_page(world, outsider, tenant_a):
    round_ = world.request()

    response = signed_in(outsider).post(
        f"/approvals/rounds/{round_.pk}/decide/", {"decision": "approve", "next": "offer"}
    )

    assert response.status_code == 303
    assert response["Location"] == _offer_url(world.application)
    with tenant_context(tenant_a):
        assert ApprovalAssignment.objects.get(round=round_).decision == Decision.APPROVED
    # A decided round still opens the page (the history of what they approved).
    assert signed_in(outsider).get(_offer_url(world.application)).status_code == 200


def test_the_grant_ends_with_the_round(world, outsider, tenant_a):
    round_ = world.request()
    with tenant_context(tenant_a):
        approval_withdraw(round=round_, actor=world.recruiter_actor, reason="Changed plans")

    assert signed_in(outsider).get(_offer_url(world.application)).status_code == 404


def test_todays_delegate_of_the_approver_opens_it_too_and_not_after_revoking(
    world, outsider, tenant_a
):
    world.request()
    stand_in = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    delegation = make_delegation(tenant=tenant_a, delegator=outsider, delegate=stand_in)

    page = signed_in(stand_in).get(_offer_url(world.application))
    assert page.status_code == 200
    decide = page.content.decode().split('data-testid="offer-decide"')[1]
    assert "on behalf of olga" in decide.split("</h2>")[0]

    signed_in(outsider).post(f"/approvals/delegations/{delegation.pk}/cancel/")
    assert signed_in(stand_in).get(_offer_url(world.application)).status_code == 404


def test_the_grant_is_asked_for_by_name_only(world, outsider, tenant_a):
    """Lists and boards pass no grant: the approver's membership still sees nothing there."""
    world.request()
    with tenant_context(tenant_a):
        from tenants.models import Membership

        membership = Membership.objects.get(user=outsider)
        rows = Application.objects.filter(pk=world.application.pk)
        assert not applications_visible(rows, membership=membership).exists()
        assert applications_visible(
            rows, membership=membership, grant="approvals.offer_page"
        ).exists()
        assert not applications_visible(rows, membership=membership, grant="other").exists()
