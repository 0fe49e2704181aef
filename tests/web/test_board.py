"""The pipeline board: columns of a requisition's milestones, their cards and filters, what
it costs, and who may see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from milestones.models import (
    ApplicationMilestone,
    MilestoneState,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.web.board_selectors import CARDS_PER_COLUMN
from recruiting.models import ApplicationSource, HireType
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_crowded_pipeline, make_version, milestone_of

from .board_support import CODES, RULES, column_of, fresh, pipeline, post_move, post_on_page

pytestmark = pytest.mark.django_db


def test_board_shows_each_milestone_as_a_column_with_its_cards(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a, hire_type=HireType.URGENT)

    response = client_a.get(f"/requisitions/{requisition.pk}/board/")

    assert response.status_code == 200
    assert [c.milestone.code for c in response.context["columns"]] == list(CODES)
    assert column_of(response, application) == "APPLIED"
    body = response.content.decode()
    assert application.candidate.full_name in body
    assert "Urgent" in body
    assert f'value="advance:{application.pk}:{fresh(application).version}"' in body


def test_the_board_has_one_form_and_one_csrf_token_however_many_cards(client_a, tenant_a):
    requisition, _ = pipeline(tenant_a, applications=6)

    body = client_a.get(f"/requisitions/{requisition.pk}/board/").content.decode()

    assert body.count('name="csrfmiddlewaretoken"') == 2  # the board's and the header's logout
    assert body.count('<form method="post"') == 2
    assert "Move to…" not in body


def test_requisition_page_links_to_its_board(client_a, tenant_a):
    requisition, _ = pipeline(tenant_a)

    body = client_a.get(f"/requisitions/{requisition.pk}/").content.decode()

    assert f"/requisitions/{requisition.pk}/board/" in body


def test_an_advance_keeps_the_board_s_filters(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a, hire_type=HireType.URGENT)
    version = fresh(application).version

    response = client_a.post(
        f"/requisitions/{requisition.pk}/board/?hire_type=urgent",
        {"move": f"advance:{application.pk}:{version}"},
    )

    assert response.status_code == 303
    assert response["Location"] == f"/requisitions/{requisition.pk}/board/?hire_type=urgent"


def test_overdue_card_carries_a_badge_and_time_in_milestone(client_a, tenant_a):
    requisition, [application] = pipeline(tenant_a)
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
    theirs, [their_application] = pipeline(tenant_b)
    ours, _ = pipeline(tenant_a)

    assert client_a.get(f"/requisitions/{theirs.pk}/board/").status_code == 404
    assert post_move(client_a, theirs, their_application, action="advance").status_code == 404
    # Their application posted to our board is no card of ours either.
    assert post_move(client_a, ours, their_application, action="advance").status_code == 404
    assert (
        post_move(client_a, ours, their_application, action="reject", reason="x").status_code == 404
    )
    assert post_on_page(client_a, their_application, action="reject", reason="x").status_code == 404
    assert fresh(their_application).current_milestone.code == "APPLIED"
    assert fresh(their_application).status == "active"


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


def _names_on(response) -> set[str]:
    return {
        card.candidate.full_name for column in response.context["columns"] for card in column.cards
    }


def test_board_filters_by_hire_type_source_overdue_and_candidate(client_a, tenant_a):
    requisition, [grace] = pipeline(
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
    requisition, [marked, on_time] = pipeline(tenant_a, applications=2)
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            application_id=marked.pk, state=MilestoneState.ACTIVE
        ).update(overdue_since=timezone.now() - timedelta(hours=1), due_at=None)

    response = client_a.get(f"/requisitions/{requisition.pk}/board/?overdue=on")

    assert _names_on(response) == {marked.candidate.full_name}
    assert response.context["application_count"] == 1


def test_a_filtered_board_reads_no_column_its_counts_say_is_empty(client_a, tenant_a):
    requisition, [late, *_] = pipeline(tenant_a, applications=3)
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
    requisition, [application] = pipeline(tenant_a)

    response = client_a.get(f"/requisitions/{requisition.pk}/board/?hire_type=royal")

    assert response.status_code == 200
    assert "Hire type: Select a valid choice" in response.content.decode()
    assert _names_on(response) == {application.candidate.full_name}


def test_a_role_that_may_not_move_sees_no_move_controls_and_is_refused(tenant_a):
    requisition, [application] = pipeline(tenant_a)
    auditor = factories.make_user(username="audrey")
    factories.make_membership(tenant=tenant_a, user=auditor, role=Role.AUDITOR)
    client = Client()
    client.force_login(auditor)

    board = client.get(f"/requisitions/{requisition.pk}/board/").content.decode()
    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert application.candidate.full_name in board
    assert "Advance" not in board and "Reject…" not in board
    assert 'data-testid="move-actions"' not in page
    assert post_move(client, requisition, application, action="advance").status_code == 403
    assert post_on_page(client, application, action="reject", reason="x").status_code == 403
    assert fresh(application).current_milestone.code == "APPLIED"
