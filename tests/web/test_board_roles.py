"""Only roles that move candidates see the board's move controls or can post a move; the
API and the service refuse the same people (the issue: an auditor advanced candidates)."""

from __future__ import annotations

import pytest

from milestones.core.engine import MoveAction
from milestones.models import MilestoneTransition
from milestones.services.transitions.moves import application_transition
from tenants.actors import Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tenants.permissions import PermissionRefused
from tests import factories
from tests.milestones.factories import make_tracked_application
from tests.support import assert_error, refreshed, signed_in

pytestmark = pytest.mark.django_db

NON_MOVERS = (Role.AUDITOR, Role.HIRING_MANAGER, Role.COORDINATOR, Role.HRBP)


def _transitions(application) -> int:
    with all_tenants_context():
        return MilestoneTransition.all_tenants.filter(application_id=application.pk).count()


@pytest.mark.parametrize("role", NON_MOVERS)
def test_the_board_hides_move_controls_from_roles_that_may_not_move(role, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    client = signed_in(factories.make_membership(tenant=tenant_a, role=role).user)
    response = client.get(f"/requisitions/{application.requisition_id}/board/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="card-{application.pk}"' in body
    assert 'name="action"' not in body and ">Advance<" not in body


def test_the_board_shows_move_controls_to_a_recruiter(tenant_a, recruiter_a):
    application = make_tracked_application(tenant=tenant_a)
    client = signed_in(recruiter_a)
    body = client.get(f"/requisitions/{application.requisition_id}/board/").content.decode()
    assert ">Advance<" in body


@pytest.mark.parametrize("role", NON_MOVERS)
def test_a_posted_move_by_a_role_that_may_not_move_is_403_with_the_reason(role, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    before = _transitions(application)
    client = signed_in(factories.make_membership(tenant=tenant_a, role=role).user)
    response = client.post(
        f"/requisitions/{application.requisition_id}/board/",
        {
            "application_id": str(application.pk),
            "action": "advance",
            "expected_version": refreshed(application).version,
        },
    )
    assert response.status_code == 403
    assert "may not move candidates between milestones" in response.content.decode()
    assert _transitions(application) == before


@pytest.mark.parametrize("role", NON_MOVERS)
def test_the_api_refuses_a_move_by_a_role_that_may_not_move(role, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    client = signed_in(factories.make_membership(tenant=tenant_a, role=role).user)
    response = client.post(
        f"/api/v1/applications/{application.pk}/transitions",
        {"action": "advance"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{refreshed(application).version}"',
    )
    assert_error(response, 403, "PERMISSION_DENIED")
    assert _transitions(application) == 1


@pytest.mark.parametrize("role", NON_MOVERS)
def test_the_service_refuses_a_person_whose_role_may_not_move(role, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    user = factories.make_membership(tenant=tenant_a, role=role).user
    with tenant_context(tenant_a), pytest.raises(PermissionRefused) as refused:
        application_transition(
            application_id=application.pk,
            action=MoveAction.ADVANCE,
            actor=Actor(user_id=user.pk, role=role),
            expected_version=None,
        )
    assert refused.value.status == 403
    assert _transitions(application) == 1


def test_the_system_and_a_recruiter_still_move(tenant_a, recruiter_a):
    application = make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_a):
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
        application_transition(
            application_id=application.pk,
            action=MoveAction.ADVANCE,
            actor=Actor(user_id=recruiter_a.pk, role=Role.RECRUITER),
            expected_version=None,
        )
    assert _transitions(application) == 3
