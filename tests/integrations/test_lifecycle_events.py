"""Lifecycle events out: a move that ends the candidacy writes application.rejected /
withdrawn / hired after its milestone.moved, in the move's one write statement."""

from __future__ import annotations

import pytest

from integrations.models import OutboxEvent
from milestones.core.engine import MoveAction
from milestones.models import TerminalKind
from milestones.services.transitions.moves import application_transition
from tenants.context import tenant_context

from ..milestones.factories import make_tracked_application, make_version

pytestmark = pytest.mark.django_db


def _rows(tenant) -> list[OutboxEvent]:
    with tenant_context(tenant):
        return list(OutboxEvent.objects.order_by("id"))


def _move(tenant, application, action, **kw):
    with tenant_context(tenant):
        return application_transition(
            application_id=application.pk, action=action, expected_version=None, **kw
        )


@pytest.mark.parametrize(
    ("action", "status"),
    [(MoveAction.REJECT, "rejected"), (MoveAction.WITHDRAW, "withdrawn")],
)
def test_a_closing_move_writes_its_lifecycle_event_right_after_the_move(
    tenant_a, django_assert_num_queries, action, status
):
    event_type = f"application.{status}"
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    before = len(_rows(tenant_a))
    # The same count as a plain move (tests/integrations/test_outbox.py): the second outbox
    # row rides in the move's one write statement.
    with tenant_context(tenant_a), django_assert_num_queries(5):
        transition = application_transition(
            application_id=application.pk,
            action=action,
            expected_version=None,
            reason="Chose another candidate",
        )
    moved, lifecycle = _rows(tenant_a)[before:]
    assert (moved.event_type, lifecycle.event_type) == ("milestone.moved", event_type)
    assert moved.pk < lifecycle.pk
    assert lifecycle.ordering_key == application.pk
    data = lifecycle.payload["data"]
    assert lifecycle.payload["type"] == event_type
    assert data["application_id"] == str(application.pk)
    assert data["transition_id"] == str(transition.pk)
    assert data["application_status"] == status
    assert data["milestone"] == "APPLIED"


def test_the_move_out_of_the_terminal_milestone_writes_application_hired(tenant_a):
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "HIRED"),
        milestones={"HIRED": {"terminal_kind": TerminalKind.HIRED}},
    )
    application = make_tracked_application(tenant=tenant_a, version=version)
    _move(tenant_a, application, MoveAction.ADVANCE)
    assert [r.event_type for r in _rows(tenant_a)][-1] == "milestone.moved"
    _move(tenant_a, application, MoveAction.ADVANCE)
    moved, hired = _rows(tenant_a)[-2:]
    assert (moved.event_type, hired.event_type) == ("milestone.moved", "application.hired")
    assert hired.payload["data"]["milestone"] == "HIRED"
    assert hired.payload["data"]["application_status"] == "hired"


def test_an_ordinary_move_writes_no_lifecycle_event(tenant_a):
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    _move(tenant_a, application, MoveAction.ADVANCE)
    assert not [
        r
        for r in _rows(tenant_a)
        if r.event_type.startswith("application.") and r.event_type != "application.created"
    ]
