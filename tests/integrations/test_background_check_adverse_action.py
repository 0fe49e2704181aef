"""A `consider` result starts the adverse-action flow and never rejects by itself: a person
decides, only after the waiting period in the tenant's business days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from integrations.errors import AdverseActionRefused, IntegrationErrorCode
from integrations.services.background_checks import (
    WAITING_DEADLINE_KIND,
    background_check_decide,
    business_days_after,
)
from milestones.core.timers import BusinessCalendar
from milestones.models import ApplicationDeadline
from notifications.models import Notification
from tenants.actors import Actor
from tenants.context import tenant_context
from tests.support import refreshed

from .background_check_support import (
    current_of,
    enter_check,
    new_application,
    the_check,
    vendor_connection,
    vendor_update,
)

pytestmark = pytest.mark.django_db


def test_consider_starts_the_adverse_action_flow_and_never_rejects_by_itself(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    connection = vendor_connection(tenant_a, checkr)
    application = new_application(tenant_a)
    enter_check(tenant_a, application, django_capture_on_commit_callbacks)
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        summary = vendor_update(
            connection,
            tenant_a,
            report_id="rep_1",
            candidate_id="cand_1",
            status="complete",
            result="consider",
        )
    assert summary["outcome"] == "adverse action started"
    assert current_of(tenant_a, application) == ("BACKGROUND_CHECK", "active")
    check = the_check(tenant_a)
    assert check.adverse_action == "waiting"
    # Five business days (Monday to Friday, no holidays): at least a week later.
    assert timedelta(days=7) <= check.waiting_ends_at - started <= timedelta(days=9)
    # The vendor sends the candidate the pre-adverse notice.
    assert checkr.received[-1]["path"] == "/v1/reports/rep_1/adverse_actions"
    with tenant_context(tenant_a):
        deadline = ApplicationDeadline.objects.get(application=application)
        notification = Notification.objects.get(application=application)
    assert (deadline.kind, deadline.at) == (WAITING_DEADLINE_KIND, check.waiting_ends_at)
    assert "needs a decision" in notification.title
    assert "Nothing happens automatically" in notification.body


def _considered(tenant, checkr, capture):
    connection = vendor_connection(tenant, checkr)
    application = new_application(tenant)
    enter_check(tenant, application, capture)
    vendor_update(
        connection,
        tenant,
        report_id="rep_1",
        candidate_id="cand_1",
        status="complete",
        result="consider",
    )
    return application, the_check(tenant)


def test_a_person_decides_only_after_the_waiting_period(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    application, check = _considered(tenant_a, checkr, django_capture_on_commit_callbacks)
    person = Actor(user_id=1, role="recruiter")
    with tenant_context(tenant_a), pytest.raises(AdverseActionRefused) as early:
        background_check_decide(check=check, proceed=False, actor=person)
    assert early.value.code == IntegrationErrorCode.ADVERSE_ACTION_WAITING
    assert early.value.status == 409
    later = check.waiting_ends_at + timedelta(minutes=1)
    with tenant_context(tenant_a):
        background_check_decide(
            check=check,
            proceed=False,
            actor=person,
            reason="Record relevant to the role",
            now=later,
        )
    assert current_of(tenant_a, application)[1] == "rejected"
    with tenant_context(tenant_a):
        assert (
            refreshed(application).reject_reason == "Background check: Record relevant to the role"
        )
        with pytest.raises(AdverseActionRefused) as refused:
            background_check_decide(check=check, proceed=True, actor=person, now=later)
    assert refused.value.code == IntegrationErrorCode.NO_ADVERSE_ACTION_PENDING


def test_proceeding_after_review_advances_the_application(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    application, check = _considered(tenant_a, checkr, django_capture_on_commit_callbacks)
    with tenant_context(tenant_a):
        background_check_decide(
            check=check,
            proceed=True,
            actor=Actor(user_id=1, role="recruiter"),
            now=check.waiting_ends_at,
        )
    assert current_of(tenant_a, application) == ("OFFER", "active")
    assert the_check(tenant_a).adverse_action == "proceeded"


def test_a_role_that_may_not_move_candidates_cannot_decide(
    tenant_a, checkr, django_capture_on_commit_callbacks
):
    from tenants.permissions import PermissionRefused

    _, check = _considered(tenant_a, checkr, django_capture_on_commit_callbacks)
    with tenant_context(tenant_a), pytest.raises(PermissionRefused):
        background_check_decide(
            check=check,
            proceed=True,
            actor=Actor(user_id=1, role="viewer"),
            now=check.waiting_ends_at,
        )


def test_the_waiting_period_counts_business_days_of_the_tenant_s_calendar():
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    plain = BusinessCalendar()
    assert business_days_after(friday, 5, plain) == datetime(2026, 12, 11, 15, 0, tzinfo=UTC)
    with_holiday = BusinessCalendar(holidays=frozenset({date(2026, 12, 7)}))
    assert business_days_after(friday, 5, with_holiday).date() == date(2026, 12, 14)
