"""The pipeline board: columns of a requisition's milestones, cards moved by the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
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
from milestones.web.board_selectors import CARDS_PER_COLUMN
from recruiting.models import Application, ApplicationSource, ApplicationStatus, HireType
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_crowded_pipeline, make_version, milestone_of
from tests.support import audit_events, rows

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
    """A card's button of the board's one form: `move=<action>:<application>:<version>`."""
    version = data.pop("expected_version", None) or _fresh(application).version
    action = data.pop("action")
    return client.post(
        f"/requisitions/{requisition.pk}/board/",
        {"move": f"{action}:{application.pk}:{version}", **data},
    )


def _post_on_page(client, application, **data):
    """One of the application page's forms (they name their application and version)."""
    data.setdefault("expected_version", _fresh(application).version)
    return client.post(
        f"/applications/{application.pk}/", {"application_id": str(application.pk), **data}
    )


def _column_of(response, application) -> str:
    for column in response.context["columns"]:
        if any(card.pk == application.pk for card in column.cards):
            return column.milestone.code
    raise AssertionError("card not on the board")


def test_board_shows_each_milestone_as_a_column_with_its_cards(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a, hire_type=HireType.URGENT)

    response = client_a.get(f"/requisitions/{requisition.pk}/board/")

    assert response.status_code == 200
    assert [c.milestone.code for c in response.context["columns"]] == list(CODES)
    assert _column_of(response, application) == "APPLIED"
    body = response.content.decode()
    assert application.candidate.full_name in body
    assert "Urgent" in body
    assert f'value="advance:{application.pk}:{_fresh(application).version}"' in body


def test_the_board_has_one_form_and_one_csrf_token_however_many_cards(client_a, tenant_a):
    requisition, _ = _pipeline(tenant_a, applications=6)

    body = client_a.get(f"/requisitions/{requisition.pk}/board/").content.decode()

    assert body.count('name="csrfmiddlewaretoken"') == 2  # the board's and the header's logout
    assert body.count('<form method="post"') == 2
    assert "Move to…" not in body


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


def test_an_advance_keeps_the_board_s_filters(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a, hire_type=HireType.URGENT)
    version = _fresh(application).version

    response = client_a.post(
        f"/requisitions/{requisition.pk}/board/?hire_type=urgent",
        {"move": f"advance:{application.pk}:{version}"},
    )

    assert response.status_code == 303
    assert response["Location"] == f"/requisitions/{requisition.pk}/board/?hire_type=urgent"


