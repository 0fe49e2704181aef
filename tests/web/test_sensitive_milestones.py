"""A sensitive milestone (a background check) and the moves through it are seen only by
roles with `view_sensitive`: not on the board, the application page or the API otherwise."""

from __future__ import annotations

import pytest
from django.test import Client

from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version
from tests.support import refreshed

pytestmark = pytest.mark.django_db

CODES = ("APPLIED", "BGCHECK", "OFFER", "HIRED")
RULES = {"BGCHECK": {"is_sensitive": True, "name": "Background check"}}


def _in_background_check(tenant):
    version = make_version(tenant=tenant, codes=CODES, milestones=RULES)
    application = make_tracked_application(tenant=tenant, version=version)
    with tenant_context(tenant):
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
    return application


def _client(tenant, role) -> Client:
    client = Client()
    client.force_login(factories.make_membership(tenant=tenant, role=role).user)
    return client


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.COORDINATOR])
def test_roles_without_view_sensitive_see_no_sensitive_milestone(role, tenant_a):
    application = _in_background_check(tenant_a)
    client = _client(tenant_a, role)

    board = client.get(f"/requisitions/{application.requisition_id}/board/").content.decode()
    assert "Background check" not in board
    assert 'data-testid="column-RESTRICTED"' in board
    assert f'data-testid="card-{application.pk}"' in board

    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Background check" not in page and "Restricted milestone" in page

    rows = client.get(f"/api/v1/applications/{application.pk}/milestones").json()
    assert "BGCHECK" not in {row["code"] for row in rows}
    moves = client.get(f"/api/v1/applications/{application.pk}/transitions").json()["results"]
    assert all("BGCHECK" not in (m.get("to"), m.get("from")) for m in moves)
    assert "BGCHECK" not in str(moves)


@pytest.mark.parametrize("role", [Role.HRBP, Role.RECRUITER, Role.AUDITOR])
def test_roles_with_view_sensitive_see_it(role, tenant_a):
    application = _in_background_check(tenant_a)
    client = _client(tenant_a, role)
    board = client.get(f"/requisitions/{application.requisition_id}/board/").content.decode()
    assert "Background check" in board and "column-RESTRICTED" not in board
    rows = client.get(f"/api/v1/applications/{application.pk}/milestones").json()
    assert "BGCHECK" in {row["code"] for row in rows}
    assert "BGCHECK" in str(client.get(f"/api/v1/applications/{application.pk}/transitions").json())


def test_the_application_list_does_not_drill_into_a_sensitive_milestone_for_others(tenant_a):
    application = refreshed(_in_background_check(tenant_a))
    url = f"/applications/?milestone={application.current_milestone_id}"
    allowed = _client(tenant_a, Role.RECRUITER).get(url)
    assert allowed.context["milestone_name"] == "Background check"
    assert [a.pk for a in allowed.context["page_obj"]] == [application.pk]
    refused = _client(tenant_a, Role.HIRING_MANAGER).get(url)
    assert refused.context["milestone_name"] == "Restricted milestone"
    assert list(refused.context["page_obj"]) == []
    assert "Background check" not in refused.content.decode()
