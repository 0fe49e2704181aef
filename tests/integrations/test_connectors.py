"""HRIS and payroll connectors against fake vendors (real HTTP servers on loopback): what
each connection receives of the milestone events, in Merge's names, through the relay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from integrations.connectors.inbound import payroll_acknowledged
from integrations.errors import InvalidInboundEvent, UnknownInboundSubject
from integrations.inbound_handlers import InboundEvent, inbound_handler
from integrations.models import Connection, ConnectionKind, Delivery
from integrations.services.relay import outbox_dispatch, relay_run
from milestones.models import ApplicationDeadline, MilestoneState
from tenants.context import tenant_context
from tests.support import FakeVendor, refreshed, rows

from ..milestones.factories import advance, make_tracked_application, make_version
from .factories import make_connection

pytestmark = pytest.mark.django_db


HRIS_VERSION = {
    "codes": ("APPLIED", "OFFER_ACCEPTED", "HIRED"),
    "milestones": {
        "OFFER_ACCEPTED": {"hris_status": "OFFER_ACCEPTED"},
        "HIRED": {"hris_status": "HIRED"},
    },
}


def test_hris_hears_pre_hire_then_hired_with_the_start_date_in_merge_names(tenant_a, vendor):
    connection, secret = make_connection(tenant=tenant_a, url=vendor.url, kind=ConnectionKind.HRIS)
    plain = FakeVendor()
    make_connection(tenant=tenant_a, url=plain.url)
    application = make_tracked_application(
        tenant=tenant_a, version=make_version(tenant=tenant_a, **HRIS_VERSION)
    )
    with tenant_context(tenant_a):
        ApplicationDeadline.objects.create(
            application=application, kind="start_date", at=datetime(2027, 1, 4, 9, tzinfo=UTC)
        )
    advance(tenant_a, application, times=2)
    relay_run()
    plain.stop()
    # Only the moves into mapped milestones reach the HRIS; the plain webhook hears all.
    assert [b["type"] for b in vendor.bodies()] == ["hris.status_changed"] * 2
    assert len(plain.bodies()) == 3
    for received in vendor.received:
        Webhook(secret).verify(received["body"], received["headers"])
    pre_hire, hired = (b["data"] for b in vendor.bodies())
    assert (pre_hire["hris_status"], hired["hris_status"]) == ("pre_hire", "hired")
    assert hired["start_date"] == "2027-01-04"
    assert hired["offer"] == {
        "id": None,
        "application": str(application.pk),
        "status": "SIGNED",
        "start_date": "2027-01-04",
    }
    with tenant_context(tenant_a):
        candidate, title = application.candidate, application.requisition.title
    assert hired["candidate"]["first_name"] == candidate.first_name
    assert hired["candidate"]["email_addresses"] == [
        {"value": candidate.email, "email_address_type": "PERSONAL"}
    ]
    assert hired["application"]["id"] == str(application.pk)
    assert hired["application"]["candidate"] == str(candidate.pk)
    assert hired["job"]["name"] == title
    assert hired["current_stage"]["remote_id"] == "HIRED"
    assert {d.event_type for d in rows(Delivery, connection=connection)} == {"hris.status_changed"}


def test_a_connection_s_own_mapping_decides_the_hris_status(tenant_a, vendor):
    connection, _ = make_connection(tenant=tenant_a, url=vendor.url, kind=ConnectionKind.HRIS)
    with tenant_context(tenant_a):
        Connection.objects.filter(pk=connection.pk).update(
            connector_settings={"status_mappings": {"HIRED": "active_employee"}}
        )
    application = make_tracked_application(
        tenant=tenant_a, version=make_version(tenant=tenant_a, **HRIS_VERSION)
    )
    advance(tenant_a, application, times=2)
    relay_run()
    assert [b["data"]["hris_status"] for b in vendor.bodies()] == ["active_employee"]
    assert vendor.bodies()[0]["data"]["start_date"] is None


def test_generic_webhooks_get_no_candidate_personal_data(tenant_a, vendor):
    make_connection(tenant=tenant_a, url=vendor.url)
    application = make_tracked_application(
        tenant=tenant_a, version=make_version(tenant=tenant_a, **HRIS_VERSION)
    )
    advance(tenant_a, application, times=2)
    relay_run()
    sent = b"".join(r["body"] for r in vendor.received)
    with tenant_context(tenant_a):
        candidate = application.candidate
    assert candidate.email.encode() not in sent
    assert candidate.last_name.encode() not in sent


PAYROLL_VERSION = {"codes": ("APPLIED", "CONTRACTOR_ONBOARDING", "DONE")}


def _payroll_setup(tenant, vendor):
    connection, _ = make_connection(tenant=tenant, url=vendor.url, kind=ConnectionKind.PAYROLL)
    application = make_tracked_application(
        tenant=tenant, version=make_version(tenant=tenant, **PAYROLL_VERSION)
    )
    advance(tenant, application)
    relay_run()
    return connection, application


def test_contractor_onboarding_sends_payroll_its_request_and_the_ack_completes_it(tenant_a, vendor):
    connection, application = _payroll_setup(tenant_a, vendor)
    (body,) = vendor.bodies()
    assert body["type"] == "payroll.onboarding_requested"
    assert body["data"]["action"] == "contractor_onboarding"
    assert body["data"]["worker_type"] == "CONTRACTOR"
    assert body["data"]["candidate"] == {"id": str(application.candidate_id)}
    event = InboundEvent(
        connection=connection,
        webhook_id="msg_ack1",
        event_type="payroll.acknowledged",
        occurred_at=None,
        data={
            "application_id": str(application.pk),
            "milestone": "CONTRACTOR_ONBOARDING",
            "payroll_id": "P-77",
        },
    )
    assert inbound_handler("payroll.acknowledged") is payroll_acknowledged
    with tenant_context(tenant_a):
        summary = payroll_acknowledged(event)
        stay = application.milestones.get(milestone__code="CONTRACTOR_ONBOARDING")
        transition = application.milestone_transitions.order_by("-at").first()
    assert summary["completed"] is True
    assert stay.state == MilestoneState.COMPLETED
    assert (transition.cause, transition.reason) == ("sync", "Payroll acknowledged (P-77)")
    # A second acknowledgement finds nothing left to complete and says so.
    with tenant_context(tenant_a):
        assert payroll_acknowledged(event)["completed"] is False
    assert refreshed(application).version == application.version + 2  # the move, the ack


def test_a_payroll_ack_naming_no_application_of_the_tenant_is_refused(tenant_a, tenant_b, vendor):
    connection, _ = _payroll_setup(tenant_a, vendor)
    other = make_tracked_application(tenant=tenant_b)
    event = InboundEvent(
        connection=connection,
        webhook_id="msg_ack2",
        event_type="payroll.acknowledged",
        occurred_at=None,
        data={"application_id": str(other.pk), "milestone": "APPLIED"},
    )
    with tenant_context(tenant_a), pytest.raises(UnknownInboundSubject) as refused:
        payroll_acknowledged(event)
    assert refused.value.fields == {"data.application_id": ["not an application of this tenant"]}


def test_a_payroll_ack_cannot_complete_a_milestone_payroll_was_not_asked_about(tenant_a, vendor):
    connection, application = _payroll_setup(tenant_a, vendor)
    event = InboundEvent(
        connection=connection,
        webhook_id="msg_ack3",
        event_type="payroll.acknowledged",
        occurred_at=None,
        data={"application_id": str(application.pk), "milestone": "APPLIED"},
    )
    with tenant_context(tenant_a), pytest.raises(InvalidInboundEvent) as refused:
        payroll_acknowledged(event)
    assert "data.milestone" in refused.value.fields


@pytest.mark.parametrize("size", [2, 6])
def test_dispatching_to_connectors_takes_the_same_queries_at_any_batch_size(
    tenant_a, size, django_assert_num_queries
):
    for kind in (ConnectionKind.HRIS, ConnectionKind.PAYROLL, ConnectionKind.BACKGROUND_CHECK):
        make_connection(tenant=tenant_a, url="http://127.0.0.1:9/hooks", kind=kind)
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "BACKGROUND_CHECK", "CONTRACTOR_ONBOARDING", "HIRED"),
        milestones={"HIRED": {"hris_status": "HIRED"}},
    )
    applications = [make_tracked_application(tenant=tenant_a, version=version) for _ in range(size)]
    advance(tenant_a, applications[0], times=3)  # every connector has something to do
    for application in applications[1:]:
        advance(tenant_a, application)
    # lock, events, connections, the context (applications, definitions, deadlines),
    # the checks and their history, the deliveries, the dispatched mark, and the
    # tenant-context and savepoint statements around them
    with django_assert_num_queries(14):
        outbox_dispatch()
