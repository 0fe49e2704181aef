"""The role homes read as a person would say it: when something is due in the tenant's time
zone, which rule moved a candidate, which of two same-titled requisitions is which."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from milestones.models import (
    ApplicationMilestone,
    MilestoneSettings,
    MilestoneState,
    TransitionCause,
)
from reporting.pages.wording import due_words, zone_words
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_automation_rule, make_version
from tests.reporting.factories import make_pipeline, move
from tests.support import signed_in

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def _member(tenant, role, username):
    user = factories.make_user(username=username, first_name=username.title(), last_name="Reyes")
    factories.make_membership(tenant=tenant, user=user, role=role)
    return user, signed_in(user)


@pytest.mark.parametrize(
    ("due_at", "words"),
    [
        (NOON - timedelta(hours=8, minutes=41), "overdue since 03:19 (8 hours ago)"),
        (NOON - timedelta(seconds=20), "overdue since 11:59 (just now)"),
        (NOON + timedelta(minutes=45), "due in 45 minutes"),
        (NOON + timedelta(hours=2), "due in 2 hours"),
        (NOON + timedelta(hours=3), "due at 15:00"),
    ],
)
def test_due_times_read_as_a_person_says_them(due_at, words):
    assert due_words(due_at, now=NOON, zone=UTC_ZONE) == words


def test_due_clock_times_are_in_the_tenants_zone():
    assert due_words(NOON + timedelta(hours=5), now=NOON, zone=ZoneInfo("Europe/Berlin")) == (
        "due at 18:00"
    )


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("America/New_York", "New York time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("UTC", "UTC"),
    ],
)
def test_a_time_zone_reads_as_people_name_it(zone, words):
    assert zone_words(ZoneInfo(zone)) == words


def test_the_recruiters_due_today_says_overdue_since_in_the_tenants_time_zone(tenant_a):
    zone = ZoneInfo("Pacific/Auckland")
    with all_tenants_context():
        MilestoneSettings.all_tenants.create(tenant=tenant_a, business_timezone=str(zone))
    rita, client = _member(tenant_a, Role.RECRUITER, "rita")
    requisition, _ = make_pipeline(tenant_a, recruiter=rita, size=1)
    now = timezone.now()
    day_start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    due_at = day_start + (now - day_start) / 2  # earlier today, the tenant's today
    with all_tenants_context():
        ApplicationMilestone.all_tenants.filter(
            requisition=requisition, state=MilestoneState.ACTIVE
        ).update(due_at=due_at)
    html = client.get("/").content.decode()
    assert 'Due today <span class="count">1</span>' in html
    assert f"overdue since {due_at.astimezone(zone):%H:%M}" in html
    assert "(passed)" not in html and "Times are Auckland time." in html


def test_a_hiring_manager_tells_same_titled_requisitions_apart(tenant_a):
    manager, client = _member(tenant_a, Role.HIRING_MANAGER, "hana")
    version = make_version(tenant=tenant_a)
    places = [("Engineering", "Berlin", "REQ-101"), ("Support", "Lisbon", "REQ-102")]
    for department, location, code in places:
        factories.make_requisition(
            tenant=tenant_a,
            title="Data analyst",
            framework_version=version,
            hiring_manager=manager,
            department=factories.make_department(tenant=tenant_a, name=department),
            location=factories.make_location(tenant=tenant_a, name=location),
            external_id=code,
            opened_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        )
    html = client.get("/").content.decode()
    assert html.count("Data analyst") >= 2
    for department, location, code in places:
        assert f"{department} · {location} · {code} · opened 2 Nov 2026" in html


def test_the_admins_rules_that_fired_name_the_rule_and_link_to_it(tenant_a):
    _, client = _member(tenant_a, Role.ADMIN, "adam")
    _, applications = make_pipeline(tenant_a, size=2)
    version_id = applications[0].requisition.framework_version_id
    with all_tenants_context():
        version = type(applications[0].requisition.framework_version).all_tenants.get(pk=version_id)
    rule = make_automation_rule(tenant=tenant_a, version=version, name="Advance after the test")
    move(
        tenant_a,
        applications[0],
        "advance",
        cause=TransitionCause.TRIGGER,
        reason=f"rule {rule.name} ({rule.id}): assessment.completed",
    )
    with tenant_context(tenant_a):
        html = client.get("/").content.decode()
    link = f'href="/workflows/versions/{version.pk}/#automation-rules"'
    assert f"{link}>Advance after the test</a> moved" in html


def test_the_auditors_feed_names_people_and_says_what_was_refused(tenant_a):
    from tests.milestones.factories import make_tracked_application
    from tests.support import refreshed

    application = make_tracked_application(tenant=tenant_a)
    _, auditor = _member(tenant_a, Role.AUDITOR, "aiko")
    refused = auditor.post(
        f"/requisitions/{application.requisition_id}/board/",
        {
            "application_id": str(application.pk),
            "action": "advance",
            "expected_version": refreshed(application).version,
        },
    )
    assert refused.status_code == 403
    html = auditor.get("/").content.decode()
    assert "Aiko Reyes: Action refused (" in html
    assert "Refused by role" not in html and "by aiko" not in html
