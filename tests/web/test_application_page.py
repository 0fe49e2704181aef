"""An application's page: its milestones and moves newest first, its query budget, and
posts that name another application or tenant."""

from __future__ import annotations

import pytest

from milestones.models import (
    MilestoneState,
)
from milestones.services.transitions.moves import application_transition
from recruiting.models import ApplicationStatus
from tenants.context import tenant_context

from .board_support import fresh, pipeline, post_move, post_on_page

pytestmark = pytest.mark.django_db


def test_application_page_shows_milestones_and_newest_move_first(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a)
    post_move(client_a, requisition, application, action="advance")
    post_on_page(client_a, application, action="skip", reason="Strong referral")

    response = client_a.get(f"/applications/{application.pk}/")

    assert response.status_code == 200
    assert [row.state for row in response.context["milestones"]][:3] == [
        MilestoneState.COMPLETED,
        MilestoneState.SKIPPED,
        MilestoneState.ACTIVE,
    ]
    kinds = [move.kind for move in response.context["timeline"]]
    assert kinds == ["skip", "advance", "initialize"]
    body = response.content.decode()
    assert "Strong referral" in body
    assert "rita" in body


def test_application_page_of_another_tenant_is_not_found(client_a, tenant_b):
    _, [theirs] = pipeline(tenant_b)

    assert client_a.get(f"/applications/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("size", [2, 30])
def test_application_page_runs_a_constant_number_of_queries(
    client_a, tenant_a, size, django_assert_max_num_queries
):
    requisition, [application] = pipeline(tenant_a)
    for _ in range(size // 2):
        post_move(client_a, requisition, application, action="advance")
        with tenant_context(tenant_a):
            application_transition(
                application_id=application.pk,
                action="regress",
                to_code="APPLIED",
                reason="again",
                expected_version=None,
            )

    # 12, plus the header's unread badge, the application's open automation failures,
    # whether it has an offer (approvals' badge) and a failed background-check order
    # (integrations' badge).
    with django_assert_max_num_queries(16):
        client_a.get(f"/applications/{application.pk}/")


def test_a_post_on_one_application_page_for_another_application_is_not_found(client_a, tenant_a):
    _, [one, other] = pipeline(tenant_a, applications=2)

    response = client_a.post(
        f"/applications/{one.pk}/",
        {
            "application_id": str(other.pk),
            "expected_version": "1",
            "action": "reject",
            "reason": "x",
        },
    )

    assert response.status_code == 404
    assert fresh(other).status == ApplicationStatus.ACTIVE
