"""The outbox: every domain event is a row written with its change, gone with a rollback."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar

import pytest
from django.db import transaction

from ats_milestones.events import OutboundEvent, publish
from integrations.models import OutboxEvent
from integrations.outbox import event_types
from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from recruiting.services import application_create
from tenants.actors import SYSTEM
from tenants.context import tenant_context
from tests import factories

from ..milestones.factories import make_tracked_application, make_version

pytestmark = pytest.mark.django_db


def _events(tenant) -> list[tuple[str, dict]]:
    with tenant_context(tenant):
        return [(e.event_type, e.payload["data"]) for e in OutboxEvent.objects.order_by("id")]


def test_a_new_application_writes_its_creation_and_its_entry_into_the_workflow(tenant_a):
    version = make_version(tenant=tenant_a)
    requisition = factories.make_requisition(tenant=tenant_a, framework_version=version)
    candidate = factories.make_candidate(tenant=tenant_a)
    with tenant_context(tenant_a):
        application = application_create(
            tenant_id=tenant_a.pk, actor=SYSTEM, candidate=candidate, requisition=requisition
        )
    events = _events(tenant_a)
    assert [t for t, _ in events] == ["application.created", "milestone.moved"]
    assert events[0][1]["application_id"] == str(application.pk)
    assert events[1][1]["kind"] == "initialize"
    assert events[1][1]["to_milestone"] == "APPLIED"


def test_a_move_writes_one_outbox_event_in_its_own_statement(tenant_a, django_assert_num_queries):
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    # lock+read, the write (the outbox row inside it), savepoints, the stays read model
    with tenant_context(tenant_a), django_assert_num_queries(5):
        transition = application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
    event_type, data = _events(tenant_a)[-1]
    assert event_type == "milestone.moved"
    assert data["transition_id"] == str(transition.pk)
    assert (data["from_milestone"], data["to_milestone"]) == ("APPLIED", "SCREEN")
    assert data["actor"] == {"type": "system"}
    with tenant_context(tenant_a):
        row = OutboxEvent.objects.order_by("id").last()
    assert row.ordering_key == application.pk
    assert row.webhook_id == f"msg_{row.event_id.hex}"


def test_a_rolled_back_move_leaves_no_event(tenant_a):
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    before = len(_events(tenant_a))
    with tenant_context(tenant_a):
        with pytest.raises(RuntimeError), transaction.atomic():
            application_transition(
                application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
            )
            raise RuntimeError("the change fails after the outbox write")
    assert len(_events(tenant_a)) == before


def test_the_outbox_is_tenant_scoped(tenant_a, tenant_b):
    make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    assert _events(tenant_b) == []


@dataclass(frozen=True, slots=True)
class _ExampleOutbound(OutboundEvent):
    """An event of an app integrations cannot import, as approvals' events are."""

    outbound_type: ClassVar[str] = "example.happened"
    application_id: uuid.UUID = uuid.UUID(int=0)

    def ordering_key(self):
        return self.application_id

    def outbound_data(self) -> dict:
        return {"application_id": str(self.application_id)}


def test_an_outbound_event_of_any_app_reaches_the_outbox_by_its_own_description(tenant_a):
    key = uuid.uuid4()
    with tenant_context(tenant_a), transaction.atomic():
        publish(_ExampleOutbound(tenant_id=tenant_a.pk, application_id=key))
    assert _events(tenant_a) == [("example.happened", {"application_id": str(key)})]
    with tenant_context(tenant_a):
        assert OutboxEvent.objects.get().ordering_key == key
    assert "example.happened" in event_types()
