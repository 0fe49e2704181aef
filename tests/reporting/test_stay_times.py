"""Business time of a stay, the misclick window, and a rejection stopping the clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from milestones.core.timers import business_time_add
from milestones.models import MilestoneSettings
from milestones.services.timers.calendar import business_calendar_of
from reporting.models import MilestoneStay, ReportingSettings
from reporting.stays import stays_rebuild
from tenants.context import all_tenants_context
from tests.milestones.factories import (
    make_holiday,
    make_tracked_application,
    make_version,
    milestone_of,
)
from tests.reporting.factories import move
from tests.support import rows

pytestmark = pytest.mark.django_db

# A Monday 10:00 UTC a week or two ahead: moves go forward from the workflow entry (now).
_AHEAD = datetime.now(UTC) + timedelta(days=7)
MONDAY = (_AHEAD + timedelta(days=7 - _AHEAD.weekday())).replace(
    hour=10, minute=0, second=0, microsecond=0
)
TUESDAY = (MONDAY + timedelta(days=1)).date()


def _stay(application, code, version, **kw):
    return rows(
        MilestoneStay,
        application_id=application.pk,
        milestone_id=milestone_of(version, code).pk,
        **kw,
    )


def test_business_time_counts_working_hours_only_and_skips_holidays(tenant_a):
    make_holiday(tenant=tenant_a, date=TUESDAY, name="Tuesday off")
    version = make_version(tenant=tenant_a)
    application = make_tracked_application(tenant=tenant_a, version=version)
    move(tenant_a, application, "advance", at=MONDAY)
    move(tenant_a, application, "advance", at=MONDAY + timedelta(days=2, hours=1))  # Wed 11:00

    [screen] = _stay(application, "SCREEN", version)
    # Monday 10-17 (7 h), Tuesday a holiday, Wednesday 9-11 (2 h).
    assert screen.business_seconds == 9 * 3600
    assert screen.calendar_seconds == (2 * 24 + 1) * 3600


def test_business_time_follows_the_tenants_timezone_and_hours(tenant_a):
    with all_tenants_context():
        settings = MilestoneSettings.all_tenants.create(
            tenant=tenant_a,
            business_timezone="America/New_York",
            business_day_start=time(8),
            business_day_end=time(16),
            business_weekdays=[1, 2, 3, 4, 5, 6],
        )
    version = make_version(tenant=tenant_a)
    application = make_tracked_application(tenant=tenant_a, version=version)
    entered = move(tenant_a, application, "advance", at=MONDAY).at  # before 8:00 in New York
    saturday_noon = datetime.combine(
        (MONDAY + timedelta(days=5)).date(), time(12), tzinfo=ZoneInfo("America/New_York")
    )
    left = move(tenant_a, application, "advance", at=saturday_noon).at

    [screen] = _stay(application, "SCREEN", version)
    # Mon-Fri 8 h each, Saturday 8:00-12:00 New York time: 44 h.
    assert screen.business_seconds == 44 * 3600
    # The calendar module's own arithmetic agrees: that much business time from entry is the exit.
    calendar = business_calendar_of(settings)
    assert business_time_add(entered, timedelta(seconds=screen.business_seconds), calendar) == left


def test_a_move_undone_within_the_misclick_window_is_not_a_stay(tenant_a):
    version = make_version(tenant=tenant_a)
    application = make_tracked_application(tenant=tenant_a, version=version)
    [applied_before] = _stay(application, "APPLIED", version)
    move(tenant_a, application, "advance", at=MONDAY)
    move(tenant_a, application, "regress", to_code="APPLIED", at=MONDAY + timedelta(minutes=4))

    [screen] = _stay(application, "SCREEN", version)
    assert screen.reverted and screen.left_at == MONDAY + timedelta(minutes=4)
    [applied] = _stay(application, "APPLIED", version)
    assert applied.pk == applied_before.pk  # the same stay goes on
    assert (applied.left_at, applied.ended, applied.calendar_seconds) == (None, "", None)

    # Later and slower: a real regression, counted.
    move(tenant_a, application, "advance", at=MONDAY + timedelta(hours=1))
    move(tenant_a, application, "regress", to_code="APPLIED", at=MONDAY + timedelta(hours=2))
    screens = _stay(application, "SCREEN", version, reverted=False)
    assert [s.ended for s in screens] == ["regressed"]
    assert len(_stay(application, "APPLIED", version)) == 2


def test_the_misclick_window_is_the_tenants_setting(tenant_a):
    with all_tenants_context():
        ReportingSettings.all_tenants.create(tenant=tenant_a, misclick_window_seconds=60)
    version = make_version(tenant=tenant_a)
    application = make_tracked_application(tenant=tenant_a, version=version)
    move(tenant_a, application, "advance", at=MONDAY)
    move(tenant_a, application, "regress", to_code="APPLIED", at=MONDAY + timedelta(minutes=2))

    [screen] = _stay(application, "SCREEN", version)
    assert not screen.reverted and screen.ended == "regressed"


def test_a_move_elsewhere_within_the_window_is_a_stay(tenant_a):
    version = make_version(tenant=tenant_a, milestones={"SCREEN": {"mandatory": False}})
    application = make_tracked_application(tenant=tenant_a, version=version)
    move(tenant_a, application, "advance", at=MONDAY)
    move(tenant_a, application, "advance", at=MONDAY + timedelta(minutes=1))

    assert not any(s.reverted for s in rows(MilestoneStay, application_id=application.pk))


def test_a_rejection_stops_the_clock(tenant_a):
    version = make_version(tenant=tenant_a)
    application = make_tracked_application(tenant=tenant_a, version=version)
    move(tenant_a, application, "advance", at=MONDAY)
    move(tenant_a, application, "reject", at=MONDAY + timedelta(hours=3))

    [screen] = _stay(application, "SCREEN", version)
    assert (screen.ended, screen.business_seconds) == ("rejected", 3 * 3600)
    assert rows(MilestoneStay, application_id=application.pk, left_at=None) == []


def test_a_rebuild_replays_misclicks_and_business_time(tenant_a):
    make_holiday(tenant=tenant_a, date=TUESDAY, name="Tuesday off")
    version = make_version(tenant=tenant_a)
    application = make_tracked_application(tenant=tenant_a, version=version)
    move(tenant_a, application, "advance", at=MONDAY)
    move(tenant_a, application, "regress", to_code="APPLIED", at=MONDAY + timedelta(minutes=1))
    move(tenant_a, application, "advance", at=MONDAY + timedelta(days=1))
    move(tenant_a, application, "advance", at=MONDAY + timedelta(days=3))
    fields = (
        "milestone_id",
        "entered_at",
        "left_at",
        "ended",
        "reverted",
        "business_seconds",
        "calendar_seconds",
        "entered_cause",
        "entered_transition_id",
        "left_transition_id",
    )

    def stays():
        return sorted(
            tuple(getattr(s, f) for f in fields)
            for s in rows(MilestoneStay, application_id=application.pk)
        )

    kept_current = stays()
    stays_rebuild(tenant_id=tenant_a.pk)
    assert stays() == kept_current
    assert sum(1 for s in kept_current if s[4]) == 1
