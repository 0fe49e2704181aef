"""Background checks against a fake Checkr (a real HTTP server on loopback): entering the
milestone orders a check; the vendor's results drive the milestone through the engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import (
    BackgroundCheckStatusChange,
    Delivery,
)
from integrations.services.connections import connection_validate
from tenants.actors import SYSTEM
from tenants.context import tenant_context
from tests.support import FakeVendor, refreshed, rows

from .background_check_support import (
    current_of,
    enter_check,
    new_application,
    the_check,
    vendor_connection,
    vendor_update,
)

pytestmark = pytest.mark.django_db


def test_entering_the_milestone_orders_an_invitation_from_the_vendor(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = vendor_connection(tenant_a, checkr)
    application = new_application(tenant_a)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    assert [r["path"] for r in checkr.received] == ["/v1/candidates", "/v1/invitations"]
    with tenant_context(tenant_a):
        candidate = application.candidate
    person, order = checkr.bodies()
    assert (person["first_name"], person["email"]) == (candidate.first_name, candidate.email)
    assert person["custom_id"] == str(application.pk)
    assert order == {"candidate_id": "cand_1", "package": "tasker_standard"}
    check = the_check(tenant_a)
    assert (check.status, check.vendor_candidate_id, check.vendor_invitation_id) == (
        "pending",
        "cand_1",
        "inv_1",
    )
    assert check.connection_id == connection.pk and check.ordered_at is not None
    # A vendor API, not a webhook receiver: no delivery for the connection.
    assert rows(Delivery, connection=connection) == []
    with tenant_context(tenant_a):
        history = list(check.history.values_list("status", flat=True))
    assert history == ["ordering", "pending"]


def test_the_milestone_code_and_a_direct_report_are_the_connection_s_choice(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    vendor_connection(tenant_a, checkr, milestone_code="SCREENING", invitation=False)
    application = new_application(tenant_a, codes=("APPLIED", "SCREENING", "OFFER"))
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    assert [r["path"] for r in checkr.received] == ["/v1/candidates", "/v1/reports"]
    assert the_check(tenant_a).vendor_report_id == "rep_9"


def test_a_vendor_that_never_takes_the_order_leaves_the_check_failed_with_the_reason(
    tenant_a, django_capture_on_commit_callbacks
):
    down = FakeVendor(answers=(503,))
    vendor_connection(tenant_a, down)
    application = new_application(tenant_a)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    down.stop()
    check = the_check(tenant_a)
    assert check.status == "order_failed"
    assert "/v1/candidates answered 503" in check.last_error
    assert check.order_attempts == 7  # the first try and six retries


def test_a_clear_result_advances_the_application_with_the_report_as_cause(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = vendor_connection(tenant_a, checkr)
    application = new_application(tenant_a)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    summary = vendor_update(
        connection,
        tenant_a,
        candidate_id="cand_1",
        report_id="rep_1",
        status="complete",
        result="clear",
    )
    assert summary["outcome"] == "advanced"
    assert current_of(tenant_a, application) == ("OFFER", "active")
    with tenant_context(tenant_a):
        transition = application.milestone_transitions.order_by("-at").first()
    assert transition.cause == "sync"
    assert transition.reason == "Background check clear (report rep_1)"
    check = the_check(tenant_a)
    assert (check.status, check.result, check.vendor_report_id) == ("complete", "clear", "rep_1")
    last = rows(BackgroundCheckStatusChange, background_check=check)[-1]
    assert (last.source, last.note) == ("vendor", "The application: advanced")


def test_statuses_on_the_way_are_kept_in_the_history_and_an_older_update_changes_nothing(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = vendor_connection(tenant_a, checkr)
    application = new_application(tenant_a)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    now = timezone.now()
    vendor_update(connection, tenant_a, invitation_id="inv_1", status="suspended", at=now)
    stale = vendor_update(
        connection, tenant_a, invitation_id="inv_1", status="pending", at=now - timedelta(hours=1)
    )
    assert stale["applied"] is False
    vendor_update(
        connection, tenant_a, invitation_id="inv_1", status="dispute", at=now + timedelta(1)
    )
    check = the_check(tenant_a)
    assert check.status == "dispute"
    history = [h.status for h in rows(BackgroundCheckStatusChange, background_check=check)]
    assert history == ["ordering", "pending", "suspended", "dispute"]
    assert current_of(tenant_a, application) == ("BACKGROUND_CHECK", "active")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"invitation_id": "inv_1", "status": "finished"}, "data.status"),
        ({"invitation_id": "inv_1", "status": "complete"}, "data.result"),
        ({"report_id": "rep_unknown", "status": "pending"}, "data.report_id"),
    ],
)
def test_an_update_the_check_cannot_take_is_refused_naming_the_field(
    tenant_a, checkr, django_capture_on_commit_callbacks, data, field
):
    from ats_milestones.errors import DomainError

    connection = vendor_connection(tenant_a, checkr)
    enter_check(tenant_a, new_application(tenant_a), django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as refused:
        vendor_update(connection, tenant_a, **data)
    assert field in refused.value.fields
    assert refused.value.status in (400, 422)


def test_a_vendor_api_that_answers_404_to_the_test_event_validates_and_401_does_not(tenant_a):
    api = FakeVendor(answers=(404,))
    connection = vendor_connection(tenant_a, api)
    with tenant_context(tenant_a):
        reached = connection_validate(connection=connection, actor=SYSTEM)
        api.answers = [401]
        refused = connection_validate(connection=connection, actor=SYSTEM)
    api.stop()
    assert reached.ok is True, reached.message
    assert "reachable" in reached.message
    assert refused.ok is False
    assert refreshed(connection).enabled is False
