"""Moves made from the board and the application page, through the service: advance, skip,
bypass, reject, withdraw, and the refusals (a mandatory milestone, a stale version, an unknown
action)."""

from __future__ import annotations

import pytest

from milestones.errors import MilestoneErrorCode
from milestones.models import (
    ApplicationMilestone,
    TransitionCause,
)
from recruiting.models import ApplicationStatus, HireType
from tenants.context import all_tenants_context
from tests.milestones.factories import milestone_of
from tests.support import audit_events, rows

from .board_support import column_of, fresh, pipeline, post_move, post_on_page, transitions_of

pytestmark = pytest.mark.django_db


def test_advance_moves_the_card_to_the_next_column_and_writes_one_transition(
    client_a, tenant_a, recruiter_a
):
    requisition, [application] = pipeline(tenant_a)
    before = len(transitions_of(application))

    response = post_move(client_a, requisition, application, action="advance")

    assert response.status_code == 303
    assert response["Location"] == f"/requisitions/{requisition.pk}/board/"
    page = client_a.get(response["Location"])
    assert column_of(page, application) == "SCREEN"
    transitions = transitions_of(application)
    assert len(transitions) == before + 1
    assert transitions[-1].cause == TransitionCause.MANUAL
    assert transitions[-1].actor_user_id == recruiter_a.pk
    assert transitions[-1].actor_role == "recruiter"


def test_skipping_a_non_mandatory_milestone_on_the_application_page_moves_on(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a)
    post_move(client_a, requisition, application, action="advance")

    response = post_on_page(client_a, application, action="skip", reason="Referral")

    assert response.status_code == 303
    assert response["Location"] == f"/applications/{application.pk}/"
    assert fresh(application).current_milestone.code == "ASSESSMENT"
    assert transitions_of(application)[-1].reason == "Referral"


def test_jumping_over_a_mandatory_milestone_says_why_in_names_not_codes(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a)
    before = len(transitions_of(application))

    response = post_on_page(client_a, application, action="advance", to_code="OFFER")

    assert response.status_code == 422
    assert response.context["feedback"]["code"] == MilestoneErrorCode.MANDATORY_MILESTONE_PENDING
    body = response.content.decode()
    assert "Mandatory milestones must come first: Assessment." in body
    assert ">MANDATORY_MILESTONE_PENDING<" not in body
    assert fresh(application).current_milestone.code == "APPLIED"
    assert len(transitions_of(application)) == before


def test_bypass_by_a_role_outside_the_policy_is_refused(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a, hire_type=HireType.EXECUTIVE)

    response = post_on_page(client_a, application, action="bypass", reason="CEO says so")

    assert response.status_code == 422
    assert response.context["feedback"]["code"] == MilestoneErrorCode.BYPASS_NOT_PERMITTED
    assert "Applied may not be bypassed for executive hires." in response.content.decode()


def test_a_stale_version_asks_to_refresh_and_moves_nothing(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a)
    seen = fresh(application).version
    post_move(client_a, requisition, application, action="advance", expected_version=seen)

    response = post_move(
        client_a, requisition, application, action="advance", expected_version=seen
    )

    assert response.status_code == 409
    assert "Someone else moved this candidate" in response.content.decode()
    assert response.context["feedback"]["name"] == application.candidate.full_name
    assert fresh(application).current_milestone.code == "SCREEN"


def test_unknown_action_is_refused_without_a_write(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a)
    before = len(transitions_of(application))

    response = post_move(client_a, requisition, application, action="regress")

    assert response.status_code == 400
    assert len(transitions_of(application)) == before


def _column_milestone(requisition, code):
    return milestone_of(_fresh_requisition(requisition).framework_version, code).pk


def _fresh_requisition(requisition):
    with all_tenants_context():
        return (
            type(requisition).all_tenants.select_related("framework_version").get(pk=requisition.pk)
        )


def test_rejecting_from_the_board_ends_the_candidacy_with_its_reason(
    client_a, tenant_a, recruiter_a
):
    requisition, [application] = pipeline(tenant_a)
    name = application.candidate.full_name
    post_move(client_a, requisition, application, action="advance")

    response = post_move(client_a, requisition, application, action="reject", reason="No visa")

    assert response.status_code == 303
    application = fresh(application)
    assert application.status == ApplicationStatus.REJECTED
    assert application.reject_reason == "No visa"
    last = transitions_of(application)[-1]
    assert (last.kind, last.to_milestone_id) == ("reject", None)
    assert last.actor_user_id == recruiter_a.pk
    [stay] = rows(ApplicationMilestone, application_id=application.pk, state="stopped")
    assert stay.milestone_id == last.from_milestone_id == _column_milestone(requisition, "SCREEN")
    assert stay.completed_at == last.at  # the stay's time stops at the rejection
    [event] = audit_events(object_id=str(application.pk), data__kind="reject")
    assert event.data["reason"] == "No visa"
    page = client_a.get(response["Location"])
    assert f"card-{application.pk}" not in page.content.decode()
    assert f"{name} was rejected." in page.content.decode()


def test_rejecting_without_a_reason_is_refused_and_says_so(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a)

    response = post_move(client_a, requisition, application, action="reject", reason="  ")

    assert response.status_code == 422
    assert response.context["feedback"]["code"] == MilestoneErrorCode.REASON_REQUIRED
    assert "Rejecting a candidate needs a reason." in response.content.decode()
    assert fresh(application).status == ApplicationStatus.ACTIVE


def test_withdrawing_on_the_application_page_records_why(client_a, tenant_a):
    _, [application] = pipeline(tenant_a)

    response = post_on_page(client_a, application, action="withdraw", reason="Took another job")

    assert response.status_code == 303
    application = fresh(application)
    assert (application.status, application.reject_reason) == ("withdrawn", "Took another job")
    assert transitions_of(application)[-1].kind == "withdraw"
    body = client_a.get(response["Location"]).content.decode()
    assert "withdrew" in body
    assert "Took another job" in body
    assert 'data-testid="end-candidacy-form"' not in body  # nothing left to move
