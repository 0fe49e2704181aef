"""A decision's cost is pinned: one locking read and one write, whatever the size of the
round, for a non-final approve, a step-resolving approve and a decline; its answer is what
a read of the round gives; a decision that waited for another's lock sees what it did."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from approvals.models import (
    ApprovalStep,
    ApprovalStepClock,
    Quorum,
    RoundStatus,
    StepStatus,
)
from approvals.services import approval_decide
from integrations.models import OutboxEvent
from notifications.models import Notification
from tenants.context import tenant_context
from tenants.models import Role
from tests.approvals.factories import (
    actor_of,
    make_approval_world,
    make_person,
    role,
    step,
    user,
)
from tests.support import audit_events, refreshed

#: A decision in a tenant already in context: the locking read and the write.
DECISION_STATEMENTS = 2
#: The same over the API for a signed-in approver: the session, its user, the tenant's
#: context and membership, the round's look-up (404 before the body), the decision's two,
#: the context reset. No read after the write: the answer is built from what was read.
DECISION_API_STATEMENTS = 8
#: An API client acting for a person (`acting_user`): the tenant context opened for the
#: token's look-up and closed, the token, the client's tenant in context, the decision's
#: two, the context reset. The round, the person and their role are found by the locking
#: read (they were three statements of their own before it: ten in all).
DECISION_API_CLIENT_STATEMENTS = 7


def _round_with_panel(tenant, size: int, quorum: str):
    """A round whose first step, "Panel", has `size` approvers (then an HRBP step)."""
    people = [make_person(tenant=tenant, role_name=Role.HIRING_MANAGER) for _ in range(size)]
    steps = [step("Panel", *[user(p) for p in people], quorum=quorum), step("HRBP", role("hrbp"))]
    world = make_approval_world(tenant=tenant, steps=steps)
    return world, world.request(), people


def _service_statements(tenant, *, size: int, quorum: str, decision: str) -> tuple[int, object]:
    world, round_, people = _round_with_panel(tenant, size, quorum)
    with tenant_context(tenant), CaptureQueriesContext(connection) as queries:
        decided = approval_decide(
            round=round_,
            actor=actor_of(people[0], Role.HIRING_MANAGER),
            decision=decision,
            reason="Over budget" if decision == "decline" else "",
            expected_version=round_.version,
        )
    return len(queries), decided


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 10])
def test_a_non_final_approve_is_one_read_and_one_write(tenant_a, size):
    count, decided = _service_statements(tenant_a, size=size, quorum=Quorum.ALL, decision="approve")
    assert decided.status == RoundStatus.REQUESTED
    assert [s.status for s in decided.steps.all()] == [StepStatus.DUE, StepStatus.WAITING]
    assert count == DECISION_STATEMENTS


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 10])
def test_a_step_resolving_approve_is_one_read_and_one_write(tenant_a, size):
    count, decided = _service_statements(tenant_a, size=size, quorum=Quorum.ANY, decision="approve")
    assert [s.status for s in decided.steps.all()] == [StepStatus.APPROVED, StepStatus.DUE]
    with tenant_context(tenant_a):
        hrbp_step = ApprovalStep.objects.get(round=decided, name="HRBP")
        assert hrbp_step.status == StepStatus.DUE
        assert ApprovalStepClock.objects.filter(step=hrbp_step).count() == 1
        assert Notification.objects.filter(kind="approval.due").count() == size + 1
        assert list(OutboxEvent.objects.order_by("id").values_list("event_type", flat=True)) == [
            "approval.requested",
            "approval.step_resolved",
        ]
    assert count == DECISION_STATEMENTS


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 10])
def test_a_decline_is_one_read_and_one_write(tenant_a, size):
    count, decided = _service_statements(tenant_a, size=size, quorum=Quorum.ALL, decision="decline")
    assert decided.status == RoundStatus.DECLINED
    assert refreshed(decided).status == RoundStatus.DECLINED
    assert [s.status for s in decided.steps.all()] == [StepStatus.DECLINED, StepStatus.CLOSED]
    actions = [
        e.action
        for e in sorted(audit_events(object_id=str(decided.pk)), key=lambda e: e.seq)
        if e.action != "approval.requested"
    ]
    assert actions == ["approval.declined_step", "approval.step_resolved", "approval.declined"]
    assert count == DECISION_STATEMENTS


def _api_decision(tenant, size: int):
    world, round_, people = _round_with_panel(tenant, size, Quorum.ANY)
    client = APIClient()
    client.force_login(people[0])
    client.get("/api/v1/ping")  # the first request of a session reads more
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/approval_requests/{round_.pk}/decisions",
            {"decision": "approve", "comment": "Fine"},
            format="json",
            HTTP_IF_MATCH=f'"{round_.version}"',
        )
    assert response.status_code == 201, response.content
    return len(queries), response, client, round_


@pytest.mark.django_db
def test_a_decision_over_the_api_costs_the_same_at_1_and_10_approvers(tenant_a, tenant_b):
    small, *_ = _api_decision(tenant_a, 1)
    large, *_ = _api_decision(tenant_b, 10)
    assert small == large == DECISION_API_STATEMENTS


#: With an Idempotency-Key: the request's transaction (a savepoint and its release inside
#: the test's own transaction; BEGIN and COMMIT when served), the key claimed (or the
#: stored one read) in one statement, `INSERT ... ON CONFLICT DO NOTHING`, and the answer
#: stored with it. It was 7: the look-up, a savepoint, the insert and its release besides.
IDEMPOTENCY_KEY_STATEMENTS = 4


def _api_client_decision(tenant, size: int, **headers):
    from tests.factories import make_api_client

    world, round_, people = _round_with_panel(tenant, size, Quorum.ANY)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_client(tenant=tenant)[1]}")
    client.get("/api/v1/ping")  # a token's first use records when it was last used
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/approval_requests/{round_.pk}/decisions",
            {"decision": "approve", "comment": "Fine", "acting_user": people[0].pk},
            format="json",
            HTTP_IF_MATCH=f'"{round_.version}"',
            **headers,
        )
    assert response.status_code == 201, response.content
    return len(queries), response, round_


@pytest.mark.django_db
def test_an_idempotency_key_adds_two_statements_to_a_decision(tenant_a):
    count, response, round_ = _api_client_decision(tenant_a, 3, HTTP_IDEMPOTENCY_KEY="d-1")
    assert count == DECISION_API_CLIENT_STATEMENTS + IDEMPOTENCY_KEY_STATEMENTS
    assert "Idempotent-Replayed" not in response


@pytest.mark.django_db
def test_an_api_clients_decision_costs_seven_statements_at_1_and_10_approvers(tenant_a, tenant_b):
    small, response, round_ = _api_client_decision(tenant_a, 1)
    large, *_ = _api_client_decision(tenant_b, 10)
    assert small == large == DECISION_API_CLIENT_STATEMENTS
    decided = response.json()["steps"][0]["decisions"][0]
    assert (decided["decision"], decided["comment"]) == ("approved", "Fine")
    assert response["ETag"] == f'"{round_.version + 1}"'


@pytest.mark.django_db
def test_the_decision_answer_is_what_a_read_of_the_request_gives(tenant_a):
    _count, response, client, round_ = _api_decision(tenant_a, 3)
    read = client.get(f"/api/v1/approval_requests/{round_.pk}")
    assert read.status_code == 200
    assert response.json() == read.json()
    assert response["ETag"] == read["ETag"]
    decided = response.json()["steps"][0]["decisions"][0]
    assert (decided["decision"], decided["comment"], decided["decided_by_name"]) == (
        "approved",
        "Fine",
        decided["approver_name"],
    )


@pytest.mark.django_db(transaction=True)
def test_a_decision_that_waited_for_the_lock_sees_the_decision_before_it(
    transactional_db, tenant_a
):
    """The second of two last approvals waits on the round's lock while the first commits:
    it must count the first one (Read Committed would show it the steps as they were)."""
    world = make_approval_world(
        tenant=tenant_a, steps=[step("Both", role("hiring_manager"), role("hrbp"))]
    )
    round_ = world.request()
    first_decided = threading.Event()
    release = threading.Event()
    outcomes: dict[str, str] = {}

    def first() -> None:
        try:
            with tenant_context(tenant_a), transaction.atomic():
                approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")
                first_decided.set()
                release.wait(30)
            outcomes["first"] = "ok"
        except Exception as exc:  # noqa: BLE001 - recorded; the assertion shows it
            outcomes["first"] = repr(exc)
        finally:
            first_decided.set()
            connection.close()

    def second() -> None:
        try:
            with tenant_context(tenant_a):
                approval_decide(round=round_, actor=world.hrbp_actor, decision="approve")
            outcomes["second"] = "ok"
        except Exception as exc:  # noqa: BLE001
            outcomes["second"] = repr(exc)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_decided.wait(30)
    two = threading.Thread(target=second)
    two.start()
    waiting = 0
    for _ in range(200):  # until the second waits on the round's lock
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            waiting = cursor.fetchone()[0]
        if waiting:
            break
        time.sleep(0.05)
    release.set()
    one.join(60)
    two.join(60)
    assert waiting == 1
    assert outcomes == {"first": "ok", "second": "ok"}
    assert refreshed(round_).status == RoundStatus.APPROVED
    resolved = audit_events(action="approval.step_resolved", object_id=str(round_.pk))
    assert len(resolved) == 1


def _both_renderings(round_) -> tuple:
    from rest_framework.renderers import JSONRenderer

    from approvals.api import serializers as s
    from approvals.api.rounds import rounds_with_steps

    with tenant_context(round_.tenant):
        loaded = rounds_with_steps().get(pk=round_.pk)
        by_hand = JSONRenderer().render(s.round_document(loaded))
        generic = JSONRenderer().render(s.RoundOutputSerializer(loaded).data)
    return by_hand, generic


@pytest.mark.django_db
def test_the_round_rendered_by_hand_is_the_serializers_output(tenant_a):
    from tests.approvals.factories import make_delegation

    world = make_approval_world(tenant=tenant_a)  # its third step is skipped: not executive
    round_ = world.request()
    by_hand, generic = _both_renderings(round_)
    assert by_hand == generic
    delegate = make_person(tenant=tenant_a, role_name=Role.HIRING_MANAGER)
    make_delegation(tenant=tenant_a, delegator=world.hiring_manager, delegate=delegate)
    with tenant_context(tenant_a):
        approval_decide(
            round=round_, actor=actor_of(delegate, Role.HIRING_MANAGER), decision="approve"
        )
    by_hand, generic = _both_renderings(round_)
    assert b"on behalf of" in by_hand
    assert by_hand == generic
    with tenant_context(tenant_a):
        approval_decide(round=round_, actor=world.hrbp_actor, decision="decline", reason="No")
    by_hand, generic = _both_renderings(round_)
    assert b"Declined: No" in by_hand
    assert by_hand == generic


@pytest.mark.parametrize("model_name", ["ApprovalRound", "ApprovalStep", "ApprovalAssignment"])
def test_nothing_listens_to_the_init_of_what_a_decision_builds_without_init(model_name):
    # decision_sql builds these (and users) without __init__: no init signal would be sent.
    from django.contrib.auth import get_user_model
    from django.db.models import signals

    import approvals.models

    for model in (getattr(approvals.models, model_name), get_user_model()):
        assert not signals.pre_init.has_listeners(model)
        assert not signals.post_init.has_listeners(model)
