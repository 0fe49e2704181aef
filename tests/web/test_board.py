"""The pipeline board: columns of a requisition's milestones, cards moved by the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from milestones.errors import MilestoneErrorCode
from milestones.models import (
    ApplicationMilestone,
    MilestoneKind,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.services.transitions.moves import application_transition
from recruiting.models import Application, HireType
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.milestones.factories import make_version

pytestmark = pytest.mark.django_db

CODES = ("APPLIED", "SCREEN", "ASSESSMENT", "OFFER", "HIRED")
RULES = {
    "SCREEN": {"mandatory": False},
    "ASSESSMENT": {"kind": MilestoneKind.TIME_BASED, "sla": timedelta(hours=72)},
    "HIRED": {"terminal_kind": "hired"},
}


def _pipeline(tenant, *, applications: int = 1, **application_kw):
    version = make_version(tenant=tenant, codes=CODES, milestones=RULES)
    requisition = factories.make_requisition(tenant=tenant, framework_version=version)
    tracked = []
    for _ in range(applications):
        application = factories.make_application(
            tenant=tenant, requisition=requisition, **application_kw
        )
        with tenant_context(tenant):
            application_milestones_initialize(application_id=application.pk)
        tracked.append(application)
    return requisition, tracked


def _fresh(application) -> Application:
    with all_tenants_context():
        return Application.all_tenants.select_related("current_milestone").get(pk=application.pk)


def _transitions(application) -> list[MilestoneTransition]:
    with all_tenants_context():
        return list(
            MilestoneTransition.all_tenants.filter(application_id=application.pk).order_by("at")
        )


def _post(client, requisition, application, **data):
    data.setdefault("expected_version", _fresh(application).version)
    return client.post(
        f"/requisitions/{requisition.pk}/board/",
        {"application_id": str(application.pk), **data},
    )


def _column_of(response, application) -> str:
    for milestone, cards in response.context["columns"]:
        if any(card.pk == application.pk for card in cards):
            return milestone.code
    raise AssertionError("card not on the board")


def test_board_shows_each_milestone_as_a_column_with_its_cards(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a, hire_type=HireType.URGENT)

    response = client_a.get(f"/requisitions/{requisition.pk}/board/")

    assert response.status_code == 200
    assert [m.code for m, _ in response.context["columns"]] == list(CODES)
    assert _column_of(response, application) == "APPLIED"
    body = response.content.decode()
    assert application.candidate.full_name in body
    assert "Urgent" in body
    assert f'value="{_fresh(application).version}"' in body


def test_requisition_page_links_to_its_board(client_a, tenant_a):
    requisition, _ = _pipeline(tenant_a)

    body = client_a.get(f"/requisitions/{requisition.pk}/").content.decode()

    assert f"/requisitions/{requisition.pk}/board/" in body


def test_advance_moves_the_card_to_the_next_column_and_writes_one_transition(
    client_a, tenant_a, recruiter_a
):
    requisition, [application] = _pipeline(tenant_a)
    before = len(_transitions(application))

    response = _post(client_a, requisition, application, action="advance")

    assert response.status_code == 303
    assert response["Location"] == f"/requisitions/{requisition.pk}/board/"
    page = client_a.get(response["Location"])
    assert _column_of(page, application) == "SCREEN"
    transitions = _transitions(application)
    assert len(transitions) == before + 1
    assert transitions[-1].cause == TransitionCause.MANUAL
    assert transitions[-1].actor_user_id == recruiter_a.pk
    assert transitions[-1].actor_role == "recruiter"


def test_skipping_a_non_mandatory_milestone_moves_on(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    _post(client_a, requisition, application, action="advance")

    response = _post(client_a, requisition, application, action="skip", reason="Referral")

    assert response.status_code == 303
    assert _fresh(application).current_milestone.code == "ASSESSMENT"
    assert _transitions(application)[-1].reason == "Referral"


def test_jumping_over_a_mandatory_milestone_shows_the_refusal_at_the_card(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    before = len(_transitions(application))

    response = _post(client_a, requisition, application, action="advance", to_code="OFFER")

    assert response.status_code == 422
    card = next(c for _, cards in response.context["columns"] for c in cards)
    assert card.feedback["code"] == MilestoneErrorCode.MANDATORY_MILESTONE_PENDING
    body = response.content.decode()
    assert "mandatory milestones must come first: ASSESSMENT" in body
    assert "MANDATORY_MILESTONE_PENDING" in body
    assert _fresh(application).current_milestone.code == "APPLIED"
    assert len(_transitions(application)) == before


def test_bypass_by_a_role_outside_the_policy_is_refused(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a, hire_type=HireType.EXECUTIVE)

    response = _post(client_a, requisition, application, action="bypass", reason="CEO says so")

    assert response.status_code == 422
    assert "BYPASS_NOT_PERMITTED" in response.content.decode()


def test_a_stale_version_asks_to_refresh_and_moves_nothing(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    seen = _fresh(application).version
    _post(client_a, requisition, application, action="advance", expected_version=seen)

    response = _post(client_a, requisition, application, action="advance", expected_version=seen)

    assert response.status_code == 409
    assert "Someone else moved this candidate" in response.content.decode()
    assert _fresh(application).current_milestone.code == "SCREEN"


def test_unknown_action_is_refused_without_a_write(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    before = len(_transitions(application))

    response = _post(client_a, requisition, application, action="regress")

    assert response.status_code == 400
    assert len(_transitions(application)) == before


def test_overdue_card_carries_a_badge_and_time_in_milestone(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application_id=application.pk, state=MilestoneState.ACTIVE
        ).update(
            entered_at=timezone.now() - timedelta(days=3, hours=4, minutes=5),
            due_at=timezone.now() - timedelta(hours=1),
        )

    body = client_a.get(f"/requisitions/{requisition.pk}/board/").content.decode()

    assert "Overdue" in body
    assert "3d 4h" in body


def test_another_tenant_s_board_and_cards_are_not_found(client_a, tenant_a, tenant_b):
    theirs, [their_application] = _pipeline(tenant_b)
    ours, _ = _pipeline(tenant_a)

    assert client_a.get(f"/requisitions/{theirs.pk}/board/").status_code == 404
    assert _post(client_a, theirs, their_application, action="advance").status_code == 404
    # Their application posted to our board is no card of ours either.
    assert _post(client_a, ours, their_application, action="advance").status_code == 404
    assert _fresh(their_application).current_milestone.code == "APPLIED"


@pytest.mark.parametrize("size", [2, 30])
def test_board_runs_a_constant_number_of_queries(
    client_a, tenant_a, size, django_assert_max_num_queries
):
    requisition, _ = _pipeline(tenant_a, applications=size)
    client_a.get(f"/requisitions/{requisition.pk}/board/")  # warm the session

    with django_assert_max_num_queries(12):
        response = client_a.get(f"/requisitions/{requisition.pk}/board/")

    assert response.context["application_count"] == size


def test_application_page_shows_milestones_and_newest_move_first(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    _post(client_a, requisition, application, action="advance")
    _post(client_a, requisition, application, action="skip", reason="Strong referral")

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
    _, [theirs] = _pipeline(tenant_b)

    assert client_a.get(f"/applications/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("size", [2, 30])
def test_application_page_runs_a_constant_number_of_queries(
    client_a, tenant_a, size, django_assert_max_num_queries
):
    requisition, [application] = _pipeline(tenant_a)
    for _ in range(size // 2):
        _post(client_a, requisition, application, action="advance")
        with tenant_context(tenant_a):
            application_transition(
                application_id=application.pk,
                action="regress",
                to_code="APPLIED",
                reason="again",
                expected_version=None,
            )

    # 12, plus the header's unread badge and the application's open automation failures.
    with django_assert_max_num_queries(14):
        client_a.get(f"/applications/{application.pk}/")