def test_skipping_a_non_mandatory_milestone_on_the_application_page_moves_on(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    _post(client_a, requisition, application, action="advance")

    response = _post_on_page(client_a, application, action="skip", reason="Referral")

    assert response.status_code == 303
    assert response["Location"] == f"/applications/{application.pk}/"
    assert _fresh(application).current_milestone.code == "ASSESSMENT"
    assert _transitions(application)[-1].reason == "Referral"


def test_jumping_over_a_mandatory_milestone_says_why_in_names_not_codes(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    before = len(_transitions(application))

    response = _post_on_page(client_a, application, action="advance", to_code="OFFER")

    assert response.status_code == 422
    assert response.context["feedback"]["code"] == MilestoneErrorCode.MANDATORY_MILESTONE_PENDING
    body = response.content.decode()
    assert "Mandatory milestones must come first: Assessment." in body
    assert ">MANDATORY_MILESTONE_PENDING<" not in body
    assert _fresh(application).current_milestone.code == "APPLIED"
    assert len(_transitions(application)) == before


def test_bypass_by_a_role_outside_the_policy_is_refused(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a, hire_type=HireType.EXECUTIVE)

    response = _post_on_page(client_a, application, action="bypass", reason="CEO says so")

    assert response.status_code == 422
    assert response.context["feedback"]["code"] == MilestoneErrorCode.BYPASS_NOT_PERMITTED
    assert "Applied may not be bypassed for executive hires." in response.content.decode()


def test_a_stale_version_asks_to_refresh_and_moves_nothing(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    seen = _fresh(application).version
    _post(client_a, requisition, application, action="advance", expected_version=seen)

    response = _post(client_a, requisition, application, action="advance", expected_version=seen)

    assert response.status_code == 409
    assert "Someone else moved this candidate" in response.content.decode()
    assert response.context["feedback"]["name"] == application.candidate.full_name
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
    assert _post(client_a, ours, their_application, action="reject", reason="x").status_code == 404
    assert (
        _post_on_page(client_a, their_application, action="reject", reason="x").status_code == 404
    )
    assert _fresh(their_application).current_milestone.code == "APPLIED"
    assert _fresh(their_application).status == "active"


def _board_queries(client, requisition, query: str = "") -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/requisitions/{requisition.pk}/board/{query}")
    assert response.status_code == 200
    return len(queries), response


def test_board_costs_the_same_queries_at_1_000_and_10_000_applications(client_a, tenant_a):
    version = make_version(tenant=tenant_a, codes=CODES, milestones=RULES)
    requisition = factories.make_requisition(tenant=tenant_a, framework_version=version)
    make_crowded_pipeline(tenant=tenant_a, requisition=requisition, version=version, count=1000)
    client_a.get(f"/requisitions/{requisition.pk}/board/")  # warm the session
    at_1k, small = _board_queries(client_a, requisition)
    filtered_1k, _ = _board_queries(client_a, requisition, "?q=bulk&overdue=on&source=external")
    make_crowded_pipeline(tenant=tenant_a, requisition=requisition, version=version, count=9000)

    at_10k, big = _board_queries(client_a, requisition)
    filtered_10k, _ = _board_queries(client_a, requisition, "?q=bulk&overdue=on&source=external")

    assert at_1k == at_10k <= 15  # 14, plus every card's approval state in one query
    assert filtered_1k == filtered_10k
    assert small.context["application_count"] == 1000
    assert big.context["application_count"] == 10000
    # Capped columns with their whole count: 10,000 cards never reach the page.
    assert [c.count for c in big.context["columns"]] == [2000] * 5
    assert all(len(c.cards) == CARDS_PER_COLUMN for c in big.context["columns"])
    assert big.content.count(b'<li class="card') == 5 * CARDS_PER_COLUMN


def test_a_full_column_links_to_all_its_applications(client_a, tenant_a):
    version = make_version(tenant=tenant_a, codes=CODES, milestones=RULES)
    requisition = factories.make_requisition(tenant=tenant_a, framework_version=version)
    make_crowded_pipeline(
        tenant=tenant_a, requisition=requisition, version=version, count=30, codes=["SCREEN"]
    )
    screen = milestone_of(version, "SCREEN")

    body = client_a.get(f"/requisitions/{requisition.pk}/board/").content.decode()

    link = (
        f"/applications/?requisition={requisition.pk}&amp;milestone={screen.pk}&amp;status=active"
    )
    assert link in body
    assert "All 30 in Screen" in body
    listed = client_a.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert len(listed.context["page_obj"].object_list) == 30
    assert listed.context["milestone_name"] == "Screen"


def test_application_page_shows_milestones_and_newest_move_first(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    _post(client_a, requisition, application, action="advance")
    _post_on_page(client_a, application, action="skip", reason="Strong referral")

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

    # 12, plus the header's unread badge, the application's open automation failures,
    # whether it has an offer (approvals' badge) and a failed background-check order
    # (integrations' badge).
    with django_assert_max_num_queries(16):
        client_a.get(f"/applications/{application.pk}/")


def _column_milestone(requisition, code):
    return milestone_of(_fresh_requisition(requisition).framework_version, code).pk


def _fresh_requisition(requisition):
    with all_tenants_context():
        return (
            type(requisition).all_tenants.select_related("framework_version").get(pk=requisition.pk)
        )


def _names_on(response) -> set[str]:
    return {
        card.candidate.full_name for column in response.context["columns"] for card in column.cards
    }


def test_board_filters_by_hire_type_source_overdue_and_candidate(client_a, tenant_a):
    requisition, [grace] = _pipeline(
        tenant_a,
        hire_type=HireType.URGENT,
        candidate=factories.make_candidate(tenant=tenant_a, first_name="Grace", last_name="Hopper"),
    )
    alan = factories.make_application(
        tenant=tenant_a,
        requisition=requisition,
        source=ApplicationSource.REFERRAL,
        candidate=factories.make_candidate(tenant=tenant_a, first_name="Alan", last_name="Turing"),
    )
    with tenant_context(tenant_a):
        application_milestones_initialize(application_id=alan.pk)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application_id=alan.pk, state=MilestoneState.ACTIVE
        ).update(due_at=timezone.now() - timedelta(hours=2))
    board = f"/requisitions/{requisition.pk}/board/"

    assert _names_on(client_a.get(board)) == {"Grace Hopper", "Alan Turing"}
    assert _names_on(client_a.get(board + "?hire_type=urgent")) == {"Grace Hopper"}
    assert _names_on(client_a.get(board + "?source=referral")) == {"Alan Turing"}
    assert _names_on(client_a.get(board + "?overdue=on")) == {"Alan Turing"}
    assert _names_on(client_a.get(board + "?q=grace+hop")) == {"Grace Hopper"}
    response = client_a.get(board + "?q=nobody")
    assert _names_on(response) == set()
    assert response.context["application_count"] == 0


def test_the_overdue_filter_finds_a_stay_an_escalation_marked_overdue(client_a, tenant_a):
    requisition, [marked, on_time] = _pipeline(tenant_a, applications=2)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application_id=marked.pk, state=MilestoneState.ACTIVE
        ).update(overdue_since=timezone.now() - timedelta(hours=1), due_at=None)

    response = client_a.get(f"/requisitions/{requisition.pk}/board/?overdue=on")

    assert _names_on(response) == {marked.candidate.full_name}
    assert response.context["application_count"] == 1


def test_a_filtered_board_reads_no_column_its_counts_say_is_empty(client_a, tenant_a):
    requisition, [late, *_] = _pipeline(tenant_a, applications=3)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application_id=late.pk, state=MilestoneState.ACTIVE
        ).update(due_at=timezone.now() - timedelta(hours=1))

    with CaptureQueriesContext(connection) as queries:
        response = client_a.get(f"/requisitions/{requisition.pk}/board/?overdue=on")

    assert _names_on(response) == {late.candidate.full_name}
    # One column has a match: one LIMIT-ed walk, not one per column of the version (five),
    # since looking for a match a column does not have walks all of it.
    walks = sum(q["sql"].count(f"LIMIT {CARDS_PER_COLUMN}") for q in queries.captured_queries)
    assert walks == 1


def test_a_bad_filter_value_is_shown_and_filters_nothing(client_a, tenant_a):
    requisition, [application] = _pipeline(tenant_a)

    response = client_a.get(f"/requisitions/{requisition.pk}/board/?hire_type=royal")

    assert response.status_code == 200
    assert "Hire type: Select a valid choice" in response.content.decode()
    assert _names_on(response) == {application.candidate.full_name}


def test_rejecting_from_the_board_ends_the_candidacy_with_its_reason(
    client_a, tenant_a, recruiter_a
):
    requisition, [application] = _pipeline(tenant_a)
    name = application.candidate.full_name
    _post(client_a, requisition, application, action="advance")

    response = _post(client_a, requisition, application, action="reject", reason="No visa")

    assert response.status_code == 303
    application = _fresh(application)
    assert application.status == ApplicationStatus.REJECTED
    assert application.reject_reason == "No visa"
    last = _transitions(application)[-1]
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
    requisition, [application] = _pipeline(tenant_a)

    response = _post(client_a, requisition, application, action="reject", reason="  ")

    assert response.status_code == 422
    assert response.context["feedback"]["code"] == MilestoneErrorCode.REASON_REQUIRED
    assert "Rejecting a candidate needs a reason." in response.content.decode()
    assert _fresh(application).status == ApplicationStatus.ACTIVE


def test_withdrawing_on_the_application_page_records_why(client_a, tenant_a):
    _, [application] = _pipeline(tenant_a)

    response = _post_on_page(client_a, application, action="withdraw", reason="Took another job")

    assert response.status_code == 303
    application = _fresh(application)
    assert (application.status, application.reject_reason) == ("withdrawn", "Took another job")
    assert _transitions(application)[-1].kind == "withdraw"
    body = client_a.get(response["Location"]).content.decode()
    assert "withdrew" in body
    assert "Took another job" in body
    assert 'data-testid="end-candidacy-form"' not in body  # nothing left to move


def test_a_role_that_may_not_move_sees_no_move_controls_and_is_refused(tenant_a):
    requisition, [application] = _pipeline(tenant_a)
    auditor = factories.make_user(username="audrey")
    factories.make_membership(tenant=tenant_a, user=auditor, role=Role.AUDITOR)
    client = Client()
    client.force_login(auditor)

    board = client.get(f"/requisitions/{requisition.pk}/board/").content.decode()
    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert application.candidate.full_name in board
    assert "Advance" not in board and "Reject…" not in board
    assert 'data-testid="move-actions"' not in page
    assert _post(client, requisition, application, action="advance").status_code == 403
    assert _post_on_page(client, application, action="reject", reason="x").status_code == 403
    assert _fresh(application).current_milestone.code == "APPLIED"


def test_a_post_on_one_application_page_for_another_application_is_not_found(client_a, tenant_a):
    _, [one, other] = _pipeline(tenant_a, applications=2)

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
    assert _fresh(other).status == ApplicationStatus.ACTIVE
