"""Two approvers deciding the last open place of a step at once, on two real connections:
the round row lock resolves the step exactly once."""

import threading

import pytest
from django.db import connection

from approvals.errors import ApprovalError
from approvals.models import RoundStatus
from approvals.services import approval_decide
from audit.models import AuditEvent
from tenants.context import all_tenants_context, tenant_context
from tests.approvals.factories import make_approval_world, role, step
from tests.support import refreshed


def _race(world, round_, actors) -> list[str]:
    start = threading.Barrier(len(actors))
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(actor) -> None:
        try:
            with tenant_context(world.tenant):
                start.wait()
                try:
                    approval_decide(round=round_, actor=actor, decision="approve")
                    outcome = "ok"
                except ApprovalError as exc:
                    outcome = f"{exc.status} {exc.code}"
        except Exception as exc:  # noqa: BLE001 - recorded; the assertion shows it
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=decide, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def _resolved_count(round_) -> int:
    with all_tenants_context():
        return AuditEvent.all_tenants.filter(
            action="approval.step_resolved", object_id=str(round_.pk)
        ).count()


@pytest.mark.django_db(transaction=True)
def test_two_last_approvals_at_once_resolve_the_step_once(transactional_db, tenant_a):
    world = make_approval_world(
        tenant=tenant_a, steps=[step("Both", role("hiring_manager"), role("hrbp"))]
    )
    round_ = world.request()
    outcomes = _race(world, round_, [world.hiring_manager_actor, world.hrbp_actor])
    assert outcomes == ["ok", "ok"]
    assert refreshed(round_).status == RoundStatus.APPROVED
    assert _resolved_count(round_) == 1


@pytest.mark.django_db(transaction=True)
def test_one_open_place_taken_twice_at_once_answers_409_to_the_second(transactional_db, tenant_a):
    world = make_approval_world(
        tenant=tenant_a, steps=[step("Either", role("hiring_manager"), role("hrbp"), quorum="any")]
    )
    round_ = world.request()
    outcomes = _race(world, round_, [world.hiring_manager_actor, world.hrbp_actor])
    assert outcomes == ["409 ROUND_NOT_OPEN", "ok"]
    assert _resolved_count(round_) == 1
