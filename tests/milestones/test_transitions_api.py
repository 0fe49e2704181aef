"""POST /applications/{id}/transitions and GET .../milestones over HTTP."""

from __future__ import annotations

import pytest
from rest_framework.serializers import Serializer

from audit.models import AuditEvent
from milestones.api.serializers import TransitionOutputSerializer
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import MilestoneTransition
from milestones.selectors import milestone_transition_list
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.support import refreshed

from .factories import make_tracked_application, make_version

pytestmark = pytest.mark.django_db


def _milestones_url(application) -> str:
    return f"/api/v1/applications/{application.pk}/milestones"


def _transitions_url(application) -> str:
    return f"/api/v1/applications/{application.pk}/transitions"


def _post(api, application, body, version=None):
    headers = {} if version is None else {"HTTP_IF_MATCH": f'"{version}"'}
    return api.post(_transitions_url(application), body, format="json", **headers)


def _version_of(application) -> int:
    with all_tenants_context():
        return Application.all_tenants.get(pk=application.pk).version


def test_milestones_list_in_order_with_the_version_as_etag(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    response = api_a.get(_milestones_url(application))
    assert response.status_code == 200
    assert response["ETag"] == f'"{application.version}"'
    assert [(m["code"], m["state"]) for m in response.json()] == [
        ("APPLIED", "active"),
        ("SCREEN", "pending"),
        ("INTERVIEW", "pending"),
        ("OFFER", "pending"),
        ("HIRED", "pending"),
    ]


def test_advance_with_if_match_moves_and_answers_the_new_etag(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    response = _post(api_a, application, {"action": "advance"}, application.version)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["from_code"], body["to_code"]) == ("advance", "APPLIED", "SCREEN")
    assert body["actor_api_client_id"] is not None
    assert response["ETag"] == f'"{application.version + 1}"'
    assert _version_of(application) == application.version + 1


def test_reject_over_the_api_ends_the_candidacy_and_a_missing_reason_names_it(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    refused = _post(api_a, application, {"action": "reject"}, application.version)
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"reason": ["rejecting a candidate needs a reason"]}

    response = _post(
        api_a, application, {"action": "reject", "reason": "No visa"}, application.version
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["from_code"]) == ("reject", "APPLIED")
    assert refreshed(application).status == "rejected"


def test_stale_if_match_answers_409_stale_version(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    assert _post(api_a, application, {"action": "advance"}, application.version).status_code == 201
    response = _post(api_a, application, {"action": "advance"}, application.version)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == Code.STALE_VERSION
    assert "If-Match" in response.json()["error"]["fields"]


def test_missing_if_match_answers_428_and_moves_nothing(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    response = _post(api_a, application, {"action": "advance"})
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "PRECONDITION_REQUIRED"
    assert response.json()["error"]["fields"] == {"If-Match": ["required"]}
    assert _version_of(application) == application.version


def test_malformed_if_match_answers_400_naming_the_header(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    response = api_a.post(
        _transitions_url(application), {"action": "advance"}, format="json", HTTP_IF_MATCH="abc"
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()["error"]["fields"]


def test_unknown_action_answers_400_naming_action(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    response = _post(api_a, application, {"action": "teleport"}, application.version)
    assert response.status_code == 400
    assert "action" in response.json()["error"]["fields"]


REFUSALS = {
    # code: (milestone overrides, application kwargs, steps before, the refused body)
    Code.MANDATORY_MILESTONE_PENDING: ({}, {}, [], {"action": "advance", "to_code": "OFFER"}),
    Code.GATE_NOT_SATISFIED: (
        {"APPLIED": {"gate_conditions": [{"type": "milestone_completed", "code": "NEVER"}]}},
        {},
        [],
        {"action": "advance"},
    ),
    Code.BYPASS_NOT_PERMITTED: ({}, {}, [], {"action": "bypass", "reason": "fast track"}),
    Code.SKIP_NOT_ALLOWED: ({}, {}, [], {"action": "skip"}),
    Code.NOT_A_NEXT_MILESTONE: (
        {},
        {},
        [{"action": "advance"}],
        {"action": "advance", "to_code": "APPLIED"},
    ),
    Code.NOT_AN_EARLIER_MILESTONE: (
        {},
        {},
        [],
        {"action": "regress", "to_code": "OFFER", "reason": "x"},
    ),
    Code.UNKNOWN_MILESTONE: ({}, {}, [], {"action": "advance", "to_code": "NOPE"}),
    Code.REASON_REQUIRED: (
        {},
        {},
        [{"action": "advance"}],
        {"action": "regress", "to_code": "APPLIED"},
    ),
    Code.MILESTONE_NOT_ACTIVE: ({}, {}, [{"action": "complete"}], {"action": "skip"}),
    Code.APPLICATION_NOT_ACTIVE: ({}, {"status": "withdrawn"}, [], {"action": "advance"}),
}


@pytest.mark.parametrize("code", list(REFUSALS), ids=str)
def test_each_refused_move_answers_422_with_its_code(api_a, tenant_a, code):
    overrides, application_kw, steps, body = REFUSALS[code]
    version = make_version(tenant=tenant_a, milestones=overrides)
    application = make_tracked_application(tenant=tenant_a, version=version, **application_kw)
    for step in steps:
        assert _post(api_a, application, step, _version_of(application)).status_code == 201
    before = _version_of(application)
    response = _post(api_a, application, body, before)
    assert response.status_code == 422, response.json()
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert _version_of(application) == before


def test_bypass_by_a_session_user_with_a_permitted_role(client, tenant_a):
    user = factories.make_user()
    factories.make_membership(tenant=tenant_a, user=user, role="admin")
    version = make_version(
        tenant=tenant_a,
        milestones={
            "APPLIED": {"bypass_hire_types": ["executive"], "bypass_approver_roles": ["admin"]}
        },
    )
    application = make_tracked_application(tenant=tenant_a, version=version, hire_type="executive")
    client.force_login(user)
    response = client.post(
        _transitions_url(application),
        {"action": "bypass", "reason": "board fast track"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{application.version}"',
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], response.json()["actor_role"]) == ("bypass", "admin")
    assert response.json()["actor_user_id"] == user.pk


def test_history_lists_moves_newest_first(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    _post(api_a, application, {"action": "advance"}, application.version)
    response = api_a.get(_transitions_url(application))
    assert response.status_code == 200
    assert [t["kind"] for t in response.json()["results"]] == ["advance", "initialize"]
    assert response["ETag"] == f'"{application.version + 1}"'


def test_read_scope_alone_cannot_move(tenant_a):
    from rest_framework.test import APIClient

    application = make_tracked_application(tenant=tenant_a)
    _, token = factories.make_api_client(tenant=tenant_a, scopes=["applications:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(_milestones_url(application)).status_code == 200
    assert _post(api, application, {"action": "advance"}, application.version).status_code == 403


def test_another_tenants_application_is_404_audited_and_untouched(api_b, tenant_a, tenant_b):
    application = make_tracked_application(tenant=tenant_a)
    assert api_b.get(_milestones_url(application)).status_code == 404
    assert api_b.get(_transitions_url(application)).status_code == 404
    response = _post(api_b, application, {"action": "advance"}, application.version)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    with all_tenants_context():
        assert MilestoneTransition.all_tenants.filter(application_id=application.pk).count() == 1
        assert (
            AuditEvent.all_tenants.filter(
                tenant=tenant_b, action="access.denied", object_id=str(application.pk)
            ).count()
            == 3
        )
    assert _version_of(application) == application.version


def test_an_application_without_milestones_answers_422_no_framework_version(api_a, tenant_a):
    application = factories.make_application(tenant=tenant_a)
    response = _post(api_a, application, {"action": "advance"}, application.version)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == Code.NO_FRAMEWORK_VERSION


def test_a_caller_cannot_claim_a_system_cause(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    response = _post(
        api_a, application, {"action": "advance", "cause": "deadline"}, application.version
    )
    assert response.status_code == 400
    assert "cause" in response.json()["error"]["fields"]
    response = _post(
        api_a, application, {"action": "advance", "cause": "sync"}, application.version
    )
    assert response.status_code == 201
    assert response.json()["cause"] == "sync"


def test_the_hand_written_transition_output_equals_drfs_generic_rendering(api_a, tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    _post(api_a, application, {"action": "advance", "reason": "ready"}, application.version)
    with tenant_context(tenant_a):
        transitions = list(milestone_transition_list(application_id=application.pk))

    assert {t.kind for t in transitions} == {"initialize", "advance"}  # from no milestone too
    for transition in transitions:
        serializer = TransitionOutputSerializer(transition)
        assert serializer.data == Serializer.to_representation(serializer, transition)
